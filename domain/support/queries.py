"""Reads of support rotations for the API: batched for DataLoaders, scoped by the BUs the
caller may read rotations in (outside that scope reads as absent)."""

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
from domain.kernel.repository import Grouped
from domain.organization import facts as org_facts
from domain.support import repository as repo
from domain.support import rules
from domain.support.facts import schedule_of, swaps_by_number

Rows = dict[Any, Row[Any]]
EMPTY: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])
RESOURCE = Resource.SUPPORT_ROTATION


def _visible(r: Reader, rows: Rows) -> Rows:
    scope = r.scope(RESOURCE)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def rotations_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(r, await repo.rotations_by_ids(r.session, ids))


async def rotations(
    r: Reader, *, team_id: uuid.UUID | None, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """Rotations you may read (of one team when asked), oldest first."""
    scope = r.scope(RESOURCE)
    if scope.empty:
        return EMPTY
    return await repo.rotations_page(r.session, scope, team_id=team_id, first=first, after=after)


async def swaps_of_rotations(r: Reader, rotation_ids: Sequence[uuid.UUID]) -> Grouped:
    """Swaps per rotation (of rotations you may read), by shift number."""
    visible = await rotations_by_id(r, rotation_ids)
    return await repo.swap_rows(r.session, list(visible))


async def _rotation(r: Reader, rotation_id: uuid.UUID) -> Row[Any]:
    found = (await rotations_by_id(r, [rotation_id])).get(rotation_id)
    if found is None:
        raise NotFound("Support rotation was not found.", field="rotationId")
    return found


async def shifts(
    r: Reader, rotation_id: uuid.UUID, start: datetime, end: datetime
) -> list[rules.Shift]:
    """The rotation's shifts overlapping [start, end) (at most a year, at most 500 shifts)."""
    rules.check_range(start, end)
    row = await _rotation(r, rotation_id)
    swaps = await repo.swap_rows(r.session, [row.id])
    return rules.shifts_between(
        schedule_of(row), swaps_by_number(swaps.get(row.id, [])), start, end
    )


async def on_shift(
    r: Reader, *, team_id: uuid.UUID | None, service_id: uuid.UUID | None, at: datetime
) -> tuple[Row[Any], rules.Shift] | None:
    """The rotation of the team (or of the service's team) and its shift under way at `at`;
    None when it has no rotation you may read or the first hand-over is still to come."""
    if service_id is not None:
        service = (await org_facts.services(r.session, [service_id])).get(service_id)
        team_id = service.team_id if service is not None else None
    if team_id is None:
        return None
    row = (await repo.rotations_of_teams(r.session, [team_id])).get(team_id)
    if row is None or not r.scope(RESOURCE).allows(row.bu_id):
        return None
    swaps = await repo.swap_rows(r.session, [row.id])
    found = rules.on_shift(schedule_of(row), swaps_by_number(swaps.get(row.id, [])), at)
    return None if found is None else (row, found)


async def fairness(
    r: Reader, rotation_id: uuid.UUID, start: datetime, end: datetime
) -> list[rules.MemberLoad]:
    """Per member: shifts and hours on shift in [start, end), and the releases watched as
    primary and secondary whose window opened in it (three statements)."""
    rules.check_range(start, end)
    row = await _rotation(r, rotation_id)
    swaps = await repo.swap_rows(r.session, [row.id])
    schedule = schedule_of(row)
    found = rules.shifts_between(
        schedule, swaps_by_number(swaps.get(row.id, [])), start, end, limit=rules.MAX_SHIFTS
    )
    watches = await repo.watches_of_rotation(r.session, row.id, start, end)
    return rules.fairness(
        schedule.members, found, [(w.primary_id, w.secondary_id) for w in watches], start, end
    )


async def watches_of_releases(r: Reader, release_ids: Sequence[uuid.UUID]) -> Rows:
    """The watchers of each release that has them (and that you may read)."""
    scope = r.scope(RESOURCE)
    if scope.empty:
        return {}
    return await repo.watches_of_releases(r.session, release_ids, scope)
