"""Reads of synthetic journeys, their runs and regressions, scoped by the BUs where the reader
may read them (`journey/read`, `journey_run/read`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id, readable_groups
from domain.postrelease import journey_repository as repo

journeys_by_id = readable_by_id(Resource.JOURNEY, repo.journeys_by_ids)
runs_by_id = readable_by_id(Resource.JOURNEY_RUN, repo.runs_by_ids)
regressions_by_id = readable_by_id(Resource.JOURNEY_RUN, repo.regressions_by_ids)
journeys_of_services = readable_groups(Resource.JOURNEY, repo.journeys_of_services)
regressions_of_deployments = readable_groups(Resource.JOURNEY_RUN, repo.regressions_of_deployments)


async def hosts_of_services(r: Reader, service_ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    """Each service's allowed journey hosts the reader may read (absent: none set)."""
    scope = r.scope(Resource.JOURNEY)
    if scope.empty:
        return {}
    found = await repo.hosts_by_services(r.session, service_ids)
    return {k: v for k, v in found.items() if scope.allows(v.bu_id)}


async def runs_of_journeys(
    r: Reader, journey_ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """A page of runs per journey, oldest first; a journey whose runs the reader may not read
    has none."""
    empty: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])
    scope = r.scope(Resource.JOURNEY_RUN)
    if scope.empty:
        return {jid: empty for jid in journey_ids}
    pages = await repo.runs_of_journeys(r.session, journey_ids, first=first, after=after)
    return {
        jid: page if all(scope.allows(x.bu_id) for x in page.items) else empty
        for jid, page in pages.items()
    }


async def regressions_in_range(
    r: Reader,
    *,
    starts_at: datetime,
    ends_at: datetime,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID] | None,
    limit: int,
) -> list[Row[Any]]:
    """Functional regressions detected in [starts_at, ends_at), for the calendar."""
    scope = r.scope(Resource.JOURNEY_RUN)
    if scope.empty:
        return []
    return await repo.regressions_between(
        r.session, scope, starts_at, ends_at, bu_id=bu_id, service_ids=service_ids, limit=limit
    )
