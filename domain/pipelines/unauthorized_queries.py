"""Read use cases of unauthorized changes, scoped to the BUs the actor may read."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.pipelines import unauthorized_repository as repo

Rows = dict[Any, Any]


async def changes(
    r: Reader,
    *,
    bu_id: uuid.UUID | None,
    statuses: Sequence[str],
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Unauthorized changes the actor may read, oldest detected first (the review queue)."""
    scope = r.scope(Resource.UNAUTHORIZED_CHANGE)
    if scope.empty:
        return Page(items=[], has_next=False, cursors=[])
    return await repo.changes_page(
        r.session, scope, bu_id=bu_id, statuses=statuses, first=first, after=after
    )


async def changes_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.UNAUTHORIZED_CHANGE)
    rows = await repo.changes_by_ids(r.session, ids)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def changes_of_deployments(r: Reader, deployment_ids: Sequence[uuid.UUID]) -> Rows:
    """The unauthorized change each deployment was recorded as, where the actor may read it."""
    scope = r.scope(Resource.UNAUTHORIZED_CHANGE)
    rows = await repo.changes_of_deployments(r.session, deployment_ids)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def promotions_of_deployments(r: Reader, deployment_ids: Sequence[uuid.UUID]) -> Rows:
    """The promotion each deployment carries out (linked to it), where the actor may read it."""
    scope = r.scope(Resource.PROMOTION)
    rows = await repo.promotions_of_deployments(r.session, deployment_ids)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def changes_of_releases(r: Reader, release_ids: Sequence[uuid.UUID]) -> Rows:
    """Each release's unauthorized changes the actor may read (keyed by release id)."""
    scope = r.scope(Resource.UNAUTHORIZED_CHANGE)
    grouped = await repo.changes_of_releases(r.session, release_ids)
    return {k: [v for v in rows if scope.allows(v.bu_id)] for k, rows in grouped.items()}


async def changes_in_range(
    r: Reader,
    *,
    starts_at: datetime,
    ends_at: datetime,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID] | None,
    limit: int,
) -> list[Row[Any]]:
    """Unauthorized changes detected in [starts_at, ends_at), for the calendar."""
    scope = r.scope(Resource.UNAUTHORIZED_CHANGE)
    if scope.empty:
        return []
    return await repo.changes_between(
        r.session, scope, starts_at, ends_at, bu_id=bu_id, service_ids=service_ids, limit=limit
    )
