"""SQL of service NFRs and their staging runs."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.pagination import Page, fetch_pages_by_parent
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids
from domain.readiness.nfr_models import NfrRun, ServiceNfr

NFR = ServiceNfr.__table__
RUN = NfrRun.__table__


async def declared_of_services(session: AsyncSession, service_ids: Sequence[uuid.UUID]) -> Grouped:
    """Each service's declared NFRs, by key (one statement)."""
    if not service_ids:
        return {}
    rows = (await session.execute(_DECLARED_OF, {"ids": list(service_ids)})).all()
    return group_by(list(rows), "service_id")


# Built once, as the other statements a cold decision snapshot reads (building them costs
# more than running them); the values are bound at each reading.
_DECLARED_OF = prepared(select(NFR).where(NFR.c.service_id.in_(ids_param())).order_by(NFR.c.key))
_RUNS_OF_VERSIONS = prepared(
    select(RUN)
    .where(
        RUN.c.service_id.in_(ids_param("services")),
        RUN.c.artifact_version.in_(bindparam("versions", expanding=True)),
    )
    .order_by(RUN.c.finished_at.desc(), RUN.c.id)
)


async def declared_of_service(session: AsyncSession, service_id: uuid.UUID) -> list[ServiceNfr]:
    stmt = select(ServiceNfr).where(ServiceNfr.service_id == service_id).order_by(ServiceNfr.key)
    return list((await session.execute(stmt)).scalars())


async def remove_declared(session: AsyncSession, service_id: uuid.UUID) -> None:
    await session.execute(delete(ServiceNfr).where(ServiceNfr.service_id == service_id))


async def runs_of_versions(
    session: AsyncSession, pairs: Collection[tuple[uuid.UUID, str]]
) -> Grouped:
    """Every staging run of each (service, version), newest first (one statement)."""
    if not pairs:
        return {}
    wanted = {"services": list({s for s, _ in pairs}), "versions": list({v for _, v in pairs})}
    out: dict[Any, list[Row[Any]]] = {}
    for r in (await session.execute(_RUNS_OF_VERSIONS, wanted)).all():
        if (r.service_id, r.artifact_version) in pairs:
            out.setdefault((r.service_id, r.artifact_version), []).append(r)
    return out


async def runs_of_services(
    session: AsyncSession,
    service_ids: Sequence[uuid.UUID],
    *,
    version: str | None,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of staging runs per service (of one version when given), oldest first."""
    base = select(RUN)
    if version is not None:
        base = base.where(RUN.c.artifact_version == version)
    return await fetch_pages_by_parent(
        session,
        base,
        parent_col=RUN.c.service_id,
        parent_ids=service_ids,
        sort_col=RUN.c.finished_at,
        id_col=RUN.c.id,
        sort_key="finished_at",
        parent_key="service_id",
        first=first,
        after=after,
    )


async def runs_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, RUN, ids)


async def declared_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, NFR, ids)
