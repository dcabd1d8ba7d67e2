"""The feed's production support shifts: of the rotations its person may read, the shifts
from the feed's horizon to `SHIFTS_AHEAD` after now, each naming who is on shift and, when a
swap gave it to them, whom and why.

Bounded like the rest of the feed (`MAX_ROTATIONS`, `MAX_SHIFTS`): the oldest rotations first,
their shifts earliest first. Shifts are computed from the rotation and its swaps
(domain.support.rules), at the local hand-over time of the rotation's zone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.kernel.access import Resource
from domain.kernel.reader import Reader
from domain.organization import facts as org_facts
from domain.support.facts import RotationShifts, shifts_in_scope

SHIFTS_AHEAD = timedelta(days=90)
"""A feed shows shifts up to this long after now."""
MAX_ROTATIONS = 200
"""At most this many rotations in one feed (the oldest)."""
MAX_SHIFTS = 5000
"""At most this many shifts in one feed (the earliest of the oldest rotations)."""


@dataclass(frozen=True, slots=True)
class FeedShift:
    rotation_id: uuid.UUID
    rotation_name: str
    team_name: str
    number: int
    member: str
    tzid: str
    starts_at: datetime
    ends_at: datetime
    updated_at: datetime
    version: int
    gave_away: str | None = None
    swap_reason: str | None = None


async def feed_shifts(
    r: Reader, *, since: datetime, now: datetime
) -> tuple[tuple[FeedShift, ...], bool]:
    """The shifts the feed shows (four statements), and whether the list was cut short."""
    found, truncated = await shifts_in_scope(
        r.session,
        r.scope(Resource.SUPPORT_ROTATION),
        since,
        now + SHIFTS_AHEAD,
        max_rotations=MAX_ROTATIONS,
        max_shifts=MAX_SHIFTS,
    )
    people = {s.member_id for rot in found for s in rot.shifts} | {
        s.scheduled_id for rot in found for s in rot.shifts
    }
    names = {k: v.display_name for k, v in (await org_facts.people(r.session, people)).items()}
    teams = await org_facts.teams(r.session, {rot.team_id for rot in found})
    return tuple(s for rot in found for s in _shifts(rot, names, teams)), truncated


def _shifts(
    rot: RotationShifts,
    names: dict[uuid.UUID, str],
    teams: dict[uuid.UUID, org_facts.TeamFacts],
) -> list[FeedShift]:
    team = teams.get(rot.team_id)
    out = []
    for s in rot.shifts:
        swapped = s.swap is not None
        out.append(
            FeedShift(
                rotation_id=rot.rotation_id,
                rotation_name=rot.name,
                team_name=team.name if team is not None else "",
                number=s.number,
                member=names.get(s.member_id, "?"),
                tzid=rot.tzid,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                # A swap changes the shift: its time and a newer sequence say so.
                updated_at=max(rot.updated_at, s.swap.created_at) if s.swap else rot.updated_at,
                version=rot.version + (1 if swapped else 0),
                gave_away=names.get(s.scheduled_id) if swapped else None,
                swap_reason=s.swap.reason if s.swap else None,
            )
        )
    return out
