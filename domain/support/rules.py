"""Pure rules of support rotations: shifts from a schedule and its swaps, who is on shift,
who watches a release as secondary, and the fairness of a period.

Hand-overs happen at a local wall-clock time in the rotation's zone, as RFC 5545 reads a local
DTSTART with a TZID: a hand-over in a daylight-saving gap happens at the same offset as before
the gap (02:30 on a spring-forward night is 03:30 new time), and one in the repeated hour of
an autumn night at its first occurrence. Python's `fold=0` is exactly that reading.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.kernel.errors import DomainError
from domain.support.errors import SupportErrorCode as Code

MAX_MEMBERS = 50
MAX_SHIFT_DAYS = 28
MAX_RANGE = timedelta(days=366)
"""A range of shifts asked at once spans at most this long."""
MAX_SHIFTS = 500
"""At most this many shifts in one answer (the earliest of the range)."""
DEFAULT_SECONDARY_HOURS = 24
FAIRNESS_WINDOW = timedelta(days=90)
"""Secondary assignments counted when choosing the next secondary among a release's authors."""
_HANDOVER = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Schedule:
    members: tuple[uuid.UUID, ...]
    handover: time
    tzid: str
    shift_days: int
    starts_on: date


@dataclass(frozen=True, slots=True)
class SwapFacts:
    id: uuid.UUID
    shift_number: int
    original_id: uuid.UUID
    covering_id: uuid.UUID
    reason: str
    swapped_by_id: uuid.UUID | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Shift:
    """One shift: `member_id` covers it; `scheduled_id` is whom the schedule gave it to (they
    differ when a swap counts, which `swap` then names)."""

    number: int
    member_id: uuid.UUID
    scheduled_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    swap: SwapFacts | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class MemberLoad:
    member_id: uuid.UUID
    shifts: int
    hours_on_shift: float
    release_primaries: int
    release_secondaries: int


# -- input ----------------------------------------------------------------------------------


def zone(tzid: str) -> ZoneInfo:
    """The IANA zone, or UNKNOWN_ZONE."""
    try:
        if not tzid or tzid != tzid.strip() or tzid.startswith(("/", ".")):
            raise ValueError(tzid)
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainError(
            f"'{tzid}' is not an IANA time zone (e.g. Europe/Zurich).",
            code=Code.UNKNOWN_ZONE,
            field="timeZone",
        ) from None


def handover_time(text: str) -> time:
    """'HH:MM' (24-hour) as a time, or INVALID_HANDOVER."""
    found = _HANDOVER.match(text.strip())
    if found is None:
        raise DomainError(
            "The hand-over is a local time 'HH:MM' (00:00 to 23:59).",
            code=Code.INVALID_HANDOVER,
            field="handoverTime",
        )
    return time(int(found.group(1)), int(found.group(2)))


