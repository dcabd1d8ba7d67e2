"""Pure conflict rules: half-open overlap, each kind, severity, who moves, and symmetry."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import rules
from domain.calendar.rules import ConflictKind, Severity, WindowFacts
from domain.kernel.errors import DomainError

T0 = datetime(2026, 12, 1, tzinfo=UTC)
A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def w(start: int, end: int, **kw: object) -> WindowFacts:
    return WindowFacts(
        id=uuid.uuid4(),
        starts_at=T0 + timedelta(hours=start),
        ends_at=T0 + timedelta(hours=end),
        **kw,
    )  # type: ignore[arg-type]


class TestHalfOpenOverlap:
    def test_touching_intervals_do_not_overlap(self) -> None:
        assert not rules.overlaps(
            T0, T0 + timedelta(hours=1), T0 + timedelta(hours=1), T0 + timedelta(hours=2)
        )

    def test_a_contained_interval_overlaps(self) -> None:
        assert rules.overlaps(
            T0, T0 + timedelta(hours=3), T0 + timedelta(hours=1), T0 + timedelta(hours=2)
        )


class TestEachKindIsClassified:
    def test_same_service_blocks(self) -> None:
        [clash] = rules.classify(
            w(0, 2, service_ids=frozenset({A})), w(1, 3, service_ids=frozenset({A, B})), []
        )
        assert (clash.kind, clash.severity, clash.services) == (
            ConflictKind.SAME_SERVICE,
            Severity.BLOCKING,
            {A},
        )

    def test_a_dependency_edge_in_either_direction_warns(self) -> None:
        for edge in ((A, B), (B, A)):
            [clash] = rules.classify(
                w(0, 2, service_ids=frozenset({A})), w(1, 3, service_ids=frozenset({B})), [edge]
            )
            assert (clash.kind, clash.severity, clash.services) == (
                ConflictKind.DEPENDENCY,
                Severity.WARNING,
                {A, B},
            )

    def test_the_same_environment_informs(self) -> None:
        [clash] = rules.classify(w(0, 2, environment="prod"), w(1, 3, environment="prod"), [])
        assert (clash.kind, clash.severity) == (ConflictKind.ENVIRONMENT, Severity.INFO)

    def test_a_shared_resource_warns(self) -> None:
        [clash] = rules.classify(
            w(0, 2, resources=frozenset({"db"})), w(1, 3, resources=frozenset({"db", "x"})), []
        )
        assert (clash.kind, clash.severity, clash.resources) == (
            ConflictKind.SHARED_RESOURCE,
            Severity.WARNING,
            {"db"},
        )

    def test_windows_that_do_not_overlap_never_clash(self) -> None:
        assert (
            rules.classify(
                w(0, 2, service_ids=frozenset({A})), w(2, 3, service_ids=frozenset({A})), []
            )
            == []
        )

    def test_a_window_never_clashes_with_itself(self) -> None:
        one = w(0, 2, service_ids=frozenset({A}))
        assert rules.classify(one, one, []) == []

    def test_only_blocking_conflicts_refuse(self) -> None:
        assert rules.refuses([Severity.WARNING, Severity.BLOCKING])
        assert not rules.refuses([Severity.WARNING, Severity.INFO])


class TestTheAlignmentSaysWhoMoves:
    def test_the_lower_ranked_release_moves(self) -> None:
        assert rules.who_moves({A: 1, B: 2}, A, B) == B
        assert rules.who_moves({A: 1, B: 2}, B, A) == B

    def test_nobody_moves_when_one_is_not_ranked(self) -> None:
        assert rules.who_moves({A: 1}, A, B) is None
        assert rules.who_moves({A: 1, B: 2}, A, None) is None


class TestQuartersAndRankings:
    def test_a_quarter_is_written_like_2026_q4(self) -> None:
        assert rules.check_quarter("2026-q4") == "2026-Q4"
        assert rules.quarter_of(datetime(2026, 11, 1, tzinfo=UTC)) == "2026-Q4"
        with pytest.raises(DomainError) as refused:
            rules.check_quarter("2026-Q5")
        assert refused.value.code == "INVALID_QUARTER"

    def test_ranks_run_without_gaps_or_ties(self) -> None:
        with pytest.raises(DomainError):
            rules.check_ranking([rules.RankEntry(A, 1), rules.RankEntry(B, 1)])
        with pytest.raises(DomainError):
            rules.check_ranking([rules.RankEntry(A, 1), rules.RankEntry(A, 2)])
        assert [
            e.rank for e in rules.check_ranking([rules.RankEntry(B, 2), rules.RankEntry(A, 1)])
        ] == [1, 2]


SERVICES = [uuid.UUID(int=i) for i in range(1, 6)]
windows = st.builds(
    lambda s, d, svc, env, res: WindowFacts(
        id=uuid.uuid4(),
        starts_at=T0 + timedelta(hours=s),
        ends_at=T0 + timedelta(hours=s + d),
        service_ids=frozenset(svc),
        environment=env,
        resources=frozenset(res),
    ),
    st.integers(0, 48),
    st.integers(1, 12),
    st.sets(st.sampled_from(SERVICES), max_size=3),
    st.sampled_from([None, "prod", "staging"]),
    st.sets(st.sampled_from(["db", "dns", "mq"]), max_size=2),
)
edges = st.lists(st.tuples(st.sampled_from(SERVICES), st.sampled_from(SERVICES)), max_size=6)


def summary(clashes: list[rules.Clash]) -> set[tuple[object, ...]]:
    return {(c.kind, c.services, c.resources) for c in clashes}


class TestConflictDetectionProperties:
    @given(windows, windows, edges)
    def test_conflict_detection_is_symmetric(
        self, a: WindowFacts, b: WindowFacts, e: list[rules.Edge]
    ) -> None:
        assert summary(rules.classify(a, b, e)) == summary(rules.classify(b, a, e))

    @given(windows, windows, edges)
    def test_only_overlapping_windows_clash(
        self, a: WindowFacts, b: WindowFacts, e: list[rules.Edge]
    ) -> None:
        if not rules.overlaps(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
            assert rules.classify(a, b, e) == []

    @given(st.lists(windows, max_size=12), edges)
    def test_the_sweep_finds_exactly_the_pairwise_clashes(
        self, ws: list[WindowFacts], e: list[rules.Edge]
    ) -> None:
        swept = {(frozenset((a.id, b.id)), c.kind) for a, b, c in rules.clashes_among(ws, e)}
        brute = {
            (frozenset((a.id, b.id)), c.kind)
            for i, a in enumerate(ws)
            for b in ws[i + 1 :]
            for c in rules.classify(a, b, e)
        }
        assert swept == brute
