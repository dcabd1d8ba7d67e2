"""Pure checks of the feature dependency graph over (features, dependencies, departures, PIs).

An edge (consumer, provider) reads "consumer depends on provider": the provider must be
delivered first. A feature's *planned moment* is its departure's time when it has one, else
the end of its PI (the latest it can be delivered).

Findings, per edge, the first rule that applies:

- CYCLE: features depend on each other in a circle; each elementary cycle is listed, in
  dependency order, up to MAX_CYCLES.
- MISALIGNED_PI: the consumer's PI ends before the provider's PI ends.
- MISALIGNED_DEPARTURE: same train, both on departures, the consumer departs before the
  provider.
- LATER_TRAIN: the provider is on another train and rides (its departure, else its train's
  first scheduled departure in its PI) after the consumer's planned moment.

The critical path of a PI is the longest chain of dependencies among the PI's features, in
delivery order (provider first), measured by total effort; ties go to the chain with more
features, then to the lexicographically smallest list of feature ids. Features on a cycle are
left out of it (the CYCLE finding says why).

Re-planning impact: after moving one feature, every feature that depends on a moved feature
through an edge that is now a finding must move too. It is assumed to move to the earliest PI
of its own train that ends no earlier than its provider's PI, onto that PI's first scheduled
departure at or after the provider rides (or no departure), and its own dependents are checked
in turn (transitively).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from graphlib import TopologicalSorter

MAX_CYCLES = 50
MAX_GRAPH_FEATURES = 2000
Edge = tuple[uuid.UUID, uuid.UUID]
"""(consumer, provider)"""


class FindingCode(StrEnum):
    CYCLE = "CYCLE"
    MISALIGNED_PI = "MISALIGNED_PI"
    MISALIGNED_DEPARTURE = "MISALIGNED_DEPARTURE"
    LATER_TRAIN = "LATER_TRAIN"


@dataclass(frozen=True, slots=True)
class PiFacts:
    id: uuid.UUID
    train_id: uuid.UUID
    seq: int
    name: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class DepartureFacts:
    id: uuid.UUID
    train_id: uuid.UUID
    pi_id: uuid.UUID
    code: str
    departs_at: datetime
    scheduled: bool = True


@dataclass(frozen=True, slots=True)
class FeatureFacts:
    id: uuid.UUID
    title: str
    team_id: uuid.UUID
    train_id: uuid.UUID
    pi_id: uuid.UUID
    departure_id: uuid.UUID | None = None
    effort: int = 1


@dataclass(frozen=True, slots=True)
class Graph:
    features: Mapping[uuid.UUID, FeatureFacts]
    edges: Sequence[Edge]
    departures: Mapping[uuid.UUID, DepartureFacts] = field(default_factory=dict)
    pis: Mapping[uuid.UUID, PiFacts] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Finding:
    code: FindingCode
    message: str
    feature_ids: tuple[uuid.UUID, ...]
    """An edge's (consumer, provider), or a cycle's features in dependency order."""


@dataclass(frozen=True, slots=True)
class CriticalPath:
    pi_id: uuid.UUID
    feature_ids: tuple[uuid.UUID, ...]
    effort: int


@dataclass(frozen=True, slots=True)
class Move:
    feature_id: uuid.UUID
    because_of: uuid.UUID
    finding: Finding
    pi_id: uuid.UUID | None
    departure_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class ReplanImpact:
    upstream: list[Finding]
    """Findings of the moved feature against what it depends on, after the move."""
    moves: list[Move]
    """Features that would have to move too, nearest first."""


def _succ(nodes: Iterable[uuid.UUID], edges: Iterable[Edge]) -> dict[uuid.UUID, list[uuid.UUID]]:
    keep = set(nodes)
    out: dict[uuid.UUID, list[uuid.UUID]] = {n: [] for n in keep}
    for c, p in edges:
        if c in keep and p in keep:
            out[c].append(p)
    return {n: sorted(set(v), key=str) for n, v in out.items()}


def find_cycles(
    nodes: Iterable[uuid.UUID], edges: Iterable[Edge], cap: int = MAX_CYCLES
) -> list[tuple[uuid.UUID, ...]]:
    """Elementary cycles, each starting at its smallest id and listed once (at most `cap`)."""
    succ = _succ(nodes, edges)
    order = sorted(succ, key=str)
    rank = {n: i for i, n in enumerate(order)}
    found: list[tuple[uuid.UUID, ...]] = []
    for start in order:
        stack: list[tuple[uuid.UUID, int]] = [(start, 0)]
        path = [start]
        on_path = {start}
        while stack and len(found) < cap:
            node, i = stack[-1]
            nexts = succ[node]
            if i >= len(nexts):
                stack.pop()
                on_path.discard(path.pop())
                continue
            stack[-1] = (node, i + 1)
            w = nexts[i]
            if w == start:
                found.append(tuple(path))
            elif rank[w] > rank[start] and w not in on_path:
                stack.append((w, 0))
                path.append(w)
                on_path.add(w)
        if len(found) >= cap:
            break
    return found


def on_cycles(nodes: Iterable[uuid.UUID], edges: Iterable[Edge]) -> set[uuid.UUID]:
    """Every node on some cycle: what a topological sort cannot place."""
    succ = _succ(nodes, edges)
    pred: dict[uuid.UUID, set[uuid.UUID]] = {n: set() for n in succ}
    for n, ps in succ.items():
        for p in ps:
            pred[p].add(n)
    # Peel off nodes with no successors (sinks) or no predecessors (sources) until none are left.
    alive = set(succ)
    out_deg = {n: len(succ[n]) for n in succ}
    in_deg = {n: len(pred[n]) for n in succ}
    queue = [n for n in alive if out_deg[n] == 0 or in_deg[n] == 0]
    while queue:
        n = queue.pop()
        if n not in alive:
            continue
        alive.discard(n)
        for p in succ[n]:
            if p in alive:
                in_deg[p] -= 1
                if in_deg[p] == 0:
                    queue.append(p)
        for c in pred[n]:
            if c in alive:
                out_deg[c] -= 1
                if out_deg[c] == 0:
                    queue.append(c)
    return alive


def _moment(g: Graph, f: FeatureFacts) -> datetime:
    d = g.departures.get(f.departure_id) if f.departure_id else None
    return d.departs_at if d else g.pis[f.pi_id].ends_at


def _rides(g: Graph, f: FeatureFacts) -> datetime | None:
    if f.departure_id is not None and f.departure_id in g.departures:
        return g.departures[f.departure_id].departs_at
    times = [
        d.departs_at
        for d in g.departures.values()
        if d.pi_id == f.pi_id and d.train_id == f.train_id and d.scheduled
    ]
    return min(times, default=None)


def edge_finding(g: Graph, consumer: uuid.UUID, provider: uuid.UUID) -> Finding | None:
    """What is wrong with one dependency edge, if anything (the table above, CYCLE aside)."""
    c, p = g.features[consumer], g.features[provider]
    pc, pp = g.pis[c.pi_id], g.pis[p.pi_id]
    ids = (consumer, provider)
    if pc.ends_at < pp.ends_at:
        return Finding(
            FindingCode.MISALIGNED_PI,
            f"'{c.title}' is planned for {pc.name}, which ends before {pp.name} of "
            f"'{p.title}', which it depends on.",
            ids,
        )
    dc = g.departures.get(c.departure_id) if c.departure_id else None
    dp = g.departures.get(p.departure_id) if p.departure_id else None
    if c.train_id == p.train_id:
        if dc and dp and dc.departs_at < dp.departs_at:
            return Finding(
                FindingCode.MISALIGNED_DEPARTURE,
                f"'{c.title}' departs on {dc.code}, before '{p.title}', which it depends on, "
                f"departs on {dp.code}.",
                ids,
            )
        return None
    rides, need = _rides(g, p), _moment(g, c)
    if rides is not None and rides > need:
        return Finding(
            FindingCode.LATER_TRAIN,
            f"'{c.title}' depends on '{p.title}' of another train, which departs "
            f"{rides:%Y-%m-%d %H:%M} UTC, after '{c.title}' is due ({need:%Y-%m-%d %H:%M} UTC).",
            ids,
        )
    return None


def check(g: Graph) -> list[Finding]:
    """Every finding of the graph: cycles first, then edges in (consumer, provider) order."""
    out = [
        Finding(
            FindingCode.CYCLE,
            "A dependency cycle: "
            + " → ".join(f"'{g.features[n].title}'" for n in (*cycle, cycle[0]))
            + " (each depends on the next).",
            cycle,
        )
        for cycle in find_cycles(g.features, g.edges)
    ]
    for c, p in sorted(set(g.edges), key=lambda e: (str(e[0]), str(e[1]))):
        if c in g.features and p in g.features:
            finding = edge_finding(g, c, p)
            if finding is not None:
                out.append(finding)
    return out


def critical_path(g: Graph, pi_id: uuid.UUID) -> CriticalPath:
    """The longest chain of dependencies among a PI's features by total effort (see above)."""
    members = {f.id for f in g.features.values() if f.pi_id == pi_id}
    inner = [(c, p) for c, p in g.edges if c in members and p in members and c != p]
    nodes = members - on_cycles(members, inner)
    providers: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for c, p in inner:
        if c in nodes and p in nodes:
            providers[c].add(p)
    best: dict[uuid.UUID, tuple[int, int, tuple[str, ...], tuple[uuid.UUID, ...]]] = {}
    sorter = TopologicalSorter({n: providers.get(n, set()) for n in nodes})
    for n in sorter.static_order():
        effort = g.features[n].effort
        options = [(0, 0, (), ())] + [best[p] for p in providers.get(n, ())]
        e, k, key, path = max(options, key=_rank)
        best[n] = (e + effort, k + 1, (*key, str(n)), (*path, n))
    if not best:
        return CriticalPath(pi_id, (), 0)
    e, _, _, path = max(best.values(), key=_rank)
    return CriticalPath(pi_id, path, e)


