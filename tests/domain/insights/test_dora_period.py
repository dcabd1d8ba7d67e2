"""The period DORA's figures cover: defaults, bounds and refusals (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.insights.dora_queries import MAX_WINDOW_HOURS, period, window_hours
from domain.kernel.errors import DomainError

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


class TestThePeriod:
    def test_by_default_it_is_the_ninety_days_up_to_now(self) -> None:
        assert period(None, None, NOW) == (NOW - timedelta(days=90), NOW)

    def test_since_alone_runs_to_now(self) -> None:
        since = NOW - timedelta(days=10)
        assert period(since, None, NOW) == (since, NOW)

    @pytest.mark.parametrize(
        ("since", "until"),
        [
            (NOW, NOW - timedelta(days=1)),  # backwards
            (NOW - timedelta(days=6 * 366), NOW),  # longer than five years
            (datetime(1, 1, 2, tzinfo=UTC), NOW),  # its reads would start before year 1
            (None, datetime(9999, 12, 30, tzinfo=UTC)),  # its trend would end after 9999
            (datetime(2026, 1, 1), NOW),  # no UTC offset
        ],
    )
    def test_a_period_out_of_bounds_is_refused(
        self, since: datetime | None, until: datetime | None
    ) -> None:
        with pytest.raises(DomainError):
            period(since, until, NOW)


class TestTheAttributionWindow:
    def test_it_is_zero_to_a_year_of_hours(self) -> None:
        assert window_hours(0) == 0 and window_hours(MAX_WINDOW_HOURS) == MAX_WINDOW_HOURS
        for bad in (-1, MAX_WINDOW_HOURS + 1, 10**12):
            with pytest.raises(DomainError):
                window_hours(bad)
