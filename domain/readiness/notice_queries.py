"""Read use cases of downtime notices, scoped to the BUs where the reader may read them.

A notice reads where `downtime_notice/read` holds in the release's BU; its recipients are part
of it (the teams themselves load through their own scoped loader).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, select

from domain.kernel.access import Resource
from domain.kernel.pagination import Page, page_by
from domain.kernel.reader import Reader
from domain.kernel.repository import Grouped, scoped
from domain.kernel.scoped_reads import readable_by_id
from domain.readiness import notice_repository as repo

subscriptions_by_id = readable_by_id(Resource.DOWNTIME_SUBSCRIPTION, repo.subscriptions_by_ids)


async def notices_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    """The notices with these ids the reader may read: in the release's BU, or in the BU of a
    team it was sent to (at most two statements)."""
    scope = r.scope(Resource.DOWNTIME_NOTICE)
    if scope.empty:
        return {}
    rows = await repo.notices_by_ids(r.session, ids)
    hidden = [k for k, v in rows.items() if not scope.allows(v.bu_id)]
    told = await repo.recipients_by_notice_ids(r.session, hidden)
    return {
        k: v
        for k, v in rows.items()
        if scope.allows(v.bu_id) or any(scope.allows(t.bu_id) for t in told.get(k, ()))
    }


async def notices_of_releases(r: Reader, release_ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    """Each release's notice, by release id, where the reader may read it."""
    scope = r.scope(Resource.DOWNTIME_NOTICE)
    if scope.empty:
        return {}
    return await repo.notices_by_release_ids(r.session, release_ids, scope)


async def recipients_of_notices(r: Reader, notice_ids: Sequence[uuid.UUID]) -> Grouped:
    """The teams each notice was sent to (the notices are already the reader's to see)."""
    return await repo.recipients_by_notice_ids(r.session, notice_ids)


async def subscriptions(
    r: Reader, subject_id: uuid.UUID | None, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """The subscriptions the reader may read, by e-mail; of one team or service when given."""
    scope = r.scope(Resource.DOWNTIME_SUBSCRIPTION)
    if scope.empty:
        return Page(items=[], has_next=False, cursors=[])
    table = repo.SUBSCRIPTION
    stmt = scoped(select(table), table.c.bu_id, scope)
    if subject_id is not None:
        stmt = stmt.where(table.c.subject_id == subject_id)
    return await page_by(r.session, stmt, table, "email", first=first, after=after)