def start_day(text: str) -> date:
    """'YYYY-MM-DD' as a date, or INVALID_START."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(
            "The first hand-over day is a date 'YYYY-MM-DD'.",
            code=Code.INVALID_START,
            field="startsOn",
        ) from None


def shift_length(days: int) -> int:
    if not 1 <= days <= MAX_SHIFT_DAYS:
        raise DomainError(
            f"A shift lasts 1 to {MAX_SHIFT_DAYS} days.",
            code=Code.INVALID_SHIFT_LENGTH,
            field="shiftLengthDays",
        )
    return days


def member_order(members: Sequence[uuid.UUID]) -> tuple[uuid.UUID, ...]:
    """The members in rotation order: at least one, at most MAX_MEMBERS, each once."""
    if not members:
        raise DomainError("A rotation needs a member.", code=Code.NO_MEMBERS, field="memberIds")
    if len(members) > MAX_MEMBERS:
        raise DomainError(
            f"A rotation has at most {MAX_MEMBERS} members.",
            code=Code.TOO_MANY_MEMBERS,
            field="memberIds",
        )
    if len(set(members)) != len(members):
        raise DomainError(
            "A member appears once in the order.", code=Code.DUPLICATE_MEMBER, field="memberIds"
        )
    return tuple(members)


def check_range(start: datetime, end: datetime) -> None:
    if end <= start or end - start > MAX_RANGE:
        raise DomainError(
            f"A range of shifts ends after it starts and spans at most {MAX_RANGE.days} days.",
            code=Code.INVALID_RANGE,
            field="to",
        )


# -- shifts ---------------------------------------------------------------------------------


def handover_at(s: Schedule, number: int) -> datetime:
    """When shift `number` starts (UTC): the hand-over time on its local day, read in the zone
    as RFC 5545 reads a local time (see the module's docstring)."""
    day = s.starts_on + timedelta(days=number * s.shift_days)
    return datetime.combine(day, s.handover, tzinfo=zone(s.tzid)).astimezone(UTC)


def number_at(s: Schedule, instant: datetime) -> int | None:
    """The number of the shift under way at `instant`; None before the first hand-over."""
    local = instant.astimezone(zone(s.tzid))
    n = (local.date() - s.starts_on).days // s.shift_days
    # The local day is right to within one shift; the hand-over time settles it.
    for _ in range(3):
        if n >= 0 and handover_at(s, n) > instant:
            n -= 1
        elif handover_at(s, n + 1) <= instant:
            n += 1
        else:
            break
    return n if n >= 0 else None


def shift(s: Schedule, number: int, swaps: Mapping[int, SwapFacts]) -> Shift:
    """Shift `number`: the member the order gives it to, unless a swap covers it (a swap
    counts only while the order still gives the shift to the member who gave it away and the
    one covering is still a member)."""
    scheduled = s.members[number % len(s.members)]
    swap = swaps.get(number)
    counts = swap is not None and swap.original_id == scheduled and swap.covering_id in s.members
    return Shift(
        number=number,
        member_id=swap.covering_id if counts and swap is not None else scheduled,
        scheduled_id=scheduled,
        starts_at=handover_at(s, number),
        ends_at=handover_at(s, number + 1),
        swap=swap if counts else None,
    )


def shifts_between(
    s: Schedule,
    swaps: Mapping[int, SwapFacts],
    start: datetime,
    end: datetime,
    limit: int = MAX_SHIFTS,
) -> list[Shift]:
    """The shifts overlapping [start, end), earliest first, at most `limit`."""
    number = number_at(s, start)
    out: list[Shift] = []
    n = 0 if number is None else number
    while len(out) < limit:
        found = shift(s, n, swaps)
        if found.starts_at >= end:
            break
        out.append(found)
        n += 1
    return out


def on_shift(s: Schedule, swaps: Mapping[int, SwapFacts], at: datetime) -> Shift | None:
    """The shift under way at `at`; None before the first hand-over."""
    number = number_at(s, at)
    return None if number is None else shift(s, number, swaps)


# -- a release's watchers -------------------------------------------------------------------


def pick_rotation(
    shipped_per_team: Mapping[uuid.UUID, int], team_keys: Mapping[uuid.UUID, str]
) -> uuid.UUID | None:
    """The team whose rotation watches a release: of the teams with a rotation, the one whose
    services the release ships most of; ties by team key."""
    teams = [t for t in shipped_per_team if t in team_keys]
    if not teams:
        return None
    return min(teams, key=lambda t: (-shipped_per_team[t], team_keys[t]))


def pick_secondary(
    candidates: Sequence[Candidate], counts: Mapping[uuid.UUID, int], primary: uuid.UUID
) -> uuid.UUID | None:
    """The release's secondary: of its authors (its owner when it names none) other than the
    primary, the one with the fewest secondary assignments in the last 90 days; ties by name,
    then id. None when the primary is the only candidate."""
    pool = [c for c in candidates if c.id != primary]
    if not pool:
        return None
    chosen = min(pool, key=lambda c: (counts.get(c.id, 0), c.name.casefold(), str(c.id)))
    return chosen.id


def secondary_hours(configured: Iterable[int]) -> int:
    """How long the secondary watches: the longest any of the release's services asks for."""
    return max(configured, default=DEFAULT_SECONDARY_HOURS)


# -- fairness -------------------------------------------------------------------------------


def fairness(
    members: Sequence[uuid.UUID],
    shifts: Sequence[Shift],
    watches: Sequence[tuple[uuid.UUID, uuid.UUID | None]],
    start: datetime,
    end: datetime,
) -> list[MemberLoad]:
    """Per member (in rotation order, then anyone else who covered a shift or watched a
    release, such as an author rotated in as secondary): shifts starting
    in [start, end), hours on shift within it, and the releases watched as primary and as
    secondary (`watches`: (primary, secondary) of the releases whose window opened in it)."""
    watchers = [who for pair in watches for who in pair if who is not None]
    order = list(dict.fromkeys([*members, *(s.member_id for s in shifts), *watchers]))
    counted = {m: 0 for m in order}
    hours = {m: 0.0 for m in order}
    for s in shifts:
        if start <= s.starts_at < end:
            counted[s.member_id] += 1
        overlap = min(s.ends_at, end) - max(s.starts_at, start)
        hours[s.member_id] += max(overlap.total_seconds(), 0) / 3600
    primaries = {m: sum(1 for p, _ in watches if p == m) for m in order}
    secondaries = {m: sum(1 for _, sec in watches if sec == m) for m in order}
    return [
        MemberLoad(m, counted[m], round(hours[m], 2), primaries[m], secondaries[m]) for m in order
    ]
