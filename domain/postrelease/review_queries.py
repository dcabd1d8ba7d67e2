"""Reads of post-release reviews for the API: batched for DataLoaders, scoped by the BUs the
caller may read them in (outside that scope reads as absent); the overdue reviews per team,
which the insights issue counts against the team."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.postrelease import review_repository as repo

Rows = dict[Any, Row[Any]]
EMPTY: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])
RESOURCE = Resource.POST_RELEASE_REVIEW


def _visible(r: Reader, rows: Rows, resource: Resource = RESOURCE) -> Rows:
    scope = r.scope(resource)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def reviews_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(r, await repo.reviews_by_ids(r.session, ids))


async def review_of_deployment(r: Reader, deployment_id: uuid.UUID) -> Row[Any] | None:
    """The review of a Signalbox deployment or of one a CD tool reported (by either id)."""
    scope = r.scope(RESOURCE)
    if scope.empty:
        return None
    keys = [f"deployment:{deployment_id}", f"report:{deployment_id}"]
    found = await repo.reviews_of_deployments(r.session, keys, scope)
    return next(iter(found.values()), None)


async def reviews(
    r: Reader,
    *,
    team_id: uuid.UUID | None,
    bu_id: uuid.UUID | None,
    overdue_at: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Reviews you may read by due time, of a team or a BU, only overdue ones if asked."""
    scope = r.scope(RESOURCE)
    if scope.empty:
        return EMPTY
    return await repo.reviews_page(
        r.session,
        scope,
        team_id=team_id,
        bu_id=bu_id,
        overdue_at=overdue_at,
        first=first,
        after=after,
    )


async def overdue_by_team(r: Reader, now: datetime, bu_id: uuid.UUID | None) -> list[Row[Any]]:
    """Per team with any: how many of its reviews are open past due at `now`, and the oldest
    due time (the count the insights issue holds against the team)."""
    scope = r.scope(RESOURCE)
    if scope.empty:
        return []
    return await repo.overdue_by_team(r.session, scope, now, bu_id)


async def templates_of_services(r: Reader, service_ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(
        r, await repo.templates_of_services(r.session, service_ids), Resource.METRIC_TEMPLATE
    )
