"""Published facts of support rotations: schedules and swaps as plain values, and the shifts
of many rotations at once (what the calendar feed shows)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.support import repository as repo
from domain.support import rules
from domain.support.rules import Schedule, Shift, SwapFacts


def schedule_of(row: Any) -> Schedule:
    """A rotation's row (or entity) as the schedule the rules read."""
    return Schedule(
        members=tuple(uuid.UUID(str(m)) for m in row.members),
        handover=rules.handover_time(row.handover),
        tzid=row.tzid,
        shift_days=row.shift_days,
        starts_on=rules.start_day(row.starts_on),
    )


def swaps_by_number(rows: Sequence[Any]) -> dict[int, SwapFacts]:
    return {
        r.shift_number: SwapFacts(
            r.id,
            r.shift_number,
            r.original_id,
            r.covering_id,
            r.reason,
            r.swapped_by_id,
            r.created_at,
        )
        for r in rows
    }


@dataclass(frozen=True, slots=True)
class RotationShifts:
    rotation_id: uuid.UUID
    team_id: uuid.UUID
    bu_id: uuid.UUID
    name: str
    tzid: str
    updated_at: datetime
    version: int
    shifts: tuple[Shift, ...]


async def shifts_in_scope(
    session: AsyncSession,
    scope: Scope,
    start: datetime,
    end: datetime,
    *,
    max_rotations: int,
    max_shifts: int,
) -> tuple[list[RotationShifts], bool]:
    """The shifts overlapping [start, end) of the rotations in `scope` (two statements), and
    whether the list was cut short (more rotations, or more shifts, than allowed)."""
    if scope.empty:
        return [], False
    rows = await repo.rotations_in(session, scope, limit=max_rotations + 1)
    swaps = await repo.swap_rows(session, [r.id for r in rows[:max_rotations]])
    out: list[RotationShifts] = []
    budget, truncated = max_shifts, len(rows) > max_rotations
    for row in rows[:max_rotations]:
        found = rules.shifts_between(
            schedule_of(row), swaps_by_number(swaps.get(row.id, [])), start, end, budget + 1
        )
        truncated = truncated or len(found) > budget
        found = found[:budget]
        budget -= len(found)
        out.append(
            RotationShifts(
                row.id,
                row.team_id,
                row.bu_id,
                row.name,
                row.tzid,
                row.updated_at,
                row.version,
                tuple(found),
            )
        )
    return out, truncated


async def rotation_sizes(
    session: AsyncSession, team_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many distinct people each team's support rotation holds (teams without one are
    left out), in one statement: the team's engineers as the team itself lists them (insights'
    benchmarks normalise by it)."""
    rows = await repo.rotations_of_teams(session, team_ids)
    return {team: len({str(m) for m in row.members}) for team, row in rows.items()}
