"""SQL of the deployment history import: the service's onboarding, the environments records name,
what was imported before, and the batch's rows (bulk inserts: a year of history is thousands)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.pipelines import incident_facts
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.history_models import ImportedDeployment
from domain.pipelines.history_rules import Environment, Key, utc
from domain.pipelines.models import DeploymentReport, IncidentReport
from domain.pipelines.promotion_models import Promotion

DEP = Deployment.__table__
INCIDENTS = IncidentReport.__table__
IMPORT_ORIGIN = incident_facts.IMPORTED


async def earliest_governed(
    session: AsyncSession, service_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, datetime]:
    """Per service, its earliest governed record: a promotion asked, a deployment planned here
    (not imported), a deployment reported by a CD tool; services with none are absent. One
    statement."""
    if not service_ids:
        return {}
    ids = sorted(set(service_ids), key=str)
    parts = union_all(
        select(Promotion.service_id, func.min(Promotion.created_at).label("at"))
        .where(Promotion.service_id.in_(ids))
        .group_by(Promotion.service_id),
        select(DEP.c.service_id, func.min(DEP.c.created_at).label("at"))
        .where(DEP.c.service_id.in_(ids), DEP.c.imported.is_(False))
        .group_by(DEP.c.service_id),
        select(DeploymentReport.service_id, func.min(DeploymentReport.occurred_at).label("at"))
        .where(DeploymentReport.service_id.in_(ids))
        .group_by(DeploymentReport.service_id),
    ).subquery()
    stmt = select(parts.c.service_id, func.min(parts.c.at)).group_by(parts.c.service_id)
    return {s: at for s, at in (await session.execute(stmt)).all() if at is not None}


async def environments_named(
    session: AsyncSession, ids: Collection[uuid.UUID], keys: Collection[str]
) -> tuple[dict[uuid.UUID, Environment], dict[str, Environment]]:
    """The environments among these ids and keys, by id and by key (one statement)."""
    if not ids and not keys:
        return {}, {}
    env = environments.environment_rows()
    stmt = select(env.c.id, env.c.key, env.c.kind, env.c.bu_id).where(
        or_(env.c.id.in_(sorted(ids, key=str)), env.c.key.in_(sorted(keys)))
    )
    rows = (await session.execute(stmt)).all()
    by_id = {r.id: Environment(r.id, r.kind, r.bu_id) for r in rows}
    return by_id, {r.key: by_id[r.id] for r in rows}


async def imported_keys(
    session: AsyncSession, service_id: uuid.UUID, start: datetime, end: datetime
) -> set[Key]:
    """The keys of the service's imported deployments that finished in [start, end]."""
    stmt = select(DEP.c.environment_id, DEP.c.artifact_version, DEP.c.finished_at).where(
        DEP.c.service_id == service_id,
        DEP.c.imported.is_(True),
        DEP.c.finished_at >= start,
        DEP.c.finished_at <= end,
    )
    return {(e, v, utc(at)) for e, v, at in (await session.execute(stmt)).all()}


async def imported_incident_refs(
    session: AsyncSession, bu_id: uuid.UUID, refs: Sequence[str]
) -> set[str]:
    """The references among `refs` of incidents imported into the BU before."""
    if not refs:
        return set()
    stmt = select(INCIDENTS.c.incident_ref).where(
        and_(
            INCIDENTS.c.bu_id == bu_id,
            INCIDENTS.c.origin == IMPORT_ORIGIN,
            INCIDENTS.c.incident_ref.in_(sorted(set(refs))),
        )
    )
    return set((await session.scalars(stmt)).all())


async def store(
    session: AsyncSession,
    deployments: list[dict[str, Any]],
    imports: list[dict[str, Any]],
    incidents: list[dict[str, Any]],
) -> None:
    """Insert the batch's rows (an executemany per table)."""
    for model, rows in (
        (Deployment, deployments),
        (ImportedDeployment, imports),
        (IncidentReport, incidents),
    ):
        if rows:
            await session.execute(insert(model), rows)
