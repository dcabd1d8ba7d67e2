"""Pure free-slot search: examples and the property that a slot never overlaps anything busy."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import rules, slots
from domain.kernel.errors import DomainError

T0 = datetime(2026, 12, 1, tzinfo=UTC)
H = timedelta(hours=1)


class TestFreeSlots:
    def test_the_first_slot_starts_where_the_busy_time_ends(self) -> None:
        found = slots.free_slots(
            [(T0, T0 + 2 * H)], duration=H, after=T0, before=T0 + 10 * H, count=2
        )
        assert [(s.starts_at, s.ends_at) for s in found] == [
            (T0 + 2 * H, T0 + 3 * H),
            (T0 + 3 * H, T0 + 4 * H),
        ]

    def test_a_gap_too_short_is_skipped(self) -> None:
        busy = [(T0, T0 + H), (T0 + 2 * H, T0 + 3 * H)]
        [slot] = slots.free_slots(busy, duration=2 * H, after=T0, before=T0 + 10 * H, count=1)
        assert slot.starts_at == T0 + 3 * H

    def test_nothing_fits_before_the_deadline(self) -> None:
        assert (
            slots.free_slots(
                [(T0, T0 + 9 * H)], duration=2 * H, after=T0, before=T0 + 10 * H, count=1
            )
            == []
        )

    def test_a_slot_may_touch_busy_time(self) -> None:
        [slot] = slots.free_slots(
            [(T0 + H, T0 + 2 * H)], duration=H, after=T0, before=T0 + 3 * H, count=1
        )
        assert (slot.starts_at, slot.ends_at) == (T0, T0 + H)

    def test_bad_durations_and_counts_are_refused(self) -> None:
        with pytest.raises(DomainError):
            slots.free_slots([], duration=timedelta(0), after=T0, before=T0 + H, count=1)
        with pytest.raises(DomainError):
            slots.free_slots([], duration=H, after=T0, before=T0 + H, count=0)


busy = st.lists(
    st.tuples(st.integers(-10, 200), st.integers(1, 30)).map(
        lambda t: (T0 + t[0] * timedelta(minutes=30), T0 + (t[0] + t[1]) * timedelta(minutes=30))
    ),
    max_size=15,
)


class TestSuggestedSlotProperties:
    @given(busy, st.integers(1, 12), st.integers(1, 5))
    def test_a_suggested_slot_never_overlaps_a_busy_interval(
        self, b: list, halves: int, count: int
    ) -> None:
        duration = halves * timedelta(minutes=30)
        after, before = T0, T0 + 100 * H
        found = slots.free_slots(b, duration=duration, after=after, before=before, count=count)
        assert len(found) <= count
        for s in found:
            assert s.ends_at - s.starts_at == duration
            assert after <= s.starts_at and s.ends_at <= before
            assert not any(rules.overlaps(s.starts_at, s.ends_at, x, y) for x, y in b)
        assert all(a.ends_at <= b2.starts_at for a, b2 in itertools.pairwise(found))

    @given(busy, st.integers(1, 12))
    def test_no_earlier_start_would_have_been_free(self, b: list, halves: int) -> None:
        duration = halves * timedelta(minutes=30)
        found = slots.free_slots(b, duration=duration, after=T0, before=T0 + 100 * H, count=1)
        limit = found[0].starts_at if found else T0 + 100 * H
        step = timedelta(minutes=30)
        t = T0
        while t < limit and t + duration <= T0 + 100 * H:
            assert any(rules.overlaps(t, t + duration, x, y) for x, y in b)
            t += step
