"""SQL of deployment windows and their conflicts. Every overlap query is an index range scan.

Overlap of [s, e) with a stored [starts_at, ends_at) is `starts_at < e AND ends_at > s`. No
window is longer than MAX_WINDOW_LENGTH, so `starts_at > s - MAX_WINDOW_LENGTH` bounds the scan
on the (key, starts_at, ...) indexes from both sides instead of reading a key's whole history.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.models import DeploymentWindow, WindowResource, WindowService
from domain.calendar.rules import MAX_WINDOW_LENGTH, Edge, WindowFacts
from domain.calendar.vocabulary import WindowStatus
from domain.governance import facts as governance
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import rows_by_ids, scoped
from domain.organization import facts as org

WINDOW = DeploymentWindow.__table__
WS = WindowService.__table__
WR = WindowResource.__table__
PLANNED = str(WindowStatus.PLANNED)


def _overlapping(table: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(
        table.c.starts_at > start - MAX_WINDOW_LENGTH,
        table.c.starts_at < end,
        table.c.ends_at > start,
    )


# -- what the calendar needs of the organization and of releases (through their facts) ------


async def services_info(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, org.ServiceFacts]:
    """The services with these ids (their BU, tier and key among the facts), in one statement."""
    return await org.services(session, ids)


async def service_ids_of_team(session: AsyncSession, team_id: uuid.UUID) -> list[uuid.UUID]:
    return await org.service_ids_of_team(session, team_id)


async def edges_touching(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Edge]:
    """Dependency edges with either end in `ids` (the unique and provider indexes)."""
    return await org.dependencies_touching(session, ids)


async def edges_among(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Edge]:
    return await org.dependencies_among(session, ids)


async def releases_info(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, governance.ReleaseSummary]:
    return await governance.releases(session, ids)


async def existing_people(session: AsyncSession, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    return await org.active_people(session, ids)


# -- windows -------------------------------------------------------------------------------


async def get_window(session: AsyncSession, window_id: uuid.UUID) -> DeploymentWindow | None:
    return await session.get(DeploymentWindow, window_id)


async def add_window_rows(
    session: AsyncSession,
    window: DeploymentWindow,
    service_ids: Sequence[uuid.UUID],
    resources: Sequence[str],
) -> None:
    session.add_all(
        [
            WindowService(
                window_id=window.id,
                service_id=s,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
            )
            for s in service_ids
        ]
        + [
            WindowResource(
                window_id=window.id, resource=r, starts_at=window.starts_at, ends_at=window.ends_at
            )
            for r in resources
        ]
    )
    await session.flush()


async def shift_window_rows(
    session: AsyncSession, window_id: uuid.UUID, starts_at: datetime, ends_at: datetime
) -> None:
    """Keep the denormalized times of a window's services and resources in step with it."""
    for table in (WindowService, WindowResource):
        await session.execute(
            update(table)
            .where(table.window_id == window_id)
            .values(starts_at=starts_at, ends_at=ends_at)
        )


async def overlapping_window_ids(
    session: AsyncSession,
    *,
    service_ids: Sequence[uuid.UUID],
    environment: str | None,
    resources: Sequence[str],
    starts_at: datetime,
    ends_at: datetime,
) -> set[uuid.UUID]:
    """Windows overlapping the interval on any of the services, the environment or resources:
    one statement, a UNION of three index range scans."""
    parts: list[Select[Any]] = []
    if service_ids:
        parts.append(
            select(WS.c.window_id).where(
                WS.c.service_id.in_(service_ids), _overlapping(WS, starts_at, ends_at)
            )
        )
    if environment is not None:
        parts.append(
            select(WINDOW.c.id.label("window_id")).where(
                WINDOW.c.environment == environment, _overlapping(WINDOW, starts_at, ends_at)
            )
        )
    if resources:
        parts.append(
            select(WR.c.window_id).where(
                WR.c.resource.in_(resources), _overlapping(WR, starts_at, ends_at)
            )
        )
    if not parts:
        return set()
    stmt = parts[0] if len(parts) == 1 else union(*parts)
    return set((await session.scalars(stmt)).all())


