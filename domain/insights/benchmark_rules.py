"""Team benchmarks as pure rules: each team's figures over a period, its cohort of like teams,
its position among them per figure, and what the best of the cohort do.

- Figures (`BenchmarkMetric`): deployments per engineer-week and per week, DORA's median lead
  time, change failure rate and median time to restore (`dora_rules`, DevLake's definitions),
  the median review wait (pull request opened to first review) and the bypass rate.
- Cohort: teams of the same tier band and size band. A team's tier band is the most critical
  tier among its production changes of the period (critical, then customer-facing, then
  internal): a team running one critical service among internal ones is judged as a critical
  team. Its size band is its engineers' (`SizeBand`). A cohort of fewer than `MIN_COHORT`
  teams is too small to rank in: its teams fall back to the tier-only cohort, ranked against
  every team of their tier, and the cohort says so.
- Position per figure: rank 1 is the best (lower is better except for frequency); ties share
  the better rank; `of` counts the peers that have the figure; the percentile is the share of
  the other peers with the figure that the team beats (100: better than all; a lone team 100).
  A team without a figure (no deployment, no pull request) has no position for it.
- Composite: the mean percentile over the figures a team has, absolute frequency left out
  (per engineer-week stands for it). The best of a cohort: the top quarter by composite (at
  least one team; ties by team id), whose practices are averaged and set against yours.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from domain.insights.benchmark_vocabulary import HIGHER_IS_BETTER, SizeBand
from domain.insights.benchmark_vocabulary import BenchmarkMetric as M
from domain.insights.maturity_rules import share
from domain.organization.vocabulary import Tier

MIN_COHORT = 3
"""A cohort of fewer teams falls back to its tier's."""
BEST_SHARE = 0.25
"""The share of a cohort (rounded up, at least one team) counted as its best."""
TIER_ORDER = (Tier.CRITICAL.value, Tier.CUSTOMER_FACING.value, Tier.INTERNAL.value)
SIZE_LIMITS = ((5, SizeBand.SMALL), (12, SizeBand.MEDIUM))
COMPOSITE = tuple(m for m in M if m is not M.DEPLOYS_PER_WEEK)
STRATEGIES = ("canary", "blue_green")
OTHER = "other"
SHARE_GAP = 0.10
"""A share practice differs from the best's when they are 10 points or more apart."""
PACE_GAP = 0.25
"""Deployments per week differ when yours are a quarter or more off the best's."""


@dataclass(frozen=True, slots=True)
class TeamRecord:
    """What the period recorded of one team (plain values read through the facts)."""

    team_id: uuid.UUID
    bu_id: uuid.UUID
    tiers: frozenset[str]
    engineers: int | None
    weeks: float
    deployments: int
    lead_time: timedelta | None = None
    change_failure_rate: float | None = None
    recovery_time: timedelta | None = None
    review_wait: timedelta | None = None
    bypasses: int = 0
    origins: int = 0
    """Production deployments whose origin is known (automation_facts): the denominator of
    the automation share and the bypass rate, as maturity telemetry counts them."""
    automated: int = 0
    strategies: Mapping[str, int] = field(default_factory=dict)
    """The period's deployments by strategy (the ledger's)."""
    gates: frozenset[str] = frozenset()
    """Gate keys the production stages of its services' active pipeline definitions list."""
    in_window: int = 0
    """The period's deployments that finished inside a planned window of their release."""


@dataclass(frozen=True, slots=True)
class Practices:
    deploys_per_week: float | None
    automation_share: float | None
    window_share: float | None
    strategy_shares: Mapping[str, float]
    gates: frozenset[str]


@dataclass(frozen=True, slots=True)
class Position:
    metric: M
    value: float | None
    rank: int | None
    of: int
    percentile: float | None


@dataclass(frozen=True, slots=True)
class BestPractices:
    teams: int
    deploys_per_week: float | None
    automation_share: float | None
    window_share: float | None
    strategy_shares: Mapping[str, float]
    gates: tuple[tuple[str, int], ...]
    """Each gate the best list, and how many of them list it (most first)."""


@dataclass(frozen=True, slots=True)
class Difference:
    practice: str
    best: float | None
    yours: float | None
    words: str


@dataclass(frozen=True, slots=True)
class Cohort:
    tier: str
    size_band: SizeBand | None
    """None: the tier-only cohort of teams whose own cohort was too small."""
    teams: tuple[uuid.UUID, ...]
    """The teams placed in it (listed)."""
    peers: tuple[uuid.UUID, ...]
    """The teams they are ranked against (the tier-only cohort: every team of the tier)."""
    note: str | None
    best: tuple[uuid.UUID, ...]
    best_practices: BestPractices

    @property
    def key(self) -> str:
        return f"{self.tier}/{self.size_band.value if self.size_band else 'any'}"


