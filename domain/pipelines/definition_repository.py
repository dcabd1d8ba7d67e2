"""SQL of pipelines, their definition versions, reviews and reported runs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_pages_by_parent, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids, scoped
from domain.organization import facts as org_facts
from domain.organization import fragments as org
from domain.pipelines.definition_models import (
    DefinitionReview,
    DefinitionVersion,
    Pipeline,
    PipelineRun,
    PipelineService,
)
from domain.pipelines.vocabulary import DefinitionStatus

PIPE = Pipeline.__table__
PSVC = PipelineService.__table__
VER = DefinitionVersion.__table__
REV = DefinitionReview.__table__
RUN = PipelineRun.__table__
ACTIVE = str(DefinitionStatus.ACTIVE)


# -- pipelines ---------------------------------------------------------------------------------


async def pipeline_key_taken(session: AsyncSession, team_id: uuid.UUID, key: str) -> bool:
    stmt = select(PIPE.c.id).where(PIPE.c.team_id == team_id, PIPE.c.key == key)
    return (await session.scalar(stmt)) is not None


async def pipelines_named(
    session: AsyncSession,
    team_key: str,
    pipeline_key: str,
    bu_key: str | None,
    scope: Scope,
) -> list[uuid.UUID]:
    """Ids of the pipelines `pipeline_key` of teams keyed `team_key` (in the BU keyed `bu_key`
    when given), among the BUs of `scope`."""
    team = org.team_rows()
    stmt = (
        select(PIPE.c.id)
        .join(team, team.c.id == PIPE.c.team_id)
        .where(team.c.key == team_key, PIPE.c.key == pipeline_key)
    )
    if bu_key is not None:
        bu = org.business_unit_rows()
        stmt = stmt.join(bu, bu.c.id == PIPE.c.bu_id).where(bu.c.key == bu_key)
    return list((await session.scalars(scoped(stmt, PIPE.c.bu_id, scope))).all())


async def service_bus(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The BU of each existing service among `ids`."""
    return {s.id: s.bu_id for s in (await org_facts.services(session, ids)).values()}


async def add_services(
    session: AsyncSession, pipeline_id: uuid.UUID, service_ids: Sequence[uuid.UUID]
) -> None:
    session.add_all(PipelineService(pipeline_id=pipeline_id, service_id=s) for s in service_ids)
    await session.flush()


async def pipelines_page(
    session: AsyncSession,
    scope: Scope,
    *,
    team_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(PIPE), PIPE.c.bu_id, scope)
    if team_id is not None:
        stmt = stmt.where(PIPE.c.team_id == team_id)
    return await page_by(session, stmt, PIPE, "key", first=first, after=after)


async def pipelines_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, PIPE, ids)


