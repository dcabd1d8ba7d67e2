"""Who watches a release: the rotation of the team shipping most, the secondary with the
fewest assignments, the secondary's hours from the guardrails; and fairness over a period."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from domain.guardrails.fields import CORE_DEFAULTS, FIELDS
from domain.guardrails.lattice import Strictness
from domain.support import rules
from domain.support.rules import Candidate, Schedule

A, B, C = (uuid.UUID(int=i) for i in (1, 2, 3))
T1, T2 = uuid.UUID(int=11), uuid.UUID(int=12)


class TestTheRotationThatWatches:
    def test_the_team_shipping_most_services(self) -> None:
        assert rules.pick_rotation({T1: 1, T2: 2}, {T1: "a", T2: "b"}) == T2

    def test_ties_go_by_team_key(self) -> None:
        assert rules.pick_rotation({T1: 1, T2: 1}, {T1: "zeta", T2: "alpha"}) == T2

    def test_only_teams_with_a_rotation(self) -> None:
        assert rules.pick_rotation({T1: 5, T2: 1}, {T2: "b"}) == T2
        assert rules.pick_rotation({T1: 5}, {}) is None


class TestTheSecondary:
    people = [Candidate(A, "Ada"), Candidate(B, "Bo"), Candidate(C, "Cy")]

    def test_the_author_with_fewest_assignments(self) -> None:
        assert rules.pick_secondary(self.people, {A: 3, B: 1, C: 2}, primary=C) == B

    def test_ties_go_by_name(self) -> None:
        assert rules.pick_secondary(self.people, {}, primary=C) == A

    def test_never_the_primary(self) -> None:
        assert rules.pick_secondary(self.people, {B: 0, A: 9, C: 9}, primary=B) == A

    def test_none_when_the_primary_is_the_only_author(self) -> None:
        assert rules.pick_secondary([Candidate(A, "Ada")], {}, primary=A) is None


class TestTheSecondarysHours:
    def test_twenty_four_hours_by_default(self) -> None:
        assert CORE_DEFAULTS["release_secondary_hours"] == 24
        assert rules.secondary_hours([]) == 24

    def test_the_longest_any_shipped_service_asks_for(self) -> None:
        assert rules.secondary_hours([24, 72, 48]) == 72

    def test_the_field_tightens_upwards(self) -> None:
        assert FIELDS["release_secondary_hours"].strictness is Strictness.AT_LEAST


class TestFairness:
    def test_shifts_hours_and_release_watches_per_member(self) -> None:
        s = Schedule((A, B), time(9), "UTC", 1, date(2026, 1, 1))
        start = datetime(2026, 1, 1, 9, tzinfo=UTC)
        end = start + timedelta(days=4)
        found = rules.shifts_between(s, {}, start, end)
        loads = rules.fairness(s.members, found, [(A, B), (A, None), (B, A)], start, end)
        assert [(m.member_id, m.shifts, m.hours_on_shift) for m in loads] == [
            (A, 2, 48.0),
            (B, 2, 48.0),
        ]
        assert [(m.release_primaries, m.release_secondaries) for m in loads] == [(2, 1), (1, 1)]
