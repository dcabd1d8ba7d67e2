"""Shifts from a schedule and its swaps: hand-overs at local time across daylight saving, the
shift under way at any instant, swaps that count only while the order matches."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.support import rules
from domain.support.rules import Schedule, SwapFacts

A, B, C = (uuid.UUID(int=i) for i in (1, 2, 3))
ZURICH = ZoneInfo("Europe/Zurich")


def schedule(
    handover: time = time(9, 0),
    days: int = 7,
    start: date = date(2026, 3, 2),
    tz: str = "Europe/Zurich",
) -> Schedule:
    return Schedule((A, B, C), handover, tz, days, start)


def swap(number: int, original: uuid.UUID, covering: uuid.UUID) -> SwapFacts:
    return SwapFacts(
        uuid.uuid4(), number, original, covering, "Holiday", None, datetime(2026, 1, 1, tzinfo=UTC)
    )


class TestHandOversHappenAtLocalTime:
    def test_a_weekly_hand_over_stays_at_nine_local_across_the_spring_change(self) -> None:
        s = schedule()  # Mondays from 2 March 2026; Zurich springs forward on 29 March
        before, after = rules.handover_at(s, 3), rules.handover_at(s, 4)
        assert before == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)  # 09:00 CET
        assert after == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST
        assert after.astimezone(ZURICH).time() == time(9, 0)
        assert after - before == timedelta(days=7, hours=-1)

    def test_a_hand_over_in_the_spring_gap_happens_at_the_offset_before_it(self) -> None:
        # RFC 5545: 02:30 on 29 March 2026 does not exist in Zurich; it is read as 03:30 CEST.
        s = schedule(handover=time(2, 30), days=1, start=date(2026, 3, 28))
        assert rules.handover_at(s, 1) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        assert rules.handover_at(s, 1).astimezone(ZURICH).time() == time(3, 30)

    def test_a_hand_over_in_the_repeated_autumn_hour_happens_at_its_first_occurrence(self) -> None:
        s = schedule(handover=time(2, 30), days=1, start=date(2026, 10, 24))
        assert rules.handover_at(s, 1) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # CEST

    def test_shifts_are_contiguous_and_end_where_the_next_begins(self) -> None:
        s = schedule(days=2)
        found = rules.shifts_between(
            s, {}, datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)
        )
        assert all(x.ends_at == y.starts_at for x, y in pairwise(found))
        assert [x.member_id for x in found[:4]] == [
            s.members[n % 3] for n in range(found[0].number, found[0].number + 4)
        ]


class TestTheShiftUnderWay:
    def test_none_before_the_first_hand_over(self) -> None:
        assert rules.on_shift(schedule(), {}, datetime(2026, 3, 2, 7, 59, tzinfo=UTC)) is None

    def test_the_first_member_from_the_first_hand_over(self) -> None:
        found = rules.on_shift(schedule(), {}, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
        assert found is not None and (found.number, found.member_id) == (0, A)

    def test_a_minute_before_a_hand_over_the_outgoing_member_is_on_shift(self) -> None:
        at = datetime(2026, 3, 30, 6, 59, tzinfo=UTC)  # 08:59 CEST on the hand-over day
        found = rules.on_shift(schedule(), {}, at)
        assert found is not None and (found.number, found.member_id) == (3, A)

    @given(
        st.datetimes(min_value=datetime(2026, 3, 2, 9), max_value=datetime(2031, 1, 1)),
        st.integers(1, 28),
        st.sampled_from(["Europe/Zurich", "America/New_York", "Australia/Sydney", "UTC"]),
    )
    def test_the_shift_found_always_covers_the_instant(
        self, naive: datetime, days: int, tz: str
    ) -> None:
        at = naive.replace(tzinfo=UTC)
        s = schedule(handover=time(2, 30), days=days, tz=tz)
        found = rules.on_shift(s, {}, at)
        if found is None:
            assert at < rules.handover_at(s, 0)
        else:
            assert found.starts_at <= at < found.ends_at


class TestSwaps:
    def test_a_swap_gives_the_shift_to_the_member_covering_it(self) -> None:
        found = rules.shift(schedule(), 1, {1: swap(1, B, C)})
        assert (found.member_id, found.scheduled_id) == (C, B)
        assert found.swap is not None and found.swap.reason == "Holiday"

    def test_a_swap_the_order_no_longer_matches_counts_no_more(self) -> None:
        found = rules.shift(schedule(), 1, {1: swap(1, A, C)})
        assert (found.member_id, found.swap) == (B, None)

    def test_a_swap_to_someone_no_longer_a_member_counts_no_more(self) -> None:
        found = rules.shift(schedule(), 1, {1: swap(1, B, uuid.UUID(int=9))})
        assert found.member_id == B


class TestInput:
    @pytest.mark.parametrize("text", ["24:00", "9:00", "09:60", "", "noon"])
    def test_a_hand_over_is_hh_mm(self, text: str) -> None:
        with pytest.raises(DomainError) as caught:
            rules.handover_time(text)
        assert caught.value.code == "INVALID_HANDOVER"

    @pytest.mark.parametrize("tz", ["Mars/Olympus", "", "../etc/passwd", "Europe/Zurich "])
    def test_an_unknown_zone_is_refused(self, tz: str) -> None:
        with pytest.raises(DomainError) as caught:
            rules.zone(tz)
        assert caught.value.code == "UNKNOWN_ZONE"

    def test_members_appear_once(self) -> None:
        with pytest.raises(DomainError) as caught:
            rules.member_order([A, B, A])
        assert caught.value.code == "DUPLICATE_MEMBER"

    def test_a_range_longer_than_a_year_is_refused(self) -> None:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        with pytest.raises(DomainError) as caught:
            rules.check_range(start, start + timedelta(days=367))
        assert caught.value.code == "INVALID_RANGE"
