"""Pure search for free slots: the earliest intervals of a length that avoid every busy one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.calendar.errors import CalendarErrorCode as Code
from domain.kernel.errors import DomainError

MAX_SUGGESTIONS = 20


@dataclass(frozen=True, slots=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


def merge(busy: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Busy intervals merged into disjoint, sorted ones (half-open: touching ones merge too)."""
    out: list[tuple[datetime, datetime]] = []
    for start, end in sorted(b for b in busy if b[0] < b[1]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def free_slots(
    busy: Iterable[tuple[datetime, datetime]],
    *,
    duration: timedelta,
    after: datetime,
    before: datetime,
    count: int,
) -> list[Slot]:
    """The earliest `count` slots of `duration` in [after, before) overlapping nothing busy.

    Slots in one free gap follow each other back to back; the first starts where the gap does.
    """
    if duration <= timedelta(0):
        raise DomainError(
            "A slot lasts a positive time.", code=Code.INVALID_DURATION, field="duration"
        )
    if not 1 <= count <= MAX_SUGGESTIONS:
        raise DomainError(
            f"Ask for 1 to {MAX_SUGGESTIONS} suggestions.",
            code=Code.INVALID_DURATION,
            field="count",
        )
    out: list[Slot] = []
    cursor = after
    for start, end in [*merge(busy), (before, before)]:
        gap_end = min(start, before)
        while cursor + duration <= gap_end and len(out) < count:
            out.append(Slot(cursor, cursor + duration))
            cursor += duration
        if len(out) == count or end >= before:
            break
        cursor = max(cursor, end)
    return out