def _rank(
    option: tuple[int, int, tuple[str, ...], tuple[uuid.UUID, ...]],
) -> tuple[int, int, tuple[tuple[int, ...], ...]]:
    effort, count, key, _ = option
    # Smallest ids win ties: negate the characters so `max` prefers them.
    return effort, count, tuple(tuple(-ord(ch) for ch in k) for k in key)


def _realign(g: Graph, c: FeatureFacts, p: FeatureFacts) -> FeatureFacts | None:
    """The earliest plan of `c` on its own train that no longer comes before `p`."""
    target = g.pis[p.pi_id].ends_at
    pis = sorted(
        (x for x in g.pis.values() if x.train_id == c.train_id and x.ends_at >= target),
        key=lambda x: x.starts_at,
    )
    if not pis:
        return None
    rides = _rides(g, p) or target
    departures = sorted(
        (
            d
            for d in g.departures.values()
            if d.pi_id == pis[0].id and d.scheduled and d.departs_at >= rides
        ),
        key=lambda d: d.departs_at,
    )
    return replace(c, pi_id=pis[0].id, departure_id=departures[0].id if departures else None)


def replan_impact(
    g: Graph, feature_id: uuid.UUID, pi_id: uuid.UUID, departure_id: uuid.UUID | None
) -> ReplanImpact:
    """What else has to move if one feature is re-planned (transitive dependents), and what
    the moved feature itself would then come before."""
    moved = replace(
        g.features[feature_id],
        pi_id=pi_id,
        departure_id=departure_id,
        train_id=g.pis[pi_id].train_id,
    )
    features = dict(g.features)
    features[feature_id] = moved
    current = replace(g, features=features)
    upstream = [
        f
        for c, p in g.edges
        if c == feature_id and p != feature_id
        if (f := edge_finding(current, c, p)) is not None
    ]
    consumers: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for c, p in g.edges:
        consumers[p].append(c)
    moves: list[Move] = []
    seen = {feature_id}
    queue = [feature_id]
    while queue:
        provider = queue.pop(0)
        for c in sorted(consumers.get(provider, []), key=str):
            if c in seen or c not in features:
                continue
            finding = edge_finding(current, c, provider)
            if finding is None:
                continue
            seen.add(c)
            plan = _realign(current, features[c], features[provider])
            moves.append(
                Move(
                    c,
                    provider,
                    finding,
                    plan.pi_id if plan else None,
                    plan.departure_id if plan else None,
                )
            )
            if plan is not None:
                features[c] = plan
                current = replace(current, features=features)
                queue.append(c)
    return ReplanImpact(upstream, moves)
