"""Recurring freezes: RFC 5545 rules expanded in their time zone, DST-correct, validated, capped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar.recurrence import MAX_OCCURRENCES, Timing, check_timing, occurrences
from domain.kernel.errors import DomainError

AMS = ZoneInfo("Europe/Amsterdam")
QUARTER_END = "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1"


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=AMS).astimezone(UTC)


class TestTheQuarterEndFreezeInAmsterdam:
    def test_it_holds_on_the_last_three_business_days_of_every_quarter(self) -> None:
        t = Timing(local(2026, 3, 27), local(2026, 3, 28), "Europe/Amsterdam", QUARTER_END)
        found = occurrences(t, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
        assert [o.starts_at.astimezone(AMS).date() for o in found] == [
            date(2026, 3, 27),
            date(2026, 3, 30),
            date(2026, 3, 31),
            date(2026, 6, 26),
            date(2026, 6, 29),
            date(2026, 6, 30),
            date(2026, 9, 28),
            date(2026, 9, 29),
            date(2026, 9, 30),
            date(2026, 12, 29),
            date(2026, 12, 30),
            date(2026, 12, 31),
        ]

    def test_each_day_runs_midnight_to_midnight_local_in_summer_and_winter(self) -> None:
        t = Timing(local(2026, 3, 27), local(2026, 3, 28), "Europe/Amsterdam", QUARTER_END)
        found = occurrences(t, datetime(2026, 6, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
        june, december = found[0], found[-1]
        assert june.starts_at == datetime(2026, 6, 25, 22, tzinfo=UTC)  # 00:00 CEST
        assert december.starts_at == datetime(2026, 12, 30, 23, tzinfo=UTC)  # 00:00 CET
        assert all(o.ends_at - o.starts_at == timedelta(days=1) for o in found)


class TestAHolidayPeakSeason:
    def test_it_recurs_every_year_on_the_same_local_dates(self) -> None:
        t = Timing(local(2026, 11, 23), local(2027, 1, 4), "Europe/Amsterdam", "FREQ=YEARLY")
        found = occurrences(t, datetime(2027, 6, 1, tzinfo=UTC), datetime(2029, 6, 1, tzinfo=UTC))
        assert [(o.starts_at, o.ends_at) for o in found] == [
            (local(2027, 11, 23), local(2028, 1, 4)),
            (local(2028, 11, 23), local(2029, 1, 4)),
        ]

    def test_a_range_inside_the_season_still_sees_it(self) -> None:
        t = Timing(local(2026, 11, 23), local(2027, 1, 4), "Europe/Amsterdam", "FREQ=YEARLY")
        [o] = occurrences(t, local(2027, 12, 24), local(2027, 12, 25))
        assert o.starts_at == local(2027, 11, 23)


class TestDaylightSavingTime:
    def test_a_weekend_freeze_keeps_its_wall_clock_across_the_october_change(self) -> None:
        # Friday 18:00 to Monday 06:00 in Amsterdam; clocks go back on Sunday 25 October 2026.
        t = Timing(
            local(2026, 10, 16, 18), local(2026, 10, 19, 6), "Europe/Amsterdam", "FREQ=WEEKLY"
        )
        found = occurrences(
            t, datetime(2026, 10, 16, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
        )
        assert [
            (o.starts_at.astimezone(AMS).hour, o.ends_at.astimezone(AMS).hour) for o in found
        ] == [(18, 6)] * 3
        across = found[1]
        assert across.starts_at == datetime(2026, 10, 23, 16, tzinfo=UTC)  # 18:00 CEST
        assert across.ends_at == datetime(2026, 10, 26, 5, tzinfo=UTC)  # 06:00 CET
        assert across.ends_at - across.starts_at == timedelta(hours=61)

    def test_the_utc_instant_moves_by_an_hour_in_march(self) -> None:
        t = Timing(
            local(2027, 3, 20, 9), local(2027, 3, 20, 10), "Europe/Amsterdam", "FREQ=DAILY;COUNT=10"
        )
        found = occurrences(t, local(2027, 3, 20), local(2027, 4, 1))
        assert {o.starts_at.astimezone(AMS).hour for o in found} == {9}
        assert found[0].starts_at.hour == 8 and found[-1].starts_at.hour == 7


class TestRulesAreValidated:
    @pytest.mark.parametrize(
        ("rule", "tz", "code"),
        [
            ("FREQ=MONTHLY;BYDAY=XX", "UTC", "INVALID_RRULE"),
            ("BYDAY=MO", "UTC", "INVALID_RRULE"),
            ("FREQ=HOURLY", "UTC", "INVALID_RRULE"),
            ("DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY", "UTC", "INVALID_RRULE"),
            ("FREQ=WEEKLY;UNTIL=20270101T000000", "Europe/Amsterdam", "INVALID_RRULE"),
            ("FREQ=WEEKLY", "Mars/Olympus", "INVALID_TIMEZONE"),
            ("FREQ=WEEKLY", "", "INVALID_TIMEZONE"),
            ("FREQ=DAILY;BYHOUR=0,6,12", "UTC", "TOO_MANY_OCCURRENCES"),
        ],
    )
    def test_a_bad_rule_or_zone_is_refused_with_its_code(
        self, rule: str, tz: str, code: str
    ) -> None:
        start = datetime(2026, 12, 1, tzinfo=UTC)
        with pytest.raises(DomainError) as refused:
            check_timing(Timing(start, start + timedelta(hours=1), tz, rule))
        assert refused.value.code == code

    def test_until_in_utc_is_accepted(self) -> None:
        start = datetime(2026, 12, 1, tzinfo=UTC)
        check_timing(
            Timing(
                start,
                start + timedelta(hours=1),
                "Europe/Amsterdam",
                "FREQ=WEEKLY;UNTIL=20270101T000000Z",
            )
        )


class TestExpansionIsBounded:
    def test_a_long_range_of_a_daily_rule_is_refused_not_computed(self) -> None:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        t = Timing(start, start + timedelta(hours=1), "UTC", "FREQ=DAILY")
        with pytest.raises(DomainError) as refused:
            occurrences(t, start, start + timedelta(days=MAX_OCCURRENCES + 10))
        assert refused.value.code == "RANGE_TOO_LARGE"

    def test_effective_until_ends_the_series(self) -> None:
        start = datetime(2026, 1, 5, tzinfo=UTC)
        t = Timing(
            start,
            start + timedelta(hours=2),
            "UTC",
            "FREQ=WEEKLY",
            effective_until=start + timedelta(days=15),
        )
        assert len(occurrences(t, start, start + timedelta(days=60))) == 3
