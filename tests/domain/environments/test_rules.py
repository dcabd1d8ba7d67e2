"""The queue's pure rules: capacity, exclusivity, FIFO without queue jumping, promotion."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.environments import rules
from domain.environments.rules import ContentionReason, Hold
from domain.kernel.errors import DomainError

T0 = datetime(2026, 12, 1, tzinfo=UTC)
H = timedelta(hours=1)


def hold(start: int, end: int, mode: str = "shared", asked: int = 0) -> Hold:
    return Hold(uuid.uuid4(), mode, T0 + start * H, T0 + end * H, T0 + asked * timedelta(seconds=1))


class TestCapacity:
    def test_shared_holders_fit_up_to_the_capacity(self) -> None:
        granted = [hold(0, 4), hold(1, 5)]
        assert rules.fits(hold(2, 3), granted, capacity=3)
        assert not rules.fits(hold(2, 3), granted, capacity=2)

    def test_shared_holders_that_never_meet_leave_room(self) -> None:
        granted = [hold(0, 2), hold(2, 4)]
        assert rules.fits(hold(0, 4), granted, capacity=2)

    def test_an_exclusive_request_needs_the_range_empty(self) -> None:
        assert rules.fits(hold(0, 2, "exclusive"), [hold(2, 3)], capacity=5)
        assert not rules.fits(hold(0, 2, "exclusive"), [hold(1, 3)], capacity=5)

    def test_nothing_fits_beside_an_exclusive_holder(self) -> None:
        assert not rules.fits(hold(1, 2), [hold(0, 3, "exclusive")], capacity=5)

    def test_touching_ranges_do_not_overlap(self) -> None:
        assert rules.fits(hold(3, 4, "exclusive"), [hold(0, 3, "exclusive")], capacity=1)


class TestContention:
    def test_it_names_the_holders_in_the_way_and_why(self) -> None:
        other = hold(0, 4, "exclusive")
        found = rules.contention(hold(2, 6, "exclusive"), [other], [], capacity=1)
        assert [(c.reservation_id, c.reason) for c in found] == [
            (other.id, ContentionReason.EXCLUSIVE)
        ]

    def test_a_request_that_fits_still_waits_behind_an_earlier_overlapping_one(self) -> None:
        waiting = hold(0, 4, "exclusive", asked=1)
        late = hold(2, 3, "shared", asked=2)
        found = rules.contention(late, [], [waiting], capacity=2)
        assert [c.reason for c in found] == [ContentionReason.QUEUED_AHEAD]
        assert rules.queue_position(late, [waiting]) == 2

    def test_queue_positions_count_only_overlapping_earlier_requests(self) -> None:
        a, b, c = hold(0, 2, asked=1), hold(5, 6, asked=2), hold(1, 3, asked=3)
        assert rules.queue_position(c, [a, b, c]) == 2


class TestPromotion:
    def test_the_oldest_request_that_fits_is_promoted_first(self) -> None:
        first, second = hold(0, 4, "exclusive", asked=1), hold(0, 4, "exclusive", asked=2)
        assert rules.promotions([], [second, first], capacity=1) == [first]

    def test_a_later_request_does_not_jump_an_overlapping_one_that_cannot_go(self) -> None:
        granted = [hold(0, 2)]
        blocked = hold(1, 3, "exclusive", asked=1)
        small = hold(1, 2, "shared", asked=2)
        assert rules.promotions(granted, [blocked, small], capacity=2) == []

    def test_requests_elsewhere_in_time_are_promoted_independently(self) -> None:
        blocked = hold(0, 2, "exclusive", asked=1)
        free = hold(5, 6, "exclusive", asked=2)
        assert rules.promotions([hold(0, 1)], [blocked, free], capacity=1) == [free]


class TestRanges:
    def test_a_reservation_ends_after_it_starts_and_in_the_future(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_range(T0, T0, T0 - H)
        assert e.value.code == "INVALID_INTERVAL"
        with pytest.raises(DomainError) as e:
            rules.check_range(T0 - 2 * H, T0 - H, T0)
        assert e.value.code == "RESERVATION_IN_PAST"
        with pytest.raises(DomainError) as e:
            rules.check_range(T0, T0 + timedelta(days=91), T0)
        assert e.value.code == "RESERVATION_TOO_LONG"


holds = st.builds(
    lambda s, d, ex, asked: hold(s, s + d, "exclusive" if ex else "shared", asked),
    st.integers(0, 20),
    st.integers(1, 6),
    st.booleans(),
    st.integers(0, 100),
)


class TestProperties:
    @given(st.lists(holds, max_size=8), st.integers(1, 4))
    def test_promoted_requests_never_exceed_the_capacity(
        self, queued: list[Hold], capacity: int
    ) -> None:
        promoted = rules.promotions([], queued, capacity)
        for p in promoted:
            others = [o for o in promoted if o is not p]
            assert (
                rules.peak_load(others, p.starts_at, p.ends_at, capacity)
                + rules.weight(p.mode, capacity)
                <= capacity
            )