@dataclass(frozen=True, slots=True)
class Standing:
    team_id: uuid.UUID
    cohort: str
    tier: str
    size_band: SizeBand
    engineers: int | None
    deployments: int
    positions: tuple[Position, ...]
    composite: float | None
    practices: Practices


@dataclass(frozen=True, slots=True)
class Benchmark:
    cohorts: tuple[Cohort, ...]
    standings: Mapping[uuid.UUID, Standing]


def most_critical(tiers: Iterable[str]) -> str:
    """The most critical of these tiers (an unknown tier ranks after the known ones)."""
    order = {t: n for n, t in enumerate(TIER_ORDER)}
    return min(tiers, key=lambda t: (order.get(t, len(order)), t), default=Tier.INTERNAL.value)


def size_band(engineers: int | None) -> SizeBand:
    if not engineers:
        return SizeBand.UNKNOWN
    return next((band for limit, band in SIZE_LIMITS if engineers <= limit), SizeBand.LARGE)


def _seconds(d: timedelta | None) -> float | None:
    return None if d is None else d.total_seconds()


def figures(r: TeamRecord) -> dict[M, float | None]:
    """The team's figures (None where it has nothing to measure)."""
    per_week = r.deployments / r.weeks if r.weeks > 0 else None
    return {
        M.DEPLOYS_PER_ENGINEER_WEEK: (
            per_week / r.engineers if per_week is not None and r.engineers else None
        ),
        M.DEPLOYS_PER_WEEK: per_week,
        M.LEAD_TIME: _seconds(r.lead_time),
        M.CHANGE_FAILURE_RATE: r.change_failure_rate,
        M.RECOVERY_TIME: _seconds(r.recovery_time),
        M.REVIEW_WAIT: _seconds(r.review_wait),
        M.BYPASS_RATE: share(r.bypasses, r.origins),
    }


def practices(r: TeamRecord) -> Practices:
    total = sum(r.strategies.values())
    shares = {s: r.strategies.get(s, 0) / total for s in STRATEGIES} if total else {}
    if total:
        shares[OTHER] = 1.0 - sum(shares.values())
    return Practices(
        deploys_per_week=r.deployments / r.weeks if r.weeks > 0 else None,
        automation_share=share(r.automated, r.origins),
        window_share=share(r.in_window, r.deployments),
        strategy_shares=shares,
        gates=r.gates,
    )


def _better(metric: M, a: float, b: float) -> bool:
    return a > b if metric in HIGHER_IS_BETTER else a < b


def positions(
    table: Mapping[uuid.UUID, Mapping[M, float | None]],
) -> dict[uuid.UUID, list[Position]]:
    """Each team's position per figure among the teams of `table` (direction-aware)."""
    out: dict[uuid.UUID, list[Position]] = {team: [] for team in table}
    for metric in M:
        values = [v for f in table.values() if (v := f.get(metric)) is not None]
        n = len(values)
        for team, figs in table.items():
            mine = figs.get(metric)
            if mine is None:
                out[team].append(Position(metric, None, None, n, None))
                continue
            better = sum(_better(metric, v, mine) for v in values)
            worse = sum(_better(metric, mine, v) for v in values)
            pct = 100.0 if n == 1 else 100.0 * worse / (n - 1)
            out[team].append(Position(metric, mine, better + 1, n, pct))
    return out


def composite(ps: Iterable[Position]) -> float | None:
    """The mean percentile over the composite's figures the team has."""
    found = [p.percentile for p in ps if p.metric in COMPOSITE and p.percentile is not None]
    return sum(found) / len(found) if found else None


