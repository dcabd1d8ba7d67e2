"""Support shifts as subscribers read them, with the three parsers the feed's own tests use
(`icalendar` with `recurring-ical-events`, `ical`, `vobject`): on daylight-saving nights every
parser puts each shift exactly where Signalbox says it is on shift. No database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
import vobject

from domain.read.calendar_feed_shifts import FeedShift
from domain.support import rules
from domain.support.rules import Schedule, SwapFacts
from tests.api.test_calendar_feed_rfc5545 import PARSERS, Span, feed

A, B = uuid.UUID(int=1), uuid.UUID(int=2)
ROTATION = uuid.UUID(int=77)
STAMP = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
# Daily hand-overs at 02:30 in Berlin: on 29 March 2026 that time does not exist, on 25
# October it happens twice.
SPRING = Schedule((A, B), time(2, 30), "Europe/Berlin", 1, date(2026, 3, 26))
AUTUMN = Schedule((A, B), time(2, 30), "America/New_York", 1, date(2026, 10, 30))


def shifts(s: Schedule, start: datetime, end: datetime) -> tuple[FeedShift, ...]:
    swap = SwapFacts(uuid.uuid4(), 2, A, B, "Dentist", None, STAMP)
    return tuple(
        FeedShift(
            rotation_id=ROTATION,
            rotation_name="Payments on call",
            team_name="Acquiring",
            number=x.number,
            member="Bo" if x.member_id == B else "Ada",
            tzid=s.tzid,
            starts_at=x.starts_at,
            ends_at=x.ends_at,
            updated_at=STAMP,
            version=1,
            gave_away="Ada" if x.swap else None,
            swap_reason=x.swap.reason if x.swap else None,
        )
        for x in rules.shifts_between(s, {2: swap}, start, end)
    )


@pytest.mark.parametrize(
    ("schedule", "start", "end"),
    [
        (SPRING, datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)),
        (AUTUMN, datetime(2026, 10, 31, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)),
    ],
    ids=["berlin-spring-forward", "new-york-fall-back"],
)
@pytest.mark.parametrize("parse", PARSERS, ids=[p.__name__ for p in PARSERS])
def test_every_parser_sees_each_shift_where_signalbox_has_it(
    schedule: Schedule, start: datetime, end: datetime, parse: object
) -> None:
    found = shifts(schedule, start, end)
    body = feed(shifts=found)
    for s in found:
        uid = f"support-shift-{ROTATION}-{s.number}@signalbox"
        seen: list[Span] = parse(body, uid, s.starts_at, s.ends_at)  # type: ignore[operator]
        assert seen == [(s.starts_at, s.ends_at)], (s.number, seen)
    lengths = {s.ends_at - s.starts_at for s in found}
    assert lengths - {timedelta(hours=24)} in ({timedelta(hours=23)}, {timedelta(hours=25)})


def test_vobject_reads_the_swap_and_the_zone() -> None:
    found = shifts(SPRING, datetime(2026, 3, 27, tzinfo=UTC), datetime(2026, 3, 31, tzinfo=UTC))
    parsed = vobject.readOne(feed(shifts=found).decode())
    by_uid = {v.uid.value: v for v in parsed.vevent_list}
    swapped = by_uid[f"support-shift-{ROTATION}-2@signalbox"]
    assert swapped.summary.value == "On shift: Bo [Payments on call]"
    assert "Bo covers for Ada. Why: Dentist" in swapped.description.value
    start = swapped.dtstart.value  # local wall time in the rotation's zone, with its offset
    assert (start.replace(tzinfo=None), start.utcoffset()) == (
        datetime(2026, 3, 28, 2, 30),
        timedelta(hours=1),
    )
    assert {tz.tzid.value for tz in parsed.vtimezone_list} >= {"Europe/Berlin"}
