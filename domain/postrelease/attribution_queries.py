"""Reads of incident attribution for the API: batched for DataLoaders, scoped by the BUs the
caller may read attributions (or change reports) in; outside that scope reads as absent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.postrelease import attribution_repository as repo

Rows = dict[Any, Row[Any]]
EMPTY: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])


def _visible(r: Reader, rows: Rows, resource: Resource) -> Rows:
    scope = r.scope(resource)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def attributions_of_incidents(r: Reader, incident_ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.INCIDENT_ATTRIBUTION)
    if scope.empty:
        return {}
    return await repo.attributions_of_incidents(r.session, incident_ids, scope)


async def attributions_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    found = await repo.attributions_by_ids(r.session, ids)
    return _visible(r, found, Resource.INCIDENT_ATTRIBUTION)


async def change_reports_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(r, await repo.reports_by_ids(r.session, ids), Resource.CHANGE_REPORT)


async def change_reports(
    r: Reader, service_id: uuid.UUID | None, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """Change reports you may read (of one service), oldest first."""
    scope = r.scope(Resource.CHANGE_REPORT)
    if scope.empty:
        return EMPTY
    return await repo.reports_page(r.session, scope, service_id, first=first, after=after)
