"""Injected clocks: a shifted clock follows the clock it moves back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.kernel.clock import FixedClock, ShiftedClock


class TestAShiftedClock:
    def test_reads_the_other_clock_moved_back_and_follows_it(self) -> None:
        base = FixedClock(datetime(2026, 12, 7, 6, 0, tzinfo=UTC))
        earlier = ShiftedClock(base, timedelta(hours=126))
        assert earlier.now() == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
        base.advance(timedelta(minutes=30))
        assert earlier.now() == datetime(2026, 12, 2, 0, 30, tzinfo=UTC)
        assert earlier.now().tzinfo is not None
