"""SQL of artifacts, evidence, CDEvents, deployment and incident reports and webhook secrets."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_pages_by_parent, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import ids_param, rows_by_ids, scoped
from domain.organization import fragments as org
from domain.pipelines.definition_models import Pipeline
from domain.pipelines.models import (
    Artifact,
    CdEvent,
    DeploymentReport,
    Evidence,
    IncidentReport,
    WebhookSecret,
)

ART = Artifact.__table__
EVI = Evidence.__table__
CDE = CdEvent.__table__
DEP = DeploymentReport.__table__
INC = IncidentReport.__table__
HOOK = WebhookSecret.__table__


# -- organization look-ups --------------------------------------------------------------------


async def business_unit_by_key(session: AsyncSession, key: str) -> uuid.UUID | None:
    bu = org.business_unit_rows()
    return await session.scalar(select(bu.c.id).where(bu.c.key == key))


async def service_in(session: AsyncSession, bu_id: uuid.UUID, key: str) -> Row[Any] | None:
    service = org.service_rows()
    stmt = select(service.c.id, service.c.key, service.c.bu_id).where(
        service.c.key == key, service.c.bu_id == bu_id
    )
    return (await session.execute(stmt)).first()  # type: ignore[return-value]


async def pipeline_in(session: AsyncSession, bu_id: uuid.UUID, key: str) -> uuid.UUID | None:
    """The BU's pipeline with that key, when exactly one team of the BU has one."""
    stmt = select(Pipeline.id).where(Pipeline.bu_id == bu_id, Pipeline.key == key).limit(2)
    found = list((await session.scalars(stmt)).all())
    return found[0] if len(found) == 1 else None


async def environment_for(session: AsyncSession, bu_id: uuid.UUID, key: str) -> uuid.UUID | None:
    """The environment with this key that the BU deploys to: its own, or an org-wide one."""
    env = environments.environment_rows()
    stmt = select(env.c.id).where(
        env.c.key == key, or_(env.c.bu_id == bu_id, env.c.bu_id.is_(None))
    )
    return await session.scalar(stmt)


# -- artifacts and evidence -------------------------------------------------------------------


async def artifact_of(
    session: AsyncSession,
    service_id: uuid.UUID,
    *,
    digest: str | None = None,
    version: str | None = None,
) -> Artifact | None:
    stmt = select(Artifact).where(Artifact.service_id == service_id)
    if digest is not None:
        stmt = stmt.where(Artifact.digest == digest)
    if version is not None:
        stmt = stmt.where(Artifact.version == version)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


_ARTIFACTS_OF_VERSIONS = select(ART.c.id, ART.c.service_id, ART.c.version).where(
    ART.c.service_id.in_(ids_param("services")),
    ART.c.version.in_(bindparam("versions", expanding=True)),
)


async def artifacts_page(
    session: AsyncSession,
    scope: Scope,
    *,
    service_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(ART), ART.c.bu_id, scope)
    if service_id is not None:
        stmt = stmt.where(ART.c.service_id == service_id)
    return await page_by(session, stmt, ART, "created_at", first=first, after=after)


async def artifacts_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, ART, ids)


async def evidence_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, EVI, ids)


