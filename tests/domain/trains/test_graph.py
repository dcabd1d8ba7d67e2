"""Pure graph checks: cycles, misalignment, later trains, critical path, re-planning impact."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from graphlib import CycleError, TopologicalSorter

from hypothesis import given
from hypothesis import strategies as st

from domain.trains import graph as g

T0 = datetime(2027, 1, 4, tzinfo=UTC)
TRAIN, OTHER = uuid.UUID(int=1), uuid.UUID(int=2)
TEAM_A, TEAM_B = uuid.UUID(int=3), uuid.UUID(int=4)


def pi(n: int, train: uuid.UUID = TRAIN) -> g.PiFacts:
    start = T0 + timedelta(weeks=10 * (n - 1))
    return g.PiFacts(
        uuid.UUID(int=100 * n + train.int), train, n, f"PI {n}", start, start + timedelta(weeks=10)
    )


def departure(p: g.PiFacts, week: int) -> g.DepartureFacts:
    at = p.starts_at + timedelta(weeks=week, days=4, hours=17)
    return g.DepartureFacts(uuid.UUID(int=p.id.int * 100 + week), p.train_id, p.id, f"d{week}", at)


def feature(
    n: int, p: g.PiFacts, dep: g.DepartureFacts | None = None, effort: int = 1
) -> g.FeatureFacts:
    return g.FeatureFacts(
        uuid.UUID(int=10_000 + n),
        f"F{n}",
        TEAM_A if n % 2 else TEAM_B,
        p.train_id,
        p.id,
        dep.id if dep else None,
        effort,
    )


def graph(
    features: list[g.FeatureFacts],
    edges: list[tuple[int, int]],
    pis: list[g.PiFacts],
    deps: list[g.DepartureFacts] = [],
) -> g.Graph:
    by = {f.id: f for f in features}
    ids = {int(f.title[1:]): f.id for f in features}
    return g.Graph(
        by, [(ids[c], ids[p]) for c, p in edges], {d.id: d for d in deps}, {p.id: p for p in pis}
    )


class TestFindings:
    def test_a_three_feature_cycle_is_listed_once_in_dependency_order(self) -> None:
        p = pi(1)
        fs = [feature(n, p) for n in (1, 2, 3)]
        found = g.check(graph(fs, [(1, 2), (2, 3), (3, 1)], [p]))
        assert [f.code for f in found] == [g.FindingCode.CYCLE]
        assert found[0].feature_ids == (fs[0].id, fs[1].id, fs[2].id)

    def test_a_consumer_in_an_earlier_pi_is_misaligned(self) -> None:
        p1, p2 = pi(1), pi(2)
        found = g.check(graph([feature(1, p1), feature(2, p2)], [(1, 2)], [p1, p2]))
        assert [f.code for f in found] == [g.FindingCode.MISALIGNED_PI]

    def test_a_consumer_departing_before_its_provider_on_one_train_is_misaligned(self) -> None:
        p = pi(1)
        early, late = departure(p, 1), departure(p, 3)
        fs = [feature(1, p, early), feature(2, p, late)]
        found = g.check(graph(fs, [(1, 2)], [p], [early, late]))
        assert [f.code for f in found] == [g.FindingCode.MISALIGNED_DEPARTURE]

    def test_a_provider_on_a_train_departing_later_is_reported(self) -> None:
        p, q = pi(1), pi(1, OTHER)
        mine, theirs = departure(p, 1), departure(q, 2)
        fs = [feature(1, p, mine), feature(2, q, theirs)]
        found = g.check(graph(fs, [(1, 2)], [p, q], [mine, theirs]))
        assert [f.code for f in found] == [g.FindingCode.LATER_TRAIN]

    def test_providers_delivered_first_are_fine(self) -> None:
        p1, p2 = pi(1), pi(2)
        assert g.check(graph([feature(1, p2), feature(2, p1)], [(1, 2)], [p1, p2])) == []


class TestReplanImpact:
    def test_moving_a_provider_later_drags_its_dependents_transitively(self) -> None:
        p1, p2, p3 = pi(1), pi(2), pi(3)
        fs = [feature(1, p1), feature(2, p1), feature(3, p1)]
        gr = graph(fs, [(2, 1), (3, 2)], [p1, p2, p3])
        impact = g.replan_impact(gr, fs[0].id, p3.id, None)
        assert [m.feature_id for m in impact.moves] == [fs[1].id, fs[2].id]
        assert all(m.pi_id == p3.id for m in impact.moves)
        assert impact.upstream == []

    def test_moving_a_consumer_earlier_reports_what_it_would_come_before(self) -> None:
        p1, p2 = pi(1), pi(2)
        fs = [feature(1, p2), feature(2, p2)]
        impact = g.replan_impact(graph(fs, [(1, 2)], [p1, p2]), fs[0].id, p1.id, None)
        assert [f.code for f in impact.upstream] == [g.FindingCode.MISALIGNED_PI]
        assert impact.moves == []


EDGES = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20)


def _nodes() -> list[uuid.UUID]:
    return [uuid.UUID(int=i + 1) for i in range(8)]


class TestProperties:
    @given(EDGES)
    def test_a_cycle_is_found_iff_no_topological_order_exists(
        self, raw: list[tuple[int, int]]
    ) -> None:
        nodes = _nodes()
        edges = [(nodes[c], nodes[p]) for c, p in raw if c != p]
        try:
            list(
                TopologicalSorter(
                    {n: {p for c, p in edges if c == n} for n in nodes}
                ).static_order()
            )
            orderable = True
        except CycleError:
            orderable = False
        assert bool(g.find_cycles(nodes, edges)) is not orderable
        assert bool(g.on_cycles(nodes, edges)) is not orderable
        for cycle in g.find_cycles(nodes, edges):
            assert all((a, b) in edges for a, b in zip(cycle, (*cycle[1:], cycle[0]), strict=True))

    @given(EDGES, st.lists(st.integers(0, 9), min_size=8, max_size=8))
    def test_the_critical_path_is_a_real_path_and_none_is_longer(
        self, raw: list[tuple[int, int]], efforts: list[int]
    ) -> None:
        p = pi(1)
        fs = [feature(n, p, effort=efforts[n]) for n in range(8)]
        gr = graph(fs, [(c, q) for c, q in raw if c != q], [p])
        path = g.critical_path(gr, p.id)
        edges = set(gr.edges)
        # Delivery order: each feature depends on the one before it.
        assert all(
            (b, a) in edges for a, b in zip(path.feature_ids, path.feature_ids[1:], strict=False)
        )
        assert len(set(path.feature_ids)) == len(path.feature_ids)
        assert path.effort == sum(gr.features[f].effort for f in path.feature_ids)
        cyclic = g.on_cycles(gr.features, gr.edges)
        assert not cyclic & set(path.feature_ids)
        assert path.effort >= max(
            (_longest(gr, n, cyclic) for n in gr.features if n not in cyclic), default=0
        )


def _longest(gr: g.Graph, node: uuid.UUID, cyclic: set[uuid.UUID]) -> int:
    """Brute force: the heaviest chain ending at `node` over acyclic nodes."""
    providers = [p for c, p in gr.edges if c == node and p not in cyclic]
    return gr.features[node].effort + max((_longest(gr, p, cyclic) for p in providers), default=0)
