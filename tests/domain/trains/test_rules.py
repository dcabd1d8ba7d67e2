"""Pure rules: cadence arithmetic and validation, which cadence governs a PI, the gate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.kernel.errors import DomainError
from domain.trains import cadence as cad
from domain.trains.rules import ResultFacts, WindowFacts, integration_window_passed

AMS = "Europe/Amsterdam"


def bounds(start: date, iterations: int = 5, weeks: int = 2) -> tuple[datetime, datetime]:
    s, e, _ = cad.pi_bounds(start, AMS, iterations, weeks)
    return s, e


class TestCadence:
    def test_weekly_departs_every_friday_at_local_time_across_daylight_saving(self) -> None:
        s, e = bounds(date(2027, 3, 1), 3, 2)
        found = cad.departures_in(cad.Cadence("weekly", "17:00", AMS, weekday=4), s, e)
        assert len(found) == 6
        assert {d.astimezone(cad.zone(AMS)).hour for d in found} == {17}
        assert {d.hour for d in found} == {16, 15}  # CET then CEST

    def test_bi_weekly_and_monthly(self) -> None:
        s, e = bounds(date(2027, 1, 4), 5, 2)
        assert len(cad.departures_in(cad.Cadence("bi_weekly", tzid=AMS, weekday=0), s, e)) == 5
        s, e = bounds(date(2027, 1, 31), 6, 2)
        months = cad.departures_in(cad.Cadence("monthly", tzid=AMS), s, e)
        assert [d.day for d in months] == [31, 28, 31]

    def test_custom_dates_and_rrule(self) -> None:
        s, e = bounds(date(2027, 1, 4), 2, 2)
        dates = (date(2027, 1, 6), date(2027, 3, 1))
        assert len(cad.departures_in(cad.Cadence("custom", tzid=AMS, dates=dates), s, e)) == 1
        rule = cad.Cadence("custom", tzid=AMS, rrule="FREQ=WEEKLY;BYDAY=TU,TH")
        assert len(cad.departures_in(rule, s, e)) == 8

    @pytest.mark.parametrize(
        ("c", "code"),
        [
            (cad.Cadence("hourly"), "INVALID_CADENCE"),
            (cad.Cadence("weekly", "25:00"), "INVALID_TIME"),
            (cad.Cadence("weekly", tzid="Mars/Olympus"), "INVALID_TIMEZONE"),
            (cad.Cadence("custom"), "INVALID_DATES"),
            (cad.Cadence("weekly", rrule="FREQ=DAILY"), "INVALID_DATES"),
            (cad.Cadence("custom", rrule="FREQ=MINUTELY"), "INVALID_RRULE"),
        ],
    )
    def test_an_unusable_cadence_is_refused_with_a_code(self, c: cad.Cadence, code: str) -> None:
        with pytest.raises(DomainError) as caught:
            cad.check_cadence(c)
        assert caught.value.code == code

    def test_the_code_is_the_train_key_and_local_date(self) -> None:
        at = datetime(2026, 12, 8, 23, 30, tzinfo=UTC)
        assert cad.departure_code("payments", at, AMS) == "payments-2026.12.09"

    def test_the_planning_boundary_is_the_start_of_the_last_iteration(self) -> None:
        s, e, planning = cad.pi_bounds(date(2027, 1, 4), AMS, 5, 2)
        assert e - s == timedelta(weeks=10) and e - planning == timedelta(weeks=2)


@dataclass(frozen=True)
class Change:
    seq: int
    effective_from_seq: int


class TestWhichCadenceGovernsAPi:
    def test_the_latest_recorded_change_effective_by_then(self) -> None:
        changes = [Change(1, 0), Change(2, 3), Change(3, 2)]
        assert [cad.cadence_for(changes, s).seq for s in (1, 2, 3, 4)] == [1, 3, 3, 3]  # type: ignore[union-attr]
        assert cad.cadence_for([Change(1, 0), Change(2, 3)], 2).seq == 1  # type: ignore[union-attr]


NOW = datetime(2027, 1, 10, 12, tzinfo=UTC)
WINDOW = WindowFacts(NOW - timedelta(hours=4), NOW - timedelta(hours=1))


def result(suite: str, passed: bool, minutes: int = 0) -> ResultFacts:
    return ResultFacts(suite, passed, NOW - timedelta(hours=2) + timedelta(minutes=minutes))


class TestIntegrationGate:
    def test_no_window_or_an_open_window_is_not_passed(self) -> None:
        assert not integration_window_passed(None, [], NOW).passed
        open_ = WindowFacts(NOW - timedelta(hours=1), NOW + timedelta(hours=1))
        assert not integration_window_passed(open_, [result("e2e", True)], NOW).passed

    def test_no_results_is_not_passed(self) -> None:
        gate = integration_window_passed(WINDOW, [], NOW)
        assert not gate.passed and "without any recorded result" in gate.reason

    def test_a_failed_suite_fails_until_a_rerun_passes(self) -> None:
        failed = [result("e2e", False), result("contract", True)]
        assert integration_window_passed(WINDOW, failed, NOW).reason == "Failed suites: e2e."
        rerun = [*failed, result("e2e", True, minutes=5)]
        assert integration_window_passed(WINDOW, rerun, NOW).passed

    def test_a_cancelled_window_is_not_passed(self) -> None:
        cancelled = WindowFacts(WINDOW.starts_at, WINDOW.ends_at, cancelled=True)
        assert not integration_window_passed(cancelled, [result("e2e", True)], NOW).passed