async def evidence_of_artifacts(
    session: AsyncSession,
    artifact_ids: Sequence[uuid.UUID],
    *,
    kind: str | None,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of evidence per artifact, oldest first, in one statement."""
    stmt = select(EVI)
    if kind is not None:
        stmt = stmt.where(EVI.c.kind == kind)
    return await fetch_pages_by_parent(
        session,
        stmt,
        parent_col=EVI.c.artifact_id,
        parent_ids=artifact_ids,
        sort_col=EVI.c.reported_at,
        id_col=EVI.c.id,
        sort_key="reported_at",
        parent_key="artifact_id",
        first=first,
        after=after,
    )


async def latest_evidence(
    session: AsyncSession, artifact_ids: Collection[uuid.UUID]
) -> list[Row[Any]]:
    """The latest report per (artifact, kind, subject), in one statement (a window function)."""
    if not artifact_ids:
        return []
    ids = sorted(artifact_ids, key=str)
    return list((await session.execute(_LATEST_EVIDENCE, {"ids": ids})).all())


def _latest_reports(artifact_ids: Any) -> Select[Any]:
    """The latest report per (artifact, kind, subject) of `artifact_ids` (an expanding bind
    parameter or a select of ids), by a window function."""
    rank = (
        func.row_number()
        .over(
            partition_by=(EVI.c.artifact_id, EVI.c.kind, EVI.c.subject),
            order_by=(EVI.c.reported_at.desc(), EVI.c.id.desc()),
        )
        .label("_rank")
    )
    ranked = select(EVI, rank).where(EVI.c.artifact_id.in_(artifact_ids)).subquery()
    return select(ranked).where(ranked.c._rank == 1)


def _latest_evidence() -> Select[Any]:
    latest = _latest_reports(ids_param())
    return latest.order_by(latest.selected_columns.artifact_id, latest.selected_columns.kind)


_LATEST_EVIDENCE = _latest_evidence()
"""Built once, as the others a cold decision snapshot reads (building costs more than running)."""


async def latest_evidence_of_versions(
    session: AsyncSession, pairs: Collection[tuple[uuid.UUID, str]]
) -> list[Row[Any]]:
    """The artifacts of these (service id, version) pairs (`_artifact`, `_service_id`,
    `_version`; other pairs of the same services and versions too) by artifact id, each with
    its latest report per (kind, subject) as `latest_evidence` reads it (the evidence columns
    null for an artifact without any), in one statement."""
    if not pairs:
        return []
    wanted = {"services": list({s for s, _ in pairs}), "versions": list({v for _, v in pairs})}
    return list((await session.execute(_EVIDENCE_OF_VERSIONS, wanted)).all())


def _evidence_of_versions() -> Select[Any]:
    artifacts = _ARTIFACTS_OF_VERSIONS.subquery()
    latest = _latest_reports(select(artifacts.c.id)).subquery()
    return (
        select(
            artifacts.c.id.label("_artifact"),
            artifacts.c.service_id.label("_service_id"),
            artifacts.c.version.label("_version"),
            *(latest.c[c.name] for c in EVI.c),
        )
        .outerjoin(latest, latest.c.artifact_id == artifacts.c.id)
        .order_by(artifacts.c.id, latest.c.kind)
    )


_EVIDENCE_OF_VERSIONS = prepared(_evidence_of_versions())


# -- CDEvents ---------------------------------------------------------------------------------


async def cd_event_by_key(
    session: AsyncSession, source: str, event_id: str, type_: str
) -> CdEvent | None:
    stmt = select(CdEvent).where(
        CdEvent.source == source, CdEvent.event_id == event_id, CdEvent.type == type_
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def cd_events_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    type_prefix: str | None,
    known: bool | None,
    outcome: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(CDE), CDE.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(CDE.c.bu_id == bu_id)
    if type_prefix:
        stmt = stmt.where(CDE.c.type.startswith(type_prefix, autoescape=True))
    if known is not None:
        stmt = stmt.where(CDE.c.known.is_(known))
    if outcome is not None:
        stmt = stmt.where(CDE.c.outcome == outcome)
    return await page_by(session, stmt, CDE, "received_at", first=first, after=after)


async def cd_events_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, CDE, ids)


# -- deployment and incident reports ----------------------------------------------------------


async def incident_by_ref(
    session: AsyncSession, bu_id: uuid.UUID, origin: str, ref: str
) -> IncidentReport | None:
    stmt = select(IncidentReport).where(
        IncidentReport.bu_id == bu_id,
        IncidentReport.origin == origin,
        IncidentReport.incident_ref == ref,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _reports(
    table: Any,
    sort: str,
    scope: Scope,
    bu_ids: Collection[uuid.UUID] | None,
    service_id: uuid.UUID | None,
) -> Select[Any]:
    stmt = scoped(select(table), table.c.bu_id, scope)
    if bu_ids is not None:
        stmt = stmt.where(table.c.bu_id.in_(sorted(bu_ids, key=str)))
    if service_id is not None:
        stmt = stmt.where(table.c.service_id == service_id)
    return stmt


async def reports_page(
    session: AsyncSession,
    table: Any,
    sort: str,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    service_id: uuid.UUID | None,
    since: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = _reports(table, sort, scope, None if bu_id is None else [bu_id], service_id)
    if since is not None:
        stmt = stmt.where(table.c[sort] >= since)
    return await page_by(session, stmt, table, sort, first=first, after=after)


async def reports_between(
    session: AsyncSession,
    table: Any,
    sort: str,
    start: datetime,
    end: datetime,
    bu_ids: Collection[uuid.UUID] | None,
    *,
    limit: int,
    scope: Scope | None = None,
    service_ids: Collection[uuid.UUID] | None = None,
) -> list[Row[Any]]:
    stmt = _reports(table, sort, scope or Scope(everywhere=True), bu_ids, None).where(
        table.c[sort] >= start, table.c[sort] < end
    )
    if service_ids is not None:
        stmt = stmt.where(table.c.service_id.in_(sorted(service_ids, key=str)))
    stmt = stmt.order_by(table.c[sort], table.c.id).limit(limit)
    return list((await session.execute(stmt)).all())


async def reports_by_ids(
    session: AsyncSession, table: Any, ids: Sequence[uuid.UUID]
) -> dict[Any, Any]:
    return await rows_by_ids(session, table, ids)


# -- webhook secrets --------------------------------------------------------------------------


async def webhook_secret(session: AsyncSession, secret_id: uuid.UUID) -> WebhookSecret | None:
    return await session.get(WebhookSecret, secret_id)


async def webhook_secret_named(
    session: AsyncSession, bu_id: uuid.UUID, name: str
) -> uuid.UUID | None:
    stmt = select(HOOK.c.id).where(HOOK.c.bu_id == bu_id, HOOK.c.name == name)
    return await session.scalar(stmt)


async def webhook_secrets_of(
    session: AsyncSession, scope: Scope, bu_id: uuid.UUID | None
) -> list[Row[Any]]:
    stmt = scoped(select(HOOK), HOOK.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(HOOK.c.bu_id == bu_id)
    return list((await session.execute(stmt.order_by(HOOK.c.created_at, HOOK.c.id))).all())


async def webhook_secrets_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, HOOK, ids)