async def window_facts(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[WindowFacts]:
    """The planned windows among `ids`, with their services and resources (three statements)."""
    if not ids:
        return []
    rows = (
        await session.execute(
            select(WINDOW).where(WINDOW.c.id.in_(ids), WINDOW.c.status == PLANNED)
        )
    ).all()
    return await facts_of_rows(session, rows)


async def facts_of_rows(session: AsyncSession, rows: Sequence[Row[Any]]) -> list[WindowFacts]:
    ids = [r.id for r in rows]
    services = await services_by_window(session, ids)
    resources = await resources_by_window(session, ids)
    return facts_from(rows, services, resources)


def facts_from(
    rows: Sequence[Row[Any]],
    services: dict[Any, list[uuid.UUID]],
    resources: dict[Any, list[str]],
) -> list[WindowFacts]:
    """The windows' facts from their rows and their services and resources, already read."""
    return [
        WindowFacts(
            id=r.id,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            environment=r.environment,
            service_ids=frozenset(services.get(r.id, [])),
            resources=frozenset(resources.get(r.id, [])),
            release_id=r.release_id,
            title=r.title,
            bu_id=r.bu_id,
        )
        for r in rows
    ]


async def services_by_window(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, list[uuid.UUID]]:
    grouped: dict[Any, list[uuid.UUID]] = defaultdict(list)
    if ids:
        stmt = select(WS.c.window_id, WS.c.service_id).where(WS.c.window_id.in_(ids))
        for r in (await session.execute(stmt)).all():
            grouped[r.window_id].append(r.service_id)
    return grouped


async def resources_by_window(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, list[str]]:
    grouped: dict[Any, list[str]] = defaultdict(list)
    if ids:
        stmt = (
            select(WR.c.window_id, WR.c.resource)
            .where(WR.c.window_id.in_(ids))
            .order_by(WR.c.resource)
        )
        for r in (await session.execute(stmt)).all():
            grouped[r.window_id].append(r.resource)
    return grouped


async def windows_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, WINDOW, ids)


def _window_filter(
    stmt: Select[Any],
    *,
    bu_id: uuid.UUID | None,
    service_ids: Sequence[uuid.UUID] | None,
    environment: str | None,
    release_id: uuid.UUID | None = None,
    include_cancelled: bool = False,
) -> Select[Any]:
    if bu_id is not None:
        stmt = stmt.where(WINDOW.c.bu_id == bu_id)
    if environment is not None:
        stmt = stmt.where(WINDOW.c.environment == environment)
    if release_id is not None:
        stmt = stmt.where(WINDOW.c.release_id == release_id)
    if service_ids is not None:
        stmt = stmt.where(
            WINDOW.c.id.in_(select(WS.c.window_id).where(WS.c.service_id.in_(service_ids)))
        )
    if not include_cancelled:
        stmt = stmt.where(WINDOW.c.status == PLANNED)
    return stmt


async def windows_in_range(
    session: AsyncSession,
    scope: Scope,
    *,
    starts_at: datetime,
    ends_at: datetime,
    bu_id: uuid.UUID | None,
    service_ids: Sequence[uuid.UUID] | None,
    environment: str | None,
    limit: int,
) -> list[Row[Any]]:
    """Planned windows overlapping the range, in the slice, earliest first (at most `limit`)."""
    stmt = scoped(select(WINDOW), WINDOW.c.bu_id, scope).where(
        _overlapping(WINDOW, starts_at, ends_at)
    )
    stmt = _window_filter(stmt, bu_id=bu_id, service_ids=service_ids, environment=environment)
    stmt = stmt.order_by(WINDOW.c.starts_at, WINDOW.c.id).limit(limit)
    return list((await session.execute(stmt)).all())


async def windows_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    service_ids: Sequence[uuid.UUID] | None,
    environment: str | None,
    release_id: uuid.UUID | None,
    starting_after: datetime | None,
    include_cancelled: bool,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = _window_filter(
        scoped(select(WINDOW), WINDOW.c.bu_id, scope),
        bu_id=bu_id,
        service_ids=service_ids,
        environment=environment,
        release_id=release_id,
        include_cancelled=include_cancelled,
    )
    if starting_after is not None:
        stmt = stmt.where(WINDOW.c.ends_at > starting_after)
    return await page_by(session, stmt, WINDOW, "starts_at", first=first, after=after)