def _mean(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return sum(found) / len(found) if found else None


def best_practices(best: Sequence[Practices]) -> BestPractices:
    """What the best do, averaged (a share over the best that have it)."""
    mixes = [p.strategy_shares for p in best if p.strategy_shares]
    counts: dict[str, int] = {}
    for p in best:
        for gate in p.gates:
            counts[gate] = counts.get(gate, 0) + 1
    return BestPractices(
        teams=len(best),
        deploys_per_week=_mean(p.deploys_per_week for p in best),
        automation_share=_mean(p.automation_share for p in best),
        window_share=_mean(p.window_share for p in best),
        strategy_shares=(
            {s: sum(m.get(s, 0.0) for m in mixes) / len(mixes) for s in (*STRATEGIES, OTHER)}
            if mixes
            else {}
        ),
        gates=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def _pct(v: float | None) -> str:
    return "none measured" if v is None else f"{round(v * 100)} %"


def _share_gap(name: str, what: str, best: float | None, mine: float | None) -> list[Difference]:
    if best is None or (mine is not None and abs(best - mine) < SHARE_GAP):
        return []
    words = f"The best in your cohort {what} {_pct(best)} of deployments, you {_pct(mine)}."
    return [Difference(name, best, mine, words)]


def differences(mine: Practices, best: BestPractices) -> list[Difference]:
    """Where the team's practices differ from the best of its cohort, in words."""
    out: list[Difference] = []
    for strategy, what in (("canary", "run canary for"), ("blue_green", "run blue-green for")):
        out += _share_gap(
            f"{strategy}_share",
            what,
            best.strategy_shares.get(strategy),
            mine.strategy_shares.get(strategy, 0.0 if mine.strategy_shares else None),
        )
    out += _share_gap("automation_share", "automate", best.automation_share, mine.automation_share)
    out += _share_gap(
        "window_share", "release inside a planned window for", best.window_share, mine.window_share
    )
    b, y = best.deploys_per_week, mine.deploys_per_week
    if b is not None and (y is None or abs(b - y) >= PACE_GAP * max(b, y)):
        yours = "none" if y is None else f"{y:.1f}"
        out.append(
            Difference(
                "deploys_per_week",
                b,
                y,
                f"The best in your cohort deploy {b:.1f} times a week, you {yours}.",
            )
        )
    for gate, n in best.gates:
        if gate not in mine.gates and 2 * n >= best.teams:
            out.append(
                Difference(
                    f"gate:{gate}",
                    n / best.teams,
                    0.0,
                    f"{n} of the {best.teams} best in your cohort gate production on {gate}; "
                    "your pipelines do not.",
                )
            )
    return out


def _cohort(
    tier: str,
    band: SizeBand | None,
    placed: Sequence[uuid.UUID],
    peers: Sequence[uuid.UUID],
    note: str | None,
    scores: Mapping[uuid.UUID, float | None],
    practice: Mapping[uuid.UUID, Practices],
) -> Cohort:
    ranked = sorted(
        (t for t in peers if scores.get(t) is not None),
        key=lambda t: (-(scores[t] or 0.0), str(t)),
    )
    best = tuple(ranked[: max(1, math.ceil(BEST_SHARE * len(peers)))]) if ranked else ()
    return Cohort(
        tier,
        band,
        tuple(sorted(placed, key=str)),
        tuple(sorted(peers, key=str)),
        note,
        best,
        best_practices([practice[t] for t in best]),
    )


def benchmark(records: Sequence[TeamRecord], min_teams: int = MIN_COHORT) -> Benchmark:
    """The teams' cohorts, their positions and the practices of each cohort's best."""
    by_id = {r.team_id: r for r in records}
    tier = {t: most_critical(r.tiers) for t, r in by_id.items()}
    band = {t: size_band(r.engineers) for t, r in by_id.items()}
    figs = {t: figures(r) for t, r in by_id.items()}
    practice = {t: practices(r) for t, r in by_id.items()}
    groups: dict[tuple[str, SizeBand], list[uuid.UUID]] = {}
    for t in sorted(by_id, key=str):
        groups.setdefault((tier[t], band[t]), []).append(t)
    cohorts: list[tuple[Cohort, dict[uuid.UUID, list[Position]]]] = []
    fallen: dict[str, list[uuid.UUID]] = {}
    for (t_tier, t_band), teams in sorted(groups.items(), key=lambda kv: _order(*kv[0])):
        if len(teams) < min_teams:
            fallen.setdefault(t_tier, []).extend(teams)
            continue
        ps = positions({t: figs[t] for t in teams})
        scores = {t: composite(ps[t]) for t in teams}
        cohorts.append((_cohort(t_tier, t_band, teams, teams, None, scores, practice), ps))
    for t_tier, teams in sorted(fallen.items(), key=lambda kv: _order(kv[0], None)):
        peers = [t for t in by_id if tier[t] == t_tier]
        note = (
            f"Fewer than {min_teams} teams of this tier and size: ranked against every "
            f"{t_tier} team ({len(peers)})."
        )
        if len(peers) < min_teams:
            note += f" Fewer than {min_teams} even so: read the positions with care."
        ps = positions({t: figs[t] for t in peers})
        scores = {t: composite(ps[t]) for t in peers}
        cohorts.append((_cohort(t_tier, None, teams, peers, note, scores, practice), ps))
    standings: dict[uuid.UUID, Standing] = {}
    for cohort, ps in cohorts:
        for t in cohort.teams:
            standings[t] = Standing(
                t,
                cohort.key,
                tier[t],
                band[t],
                by_id[t].engineers,
                by_id[t].deployments,
                tuple(ps[t]),
                composite(ps[t]),
                practice[t],
            )
    return Benchmark(tuple(c for c, _ in cohorts), standings)


def _order(tier: str, band: SizeBand | None) -> tuple[int, int]:
    tiers = {t: n for n, t in enumerate(TIER_ORDER)}
    bands = {b: n for n, b in enumerate(SizeBand)}
    return (tiers.get(tier, len(tiers)), len(bands) if band is None else bands[band])
