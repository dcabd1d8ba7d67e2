"""Reads of blameless post-mortems for the API: batched for DataLoaders, scoped by the BUs the
caller may read post-mortems in (outside that scope reads as absent)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.errors import NotFound
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.repository import Grouped, get_readable
from domain.postrelease import postmortem_repository as repo
from domain.postrelease.postmortem_models import PostMortem
from domain.postrelease.postmortem_rules import TimelineEntry
from domain.postrelease.postmortem_timeline import timeline_of

Rows = dict[Any, Row[Any]]
EMPTY: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])


async def post_mortems_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.POST_MORTEM)
    return {
        k: v
        for k, v in (await repo.post_mortems_by_ids(r.session, ids)).items()
        if scope.allows(v.bu_id)
    }


async def post_mortems_of_incidents(r: Reader, incident_ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.POST_MORTEM)
    if scope.empty:
        return {}
    return await repo.post_mortems_of_incidents(r.session, incident_ids, scope)


async def factors_of(r: Reader, ids: Sequence[uuid.UUID]) -> Grouped:
    return await repo.factors_of(r.session, list(await post_mortems_by_id(r, ids)))


async def actions_of(r: Reader, ids: Sequence[uuid.UUID]) -> Grouped:
    return await repo.action_rows_of(r.session, list(await post_mortems_by_id(r, ids)))


async def of_business_unit(
    r: Reader,
    bu_id: uuid.UUID,
    overdue_at: datetime | None,
    *,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """A BU's post-mortems by due date (only the overdue ones at `overdue_at`, if given); empty
    when you may not read the BU's post-mortems."""
    if not r.scope(Resource.POST_MORTEM).allows(bu_id):
        return EMPTY
    return await repo.page_of_bu(r.session, bu_id, overdue_at=overdue_at, first=first, after=after)


async def timeline(r: Reader, post_mortem_id: uuid.UUID, now: datetime) -> list[TimelineEntry]:
    """The post-mortem's timeline, by time; NOT_FOUND outside your scope."""
    scope = r.scope(Resource.POST_MORTEM)
    try:
        pm = await get_readable(r.session, PostMortem, post_mortem_id, scope, what="Post-mortem")
    except NotFound:
        return []
    return await timeline_of(r.session, pm, now)
