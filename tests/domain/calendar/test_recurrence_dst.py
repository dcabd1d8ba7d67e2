"""Recurring freezes on daylight-saving days, as RFC 5545 reads them (3.3.5, 3.8.5.3): a start
that falls in a spring-forward gap is shifted forward by the gap's length and keeps its
length; a start in an autumn fold is the first of the two times. Europe/Berlin and
America/New_York, pure expansion and the freeze binding in the database (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar.freezes import FreezeHit, blocking_freezes
from domain.calendar.recurrence import (
    Occurrence,
    Timing,
    in_gap,
    instant,
    occurrences,
    shifted_by_a_gap,
)
from tests.domain.calendar.conftest import CalendarWorld

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)


def wall(tz: ZoneInfo, y: int, m: int, d: int, h: int, mi: int = 0, fold: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=tz, fold=fold).astimezone(UTC)


def berlin_sunday_night() -> Timing:
    # Sundays 02:30-03:10 in Berlin; 29 March 2026 has no 02:00-03:00, 25 October has it twice.
    return Timing(
        wall(BERLIN, 2026, 3, 22, 2, 30), wall(BERLIN, 2026, 3, 22, 3, 10), "Europe/Berlin",
        "FREQ=WEEKLY",
    )  # fmt: skip


def new_york_nightly() -> Timing:
    # Every night 02:15-03:45 in New York; 8 March 2026 skips 02:00-03:00, 1 November repeats 01:00-02:00.
    return Timing(
        wall(NEW_YORK, 2026, 3, 1, 2, 15), wall(NEW_YORK, 2026, 3, 1, 3, 45), "America/New_York",
        "FREQ=DAILY",
    )  # fmt: skip


def on(t: Timing, day_start: datetime) -> Occurrence:
    (found,) = occurrences(t, day_start, day_start + timedelta(hours=24))
    return found


class TestAStartInASpringGap:
    def test_berlin_shifts_it_forward_by_the_gap_and_keeps_its_40_minutes(self) -> None:
        o = on(berlin_sunday_night(), wall(BERLIN, 2026, 3, 29, 0))
        assert o.starts_at == wall(BERLIN, 2026, 3, 29, 3, 30)  # 03:30 CEST = 01:30 UTC
        assert o.starts_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert o.ends_at == datetime(2026, 3, 29, 2, 10, tzinfo=UTC)  # 04:10 CEST
        assert o.ends_at - o.starts_at == timedelta(minutes=40)

    def test_new_york_shifts_it_forward_by_the_gap_and_keeps_its_90_minutes(self) -> None:
        o = on(new_york_nightly(), wall(NEW_YORK, 2026, 3, 8, 0))
        assert o.starts_at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:15 EDT"
        assert o.ends_at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "04:45 EDT"
        assert o.ends_at - o.starts_at == timedelta(minutes=90)

    @pytest.mark.parametrize("timing", [berlin_sunday_night, new_york_nightly])
    def test_no_occurrence_of_a_year_ends_before_it_starts(self, timing) -> None:  # type: ignore[no-untyped-def]
        t = timing()
        found = occurrences(t, t.starts_at, t.starts_at + timedelta(days=366))
        assert found and all(o.ends_at > o.starts_at for o in found)

    def test_the_freeze_binds_during_the_shifted_occurrence(self) -> None:
        t = berlin_sunday_night()
        for inside in (wall(BERLIN, 2026, 3, 29, 3, 30), wall(BERLIN, 2026, 3, 29, 4, 9)):
            assert occurrences(t, inside, inside + MINUTE), inside
        for outside in (wall(BERLIN, 2026, 3, 29, 1, 59), wall(BERLIN, 2026, 3, 29, 4, 10)):
            assert not occurrences(t, outside, outside + MINUTE), outside

    def test_the_shifted_occurrences_name_the_local_start_the_rule_computed(self) -> None:
        t = new_york_nightly()
        shifted = shifted_by_a_gap(t, t.starts_at, t.starts_at + timedelta(days=800))
        assert [(w.isoformat(), o.starts_at.isoformat()) for w, o in shifted] == [
            ("2026-03-08T02:15:00", "2026-03-08T07:15:00+00:00"),
            ("2027-03-14T02:15:00", "2027-03-14T07:15:00+00:00"),
            ("2028-03-12T02:15:00", "2028-03-12T07:15:00+00:00"),
        ]

    def test_a_rule_whose_time_of_day_misses_every_gap_has_none(self) -> None:
        t = Timing(
            wall(BERLIN, 2026, 3, 1, 18), wall(BERLIN, 2026, 3, 1, 19), "Europe/Berlin",
            "FREQ=DAILY",
        )  # fmt: skip
        assert shifted_by_a_gap(t, t.starts_at, t.starts_at + timedelta(days=3650)) == []

    def test_a_rule_naming_its_hours_is_expanded_to_find_them(self) -> None:
        t = Timing(
            wall(BERLIN, 2026, 3, 1, 1), wall(BERLIN, 2026, 3, 1, 1, 20), "Europe/Berlin",
            "FREQ=DAILY;BYHOUR=1,2;BYMINUTE=0",
        )  # fmt: skip
        [(computed, o)] = shifted_by_a_gap(t, t.starts_at, t.starts_at + timedelta(days=60))
        assert computed == datetime(2026, 3, 29, 2, 0)
        assert o.starts_at == wall(BERLIN, 2026, 3, 29, 3)


class TestAnEndInASpringGap:
    def test_it_is_read_with_the_offset_before_the_gap(self) -> None:
        # 01:30-02:30 in New York: on 8 March 02:30 does not exist, and reads as 03:30 EDT.
        t = Timing(
            wall(NEW_YORK, 2026, 3, 1, 1, 30), wall(NEW_YORK, 2026, 3, 1, 2, 30),
            "America/New_York", "FREQ=DAILY",
        )  # fmt: skip
        o = on(t, wall(NEW_YORK, 2026, 3, 8, 0))
        assert o.starts_at == datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # 01:30 EST
        assert o.ends_at == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT


class TestAStartInAnAutumnFold:
    def test_berlin_takes_the_first_0230_and_keeps_the_wall_clock_end(self) -> None:
        o = on(berlin_sunday_night(), wall(BERLIN, 2026, 10, 25, 0))
        assert o.starts_at == wall(BERLIN, 2026, 10, 25, 2, 30, fold=0)  # 02:30 CEST
        assert o.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
        assert o.ends_at.astimezone(BERLIN).strftime("%H:%M %Z") == "03:10 CET"
        assert o.ends_at > o.starts_at

    def test_new_york_keeps_its_wall_clock_times_on_the_fold_day(self) -> None:
        o = on(new_york_nightly(), wall(NEW_YORK, 2026, 11, 1, 0))
        assert o.starts_at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "02:15 EST"
        assert o.ends_at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "03:45 EST"

    def test_a_first_occurrence_in_the_second_pass_of_a_fold_stays_as_proposed(self) -> None:
        # 01:30 EST (the second 01:30) on 1 November 2026, weekly: the freeze's own period.
        start = wall(NEW_YORK, 2026, 11, 1, 1, 30, fold=1)
        t = Timing(start, start + timedelta(minutes=20), "America/New_York", "FREQ=WEEKLY")
        first, second = occurrences(t, start - MINUTE, start + timedelta(days=8))
        assert (first.starts_at, first.ends_at) == (t.starts_at, t.ends_at)
        assert second.starts_at.astimezone(NEW_YORK).strftime("%H:%M %Z") == "01:30 EST"


class TestLocalTimes:
    def test_a_gap_time_is_recognised_and_read_before_the_gap(self) -> None:
        assert in_gap(datetime(2026, 3, 8, 2, 30), NEW_YORK)
        assert not in_gap(datetime(2026, 3, 8, 3, 30), NEW_YORK)
        assert not in_gap(datetime(2026, 11, 1, 1, 30), NEW_YORK)
        assert instant(datetime(2026, 3, 8, 2, 30), NEW_YORK) == datetime(
            2026, 3, 8, 7, 30, tzinfo=UTC
        )
        # RFC 5545 3.3.5: a time that occurs twice is the first of the two (EDT).
        assert instant(datetime(2026, 11, 1, 1, 30), NEW_YORK) == datetime(
            2026, 11, 1, 5, 30, tzinfo=UTC
        )


class TestTheFreezeBindsOnTheGapDay:
    async def test_a_change_during_the_shifted_occurrence_is_blocked(
        self, world: CalendarWorld
    ) -> None:
        t = berlin_sunday_night()
        freeze = await world.freeze(
            starts_at=t.starts_at, ends_at=t.ends_at, tzid=t.tzid, rrule=t.rrule
        )

        async def blocked(start: datetime, minutes: int) -> list[FreezeHit]:
            return await blocking_freezes(
                world.session,
                bu_id=world.bu,
                service_ids=[],
                environments=[],
                tiers=[],
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
                release_id=None,
            )

        [hit] = await blocked(wall(BERLIN, 2026, 3, 29, 3, 45), 10)
        assert hit.freeze_id == freeze.id
        assert hit.occurrence_start == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert hit.occurrence_end == datetime(2026, 3, 29, 2, 10, tzinfo=UTC)
        assert await blocked(wall(BERLIN, 2026, 3, 29, 4, 10), 30) == []
        [fold] = await blocked(wall(BERLIN, 2026, 10, 25, 2, 45, fold=1), 10)
        assert fold.occurrence_start == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
