"""Production deployments that finished, as plain facts for the contexts above pipelines (what
happens after a release: journeys run after each one, reviews open, incidents are attributed).

Both paths count: a deployment Signalbox drove (canary, blue-green) that SUCCEEDED, and a
deployment or upgrade a CD tool reported (CDEvents `service.deployed` / `upgraded`, GraphQL)
whose service and environment resolved. Each is keyed by its own id and says which it is.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import Artifact, DeploymentReport
from domain.pipelines.vocabulary import DeploymentKind, DeploymentStatus

PLANNED = "deployment"
REPORTED = "report"
MAX_FINISHED = 500
"""At most this many from one call (the earliest)."""


@dataclass(frozen=True, slots=True)
class FinishedDeployment:
    kind: str
    """PLANNED (a `deployments` row) or REPORTED (a `deployment_reports` row)."""
    id: uuid.UUID
    bu_id: uuid.UUID
    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact: str
    started_at: datetime
    """When the new version began to take traffic (a report's moment, for a reported one)."""
    finished_at: datetime
    rolled_back: bool
    strategy: str = ""
    """A planned one's strategy (blue_green, canary); empty for a reported one."""
    version: str = ""
    """The artifact version it shipped: a planned one's; a reported one's when its artifact
    reference resolved to an artifact Signalbox knows (else empty: `artifact` is all there is)."""

    imported: bool = False
    """A planned one imported from a CD tool's history (domain/pipelines/history.py)."""

    @property
    def shipped_version(self) -> str:
        """The version, or the reference as reported when it did not resolve."""
        return self.version or self.artifact


def _planned(rows: list[Row[Any]]) -> list[FinishedDeployment]:
    return [
        FinishedDeployment(
            PLANNED,
            r.id,
            r.bu_id,
            r.service_id,
            r.environment_id,
            r.artifact_version,
            r.started_at or r.finished_at,
            r.finished_at,
            r.status == DeploymentStatus.ROLLED_BACK,
            r.strategy,
            r.artifact_version,
            bool(r.imported),
        )
        for r in rows
    ]


def _reported(rows: list[Row[Any]]) -> list[FinishedDeployment]:
    return [
        FinishedDeployment(
            REPORTED,
            r.id,
            r.bu_id,
            r.service_id,
            r.environment_id,
            r.artifact_ref,
            r.occurred_at,
            r.occurred_at,
            False,
            "",
            r.resolved_version or "",
        )
        for r in rows
    ]


DEP = Deployment.__table__
REP = DeploymentReport.__table__
ART = Artifact.__table__


async def _both(
    session: AsyncSession,
    planned: list[Any],
    reported: list[Any],
    *,
    limit: int = MAX_FINISHED,
    newest: bool = False,
) -> list[FinishedDeployment]:
    """Planned deployments (DEP rows) and reported ones (REP rows) in production meeting each
    one's conditions, in two statements: at most `limit` of each, the earliest (or the newest)."""
    env = environments.environment_rows()
    production = env.c.kind == EnvironmentKind.PRODUCTION
    on_planned = select(DEP).join(env, env.c.id == DEP.c.environment_id).where(production)
    on_reported = (
        select(REP, ART.c.version.label("resolved_version"))
        .outerjoin(ART, ART.c.id == REP.c.artifact_id)
        .join(env, env.c.id == REP.c.environment_id)
        .where(production, REP.c.kind.in_([DeploymentKind.DEPLOYED, DeploymentKind.UPGRADED]))
    )
    planned_at = DEP.c.finished_at.desc() if newest else DEP.c.finished_at
    reported_at = REP.c.occurred_at.desc() if newest else REP.c.occurred_at
    found = await session.execute(
        on_planned.where(*planned).order_by(planned_at, DEP.c.id).limit(limit)
    )
    told = await session.execute(
        on_reported.where(*reported).order_by(reported_at, REP.c.id).limit(limit)
    )
    return _planned(list(found.all())) + _reported(list(told.all()))


async def finished_between(
    session: AsyncSession,
    service_ids: Collection[uuid.UUID],
    start: datetime,
    end: datetime,
    *,
    imported: bool = True,
) -> list[FinishedDeployment]:
    """The services' production deployments that finished in [start, end), earliest first (two
    statements, each led by the service's index); at most MAX_FINISHED of each kind.
    `imported=False` leaves out imported history (nothing runs after it now)."""
    if not service_ids:
        return []
    services = set(service_ids)
    found = await _both(
        session,
        [
            *([] if imported else [DEP.c.imported.is_(False)]),
            DEP.c.service_id.in_(services),
            DEP.c.status == DeploymentStatus.SUCCEEDED,
            DEP.c.finished_at >= start,
            DEP.c.finished_at < end,
        ],
        [REP.c.service_id.in_(services), REP.c.occurred_at >= start, REP.c.occurred_at < end],
    )
    return sorted(found, key=lambda d: (d.finished_at, str(d.id)))


async def finished_in(
    session: AsyncSession, start: datetime, end: datetime, *, limit: int
) -> list[FinishedDeployment]:
    """Every service's production deployments that finished in [start, end) (planned ones that
    SUCCEEDED, reported ones whose service resolved), the newest `limit` of each kind: a sweep
    every few minutes sees each new one while fewer than `limit` finish between two. Imported
    history is not new: it never starts a journey or a review."""
    return await _both(
        session,
        [
            DEP.c.status == DeploymentStatus.SUCCEEDED,
            DEP.c.imported.is_(False),
            DEP.c.finished_at >= start,
            DEP.c.finished_at < end,
        ],
        [REP.c.service_id.is_not(None), REP.c.occurred_at >= start, REP.c.occurred_at < end],
        limit=limit,
        newest=True,
    )


async def counted_by_service(
    session: AsyncSession,
    bu_ids: Collection[uuid.UUID],
    start: datetime,
    middle: datetime,
    end: datetime,
) -> tuple[Counter[uuid.UUID], Counter[uuid.UUID]]:
    """How many production deployments each service of the BUs had in [start, middle) and in
    [middle, end): planned ones that SUCCEEDED and deployments or upgrades CD tools reported
    (never rollbacks). Two grouped statements, however many deployments there are."""
    earlier: Counter[uuid.UUID] = Counter()
    later: Counter[uuid.UUID] = Counter()
    if not bu_ids:
        return earlier, later
    env = environments.environment_rows()
    production = env.c.kind == EnvironmentKind.PRODUCTION
    bus = set(bu_ids)
    for table, at, extra in (
        (DEP, DEP.c.finished_at, DEP.c.status == DeploymentStatus.SUCCEEDED),
        (
            REP,
            REP.c.occurred_at,
            REP.c.kind.in_([DeploymentKind.DEPLOYED, DeploymentKind.UPGRADED]),
        ),
    ):
        side = case((at >= middle, 1), else_=0).label("later")
        stmt = (
            select(table.c.service_id, side, func.count())
            .join(env, env.c.id == table.c.environment_id)
            .where(production, extra, table.c.bu_id.in_(bus), at >= start, at < end)
            .where(table.c.service_id.is_not(None))
            .group_by(table.c.service_id, side)
        )
        for service_id, is_later, n in (await session.execute(stmt)).all():
            (later if is_later else earlier)[service_id] += int(n)
    return earlier, later


async def production_deployments(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, FinishedDeployment]:
    """The production deployments (planned ones that ended, whatever their status, and reported
    ones whose service resolved) among `ids`, by id; the others are absent."""
    if not ids:
        return {}
    wanted = set(ids)
    found = await _both(
        session,
        [DEP.c.id.in_(wanted), DEP.c.finished_at.is_not(None)],
        [REP.c.id.in_(wanted), REP.c.service_id.is_not(None)],
    )
    return {d.id: d for d in found}


async def latest_before(
    session: AsyncSession, service_id: uuid.UUID, at: datetime, since: datetime
) -> FinishedDeployment | None:
    """The service's latest production deployment that finished in [since, at], if any."""
    found = await finished_between(session, [service_id], since, at)
    return found[-1] if found else None


def _narrowed(
    id_col: Any,
    service_col: Any,
    at_col: Any,
    service_ids: Sequence[uuid.UUID] | None,
    ids: Sequence[uuid.UUID] | None,
    start: datetime | None,
    end: datetime | None,
) -> list[Any]:
    where = []
    if service_ids is not None:
        where.append(service_col.in_(sorted(service_ids, key=str)))
    if ids is not None:
        where.append(id_col.in_(sorted(ids, key=str)))
    if start is not None:
        where.append(at_col >= start)
    if end is not None:
        where.append(at_col <= end)
    return where


async def succeeded(
    session: AsyncSession,
    *,
    service_ids: Sequence[uuid.UUID] | None = None,
    ids: Sequence[uuid.UUID] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[FinishedDeployment]:
    """Production deployments that shipped a version (planned ones that SUCCEEDED, reported
    ones whose service resolved) of these services, or with these ids, finished in [start, end],
    earliest first (two statements): the changes incidents are attributed to."""
    planned = [DEP.c.status == DeploymentStatus.SUCCEEDED]
    planned += _narrowed(
        DEP.c.id, DEP.c.service_id, DEP.c.finished_at, service_ids, ids, start, end
    )
    reported = [REP.c.service_id.is_not(None)]
    reported += _narrowed(
        REP.c.id, REP.c.service_id, REP.c.occurred_at, service_ids, ids, start, end
    )
    found = await _both(session, planned, reported)
    return sorted(found, key=lambda d: (d.finished_at, str(d.id)))


async def ended_between(
    session: AsyncSession, start: datetime, end: datetime, *, limit: int
) -> list[FinishedDeployment]:
    """Every production deployment that ended in [start, end] (planned ones that SUCCEEDED or
    were ROLLED_BACK, reported ones whose service resolved), the earliest `limit` of each kind,
    earliest first: the change ledger pages through a period with it."""
    found = await _both(
        session,
        [
            DEP.c.status.in_([DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK]),
            DEP.c.finished_at >= start,
            DEP.c.finished_at <= end,
        ],
        [REP.c.service_id.is_not(None), REP.c.occurred_at >= start, REP.c.occurred_at <= end],
        limit=limit,
    )
    return sorted(found, key=lambda d: (d.finished_at, str(d.id)))


async def imported_ended(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> list[FinishedDeployment]:
    """The imported deployments among `ids` that shipped or were rolled back (not the failed
    ones), earliest first: the change ledger projects an import with them."""
    if not ids:
        return []
    found = await _both(
        session,
        [
            DEP.c.id.in_(sorted(ids, key=str)),
            DEP.c.imported.is_(True),
            DEP.c.status.in_([DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK]),
        ],
        [REP.c.id.is_(None)],
        limit=len(ids),
    )
    return sorted(found, key=lambda d: (d.finished_at, str(d.id)))