async def services_of_pipelines(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = select(PSVC).where(PSVC.c.pipeline_id.in_(ids)).order_by(PSVC.c.service_id)
    return group_by(list((await session.execute(stmt)).all()), "pipeline_id")


async def pipelines_of_service(session: AsyncSession, service_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(PSVC.c.pipeline_id).where(PSVC.c.service_id == service_id)
    return list((await session.scalars(stmt.order_by(PSVC.c.pipeline_id))).all())


async def active_definitions_of_service(session: AsyncSession, service_id: uuid.UUID) -> list[Any]:
    """The active definition of every pipeline deploying a service (pipeline key, version
    number, document), by pipeline key, in one statement."""
    return (await active_definitions_of_services(session, [service_id])).get(service_id, [])


async def active_definitions_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> Grouped:
    """Per service, the active definition of every pipeline deploying it (service_id, pipeline
    key, version number, document), by pipeline key, in one statement."""
    if not service_ids:
        return {}
    rows: Sequence[Any] = (await session.execute(_ACTIVE_OF, {"ids": list(service_ids)})).all()
    return group_by(list(rows), "service_id")


_ACTIVE_OF = prepared(
    select(PSVC.c.service_id, PIPE.c.key, VER.c.number, VER.c.document)
    .join(PSVC, PSVC.c.pipeline_id == PIPE.c.id)
    .join(VER, VER.c.pipeline_id == PIPE.c.id)
    .where(PSVC.c.service_id.in_(ids_param()), VER.c.status == ACTIVE)
    .order_by(PIPE.c.key)
)


# -- definition versions -----------------------------------------------------------------------


async def last_number(session: AsyncSession, pipeline_id: uuid.UUID) -> int:
    stmt = select(func.max(VER.c.number)).where(VER.c.pipeline_id == pipeline_id)
    return int(await session.scalar(stmt) or 0)


async def get_version(
    session: AsyncSession, version_id: uuid.UUID, *, fresh: bool = False
) -> DefinitionVersion | None:
    """The version; `fresh` reloads it from the database (after taking the pipeline's lock)."""
    stmt = select(DefinitionVersion).where(DefinitionVersion.id == version_id)
    if fresh:
        stmt = stmt.execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def active_version(session: AsyncSession, pipeline_id: uuid.UUID) -> DefinitionVersion | None:
    stmt = select(DefinitionVersion).where(
        DefinitionVersion.pipeline_id == pipeline_id, DefinitionVersion.status == ACTIVE
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def proposed_with_hash(
    session: AsyncSession, pipeline_id: uuid.UUID, content_hash: str
) -> DefinitionVersion | None:
    stmt = select(DefinitionVersion).where(
        DefinitionVersion.pipeline_id == pipeline_id,
        DefinitionVersion.content_hash == content_hash,
        DefinitionVersion.status == str(DefinitionStatus.PROPOSED),
    )
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def versions_with_hash(
    session: AsyncSession, pipeline_id: uuid.UUID, digest: str
) -> list[Row[Any]]:
    """Versions whose canonical or raw hash is `digest` (both indexed)."""
    stmt = select(VER).where(
        VER.c.pipeline_id == pipeline_id,
        or_(VER.c.content_hash == digest, VER.c.raw_hash == digest),
    )
    return list((await session.execute(stmt.order_by(VER.c.number))).all())


async def active_version_at(
    session: AsyncSession, pipeline_id: uuid.UUID, at: datetime
) -> Row[Any] | None:
    """The version that was active at `at` (activated by then, not yet superseded)."""
    stmt = (
        select(VER)
        .where(
            VER.c.pipeline_id == pipeline_id,
            VER.c.activated_at.is_not(None),
            VER.c.activated_at <= at,
            or_(VER.c.superseded_at.is_(None), VER.c.superseded_at > at),
        )
        .order_by(VER.c.activated_at.desc(), VER.c.number.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).first()


async def versions_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, VER, ids)


async def active_versions_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    if not ids:
        return {}
    stmt = select(VER).where(VER.c.pipeline_id.in_(ids), VER.c.status == ACTIVE)
    return {r.pipeline_id: r for r in (await session.execute(stmt)).all()}


async def versions_of_pipelines(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """A page of versions per pipeline, by number (history), in one statement."""
    return await fetch_pages_by_parent(
        session,
        select(VER),
        parent_col=VER.c.pipeline_id,
        parent_ids=ids,
        sort_col=VER.c.number,
        id_col=VER.c.id,
        sort_key="number",
        parent_key="pipeline_id",
        first=first,
        after=after,
    )


async def reviews_of_versions(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = select(REV).where(REV.c.version_id.in_(ids)).order_by(REV.c.reviewed_at, REV.c.id)
    return group_by(list((await session.execute(stmt)).all()), "version_id")


# -- runs --------------------------------------------------------------------------------------


async def get_run(session: AsyncSession, pipeline_id: uuid.UUID, run_id: str) -> PipelineRun | None:
    stmt = select(PipelineRun).where(
        PipelineRun.pipeline_id == pipeline_id, PipelineRun.run_id == run_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _with_numbers(stmt: Select[Any]) -> Select[Any]:
    """Runs with the numbers of their matched and active-at-start versions, for sentences."""
    matched, active = aliased(VER), aliased(VER)
    return stmt.add_columns(
        matched.c.number.label("matched_number"),
        matched.c.status.label("matched_status"),
        active.c.number.label("active_number"),
    ).select_from(
        RUN.outerjoin(matched, matched.c.id == RUN.c.matched_version_id).outerjoin(
            active, active.c.id == RUN.c.active_version_id
        )
    )


LATEST_FIRST = (RUN.c.started_at.desc(), RUN.c.created_at.desc(), RUN.c.id.desc())
"""Runs in the order the last started comes first (ties broken by creation, then id)."""


def _latest(stmt: Select[Any]) -> Select[Any]:
    return stmt.order_by(*LATEST_FIRST)


async def latest_run(
    session: AsyncSession, pipeline_id: uuid.UUID, at: datetime
) -> Row[Any] | None:
    """The last run started by `at`, with its version numbers."""
    stmt = _with_numbers(select(RUN)).where(
        RUN.c.pipeline_id == pipeline_id, RUN.c.started_at <= at
    )
    row: Row[Any] | None = (await session.execute(_latest(stmt).limit(1))).first()
    return row


def _last_first() -> Any:
    """Each run's place in its pipeline, the last started first (`_rank` 1 is the latest)."""
    return (
        func.row_number().over(partition_by=RUN.c.pipeline_id, order_by=LATEST_FIRST).label("_rank")
    )


async def latest_runs_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], at: datetime
) -> Grouped:
    """Per service, every pipeline deploying it (by pipeline id) with its last run started by
    `at` (`run` None: none yet), with its version numbers, in one statement (a window
    function); built once, as a cold decision snapshot reads it."""
    if not service_ids:
        return {}
    values = {"ids": list(service_ids), "at": at}
    rows: Sequence[Any] = (await session.execute(_LATEST_RUNS_OF_SERVICES, values)).all()
    return group_by(list(rows), "service_id")


def _latest_runs_of_services() -> Select[Any]:
    ids: Any = ids_param()
    deploying = select(PSVC.c.pipeline_id).where(PSVC.c.service_id.in_(ids))
    ranked = (
        select(RUN.c.id, _last_first())
        .where(RUN.c.pipeline_id.in_(deploying), RUN.c.started_at <= bindparam("at"))
        .subquery()
    )
    latest = (
        _with_numbers(select(RUN.c.id.label("run"), RUN.c.pipeline_id, *_RUN_FACTS))
        .where(RUN.c.id.in_(select(ranked.c.id).where(ranked.c._rank == 1)))
        .subquery()
    )
    return (
        select(
            PSVC.c.service_id,
            PSVC.c.pipeline_id,
            latest.c.run,
            *(latest.c[c.name] for c in _RUN_FACTS),
            latest.c.matched_number,
            latest.c.active_number,
        )
        .outerjoin(latest, latest.c.pipeline_id == PSVC.c.pipeline_id)
        .where(PSVC.c.service_id.in_(ids))
        .order_by(PSVC.c.pipeline_id)
    )


_RUN_FACTS = (
    RUN.c.run_id,
    RUN.c.definition_hash,
    RUN.c.drift,
    RUN.c.drift_reason,
    RUN.c.started_at,
)
"""The run columns a decision reads (domain.pipelines.drift.run_facts), with the numbers."""
_LATEST_RUNS_OF_SERVICES = prepared(_latest_runs_of_services())


async def latest_runs(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    """The last run of each pipeline, in one statement (a window function)."""
    if not ids:
        return {}
    inner = select(RUN, _last_first()).where(RUN.c.pipeline_id.in_(ids)).subquery()
    rows = (await session.execute(select(inner).where(inner.c._rank == 1))).all()
    return {r.pipeline_id: r for r in rows}


async def runs_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, RUN, ids)


async def runs_of_pipelines(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """A page of runs per pipeline, oldest start first, in one statement."""
    return await fetch_pages_by_parent(
        session,
        select(RUN),
        parent_col=RUN.c.pipeline_id,
        parent_ids=ids,
        sort_col=RUN.c.started_at,
        id_col=RUN.c.id,
        sort_key="started_at",
        parent_key="pipeline_id",
        first=first,
        after=after,
    )
