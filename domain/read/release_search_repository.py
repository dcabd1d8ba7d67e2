"""SQL of the release search: one statement per page over governance's releases, what they ship
and risk's latest level (docs/architecture.md: the read views read several contexts at once)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, String, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import Release, ReleaseService
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_page
from domain.kernel.repository import scoped
from domain.read.release_search_terms import ReleaseSearch, ReleaseSort
from domain.risk.fragments import latest_level

RELEASE = Release.__table__
SHIPPED = ReleaseService.__table__
NO_START_ASCENDING = datetime(9999, 12, 31, tzinfo=UTC)
NO_START_DESCENDING = datetime(1900, 1, 1, tzinfo=UTC)
"""Where a release with no planned window sorts by planned start: last, in either direction."""


def _sort_column(sort: str, descending: bool) -> ColumnElement[Any]:
    if sort == ReleaseSort.PLANNED_START:
        missing = NO_START_DESCENDING if descending else NO_START_ASCENDING
        return func.coalesce(
            RELEASE.c.planned_start, literal(missing, RELEASE.c.planned_start.type)
        )
    if sort == ReleaseSort.TITLE:
        return RELEASE.c.title
    return RELEASE.c.created_at


def _filtered(stmt: Select[Any], search: ReleaseSearch) -> Select[Any]:
    if search.text:
        needle = search.text.lower()
        stmt = stmt.where(
            or_(
                func.lower(RELEASE.c.title).contains(needle, autoescape=True),
                func.lower(RELEASE.c.description).contains(needle, autoescape=True),
            )
        )
    if search.bu_id is not None:
        stmt = stmt.where(RELEASE.c.bu_id == search.bu_id)
    if search.statuses:
        stmt = stmt.where(RELEASE.c.status.in_(search.statuses))
    if search.owner_id is not None:
        stmt = stmt.where(RELEASE.c.owner_id == search.owner_id)
    if search.service_ids:
        ships = (SHIPPED.c.release_id == RELEASE.c.id) & SHIPPED.c.service_id.in_(
            search.service_ids
        )
        stmt = stmt.where(exists().where(ships))
    if search.change_types:
        # A JSON list of words: each one is a quoted string in its text, on every database.
        listed = cast(RELEASE.c.change_types, String)
        stmt = stmt.where(
            or_(*(listed.contains(f'"{c}"', autoescape=True) for c in search.change_types))
        )
    if search.risk_levels:
        stmt = stmt.where(latest_level(RELEASE.c.id).in_(search.risk_levels))
    if search.planned_from is not None:
        stmt = stmt.where(RELEASE.c.planned_end > search.planned_from)
    if search.planned_to is not None:
        stmt = stmt.where(RELEASE.c.planned_start < search.planned_to)
    return stmt


async def releases_page(
    session: AsyncSession,
    scope: Scope,
    search: ReleaseSearch,
    *,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Releases in `scope` matching `search`, in its order, then by id."""
    sort_col = _sort_column(search.sort, search.descending)
    stmt = scoped(select(RELEASE, sort_col.label("_sort")), RELEASE.c.bu_id, scope)
    return await fetch_page(
        session,
        _filtered(stmt, search),
        sort_col=sort_col,
        id_col=RELEASE.c.id,
        sort_key="_sort",
        first=first,
        after=after,
        descending=search.descending,
    )
