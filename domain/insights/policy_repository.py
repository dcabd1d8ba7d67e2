"""SQL of retrospectives and policy proposals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights.policy_models import PolicyProposal, Retrospective
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import Grouped, group_by, rows_by_ids, scoped

RETRO = Retrospective.__table__
PROPOSAL = PolicyProposal.__table__


def _filtered(table: Any, scope: Scope, **equal: Any) -> Select[Any]:
    """The table's rows in the BUs of `scope` whose columns equal the values given (None: any)."""
    stmt = scoped(select(table), table.c.bu_id, scope)
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(table.c[column] == value)
    return stmt


async def retrospectives_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Retrospectives in the BUs of `scope`, oldest recorded first."""
    stmt = _filtered(RETRO, scope, bu_id=bu_id, team_id=team_id)
    return await page_by(session, stmt, RETRO, "created_at", first=first, after=after)


async def retrospectives_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, RETRO, ids)


async def proposals_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    status: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Proposals in the BUs of `scope`, oldest first; by BU and status when given."""
    stmt = _filtered(PROPOSAL, scope, bu_id=bu_id, status=status)
    return await page_by(session, stmt, PROPOSAL, "created_at", first=first, after=after)


async def proposals_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, PROPOSAL, ids)


async def proposals_of_origins(session: AsyncSession, origin_ids: Sequence[uuid.UUID]) -> Grouped:
    """The proposals made from these retrospectives or post-mortems, oldest first."""
    if not origin_ids:
        return {}
    stmt = (
        select(PROPOSAL)
        .where(PROPOSAL.c.origin_id.in_(origin_ids))
        .order_by(PROPOSAL.c.created_at, PROPOSAL.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "origin_id")
