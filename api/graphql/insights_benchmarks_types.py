"""Types of team benchmarks: cohorts of like teams, each team's position per figure, the
practices of the best and where a team's differ."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import strawberry

from api.global_ids import to_global_id
from api.graphql.enums import exposed
from api.graphql.organization_types import Tier
from domain.insights import benchmark_rules as rules
from domain.insights import benchmark_vocabulary as vocabulary
from domain.insights.benchmark_queries import (
    BenchmarkedTeam,
    BenchmarkView,
    CohortView,
    TeamBenchmarkView,
)

BenchmarkMetric = exposed(vocabulary.BenchmarkMetric)
TeamSizeBand = exposed(vocabulary.SizeBand, name="TeamSizeBand")


@strawberry.type(description="A team's position on one figure among its cohort's peers.")
class BenchmarkPosition:
    metric: BenchmarkMetric
    value: float | None = strawberry.field(
        description="Per week, seconds or a share (0 to 1), as the metric says; null: none."
    )
    rank: int | None = strawberry.field(description="1 is the best; ties share the better rank.")
    of: int = strawberry.field(description="The peers that have the figure.")
    percentile: float | None = strawberry.field(
        description="The share of the other peers this team beats, 0 to 100."
    )
    lower_is_better: bool

    @classmethod
    def of_position(cls, p: rules.Position) -> BenchmarkPosition:
        return cls(
            metric=BenchmarkMetric(p.metric.value),
            value=p.value,
            rank=p.rank,
            of=p.of,
            percentile=p.percentile,
            lower_is_better=p.metric not in vocabulary.HIGHER_IS_BETTER,
        )


@strawberry.type(description="A share of deployments by strategy.")
class StrategyShare:
    strategy: str = strawberry.field(description="canary, blue_green or other.")
    share: float


def _shares(shares: Mapping[str, float]) -> list[StrategyShare]:
    return [StrategyShare(strategy=s, share=v) for s, v in shares.items()]


@strawberry.type(description="What a team does: cadence, automation, strategies and gates.")
class TeamPractices:
    deploys_per_week: float | None
    automation_share: float | None = strawberry.field(
        description="The share of production deployments CI or a CD tool drove (0 to 1)."
    )
    window_share: float | None = strawberry.field(
        description="The share of its deployments finished inside a planned window of their "
        "release (0 to 1)."
    )
    strategy_mix: list[StrategyShare]
    gates: list[str] = strawberry.field(
        description="Gate keys its pipelines' production stages list."
    )

    @classmethod
    def of(cls, p: rules.Practices) -> TeamPractices:
        return cls(
            deploys_per_week=p.deploys_per_week,
            automation_share=p.automation_share,
            window_share=p.window_share,
            strategy_mix=_shares(p.strategy_shares),
            gates=sorted(p.gates),
        )


@strawberry.type(description="A gate the best of a cohort list, and how many of them do.")
class BestGate:
    gate: str
    teams: int


@strawberry.type(description="The practices of a cohort's best teams, averaged.")
class BestPractices:
    teams: int
    deploys_per_week: float | None
    automation_share: float | None
    window_share: float | None
    strategy_mix: list[StrategyShare]
    gates: list[BestGate]

    @classmethod
    def of(cls, b: rules.BestPractices) -> BestPractices:
        return cls(
            teams=b.teams,
            deploys_per_week=b.deploys_per_week,
            automation_share=b.automation_share,
            window_share=b.window_share,
            strategy_mix=_shares(b.strategy_shares),
            gates=[BestGate(gate=g, teams=n) for g, n in b.gates],
        )


@strawberry.type(
    description="A team in a benchmark; a team of a BU you may not read is anonymised: no id, "
    "key or BU, a label instead of its name."
)
class BenchmarkedTeamPosition:
    team_id: strawberry.ID | None
    team_key: str | None
    business_unit_id: strawberry.ID | None
    label: str
    anonymised: bool
    tier: Tier
    size_band: TeamSizeBand
    engineers: int | None = strawberry.field(
        description="The people of its support rotation (null: no rotation)."
    )
    deployments: int
    composite: float | None = strawberry.field(
        description="The mean percentile over its figures (absolute frequency left out)."
    )
    positions: list[BenchmarkPosition]
    practices: TeamPractices

    @classmethod
    def of(cls, t: BenchmarkedTeam) -> BenchmarkedTeamPosition:
        s, facts = t.standing, t.team
        return cls(
            team_id=None if facts is None else strawberry.ID(to_global_id("Team", facts.id)),
            team_key=None if facts is None else facts.key,
            business_unit_id=(
                None if facts is None else strawberry.ID(to_global_id("BusinessUnit", facts.bu_id))
            ),
            label=t.label,
            anonymised=facts is None,
            tier=Tier(s.tier),
            size_band=TeamSizeBand(s.size_band.value),
            engineers=s.engineers,
            deployments=s.deployments,
            composite=s.composite,
            positions=[BenchmarkPosition.of_position(p) for p in s.positions],
            practices=TeamPractices.of(s.practices),
        )


@strawberry.type(description="Teams of one tier band and size band, ranked among each other.")
class BenchmarkCohort:
    key: str = strawberry.field(description="tier/size band ('any': the tier-only cohort).")
    tier: Tier
    size_band: TeamSizeBand | None = strawberry.field(
        description="Null: the tier-only cohort of teams whose own cohort was too small."
    )
    note: str | None = strawberry.field(description="Why the cohort fell back, if it did.")
    peers: int = strawberry.field(description="How many teams the positions are among.")
    teams: list[BenchmarkedTeamPosition] = strawberry.field(description="Best first.")
    best: list[BenchmarkedTeamPosition]
    best_practices: BestPractices

    @classmethod
    def of(cls, v: CohortView) -> BenchmarkCohort:
        c = v.cohort
        return cls(
            key=c.key,
            tier=Tier(c.tier),
            size_band=None if c.size_band is None else TeamSizeBand(c.size_band.value),
            note=c.note,
            peers=len(c.peers),
            teams=[BenchmarkedTeamPosition.of(t) for t in v.teams],
            best=[BenchmarkedTeamPosition.of(t) for t in v.best],
            best_practices=BestPractices.of(c.best_practices),
        )


@strawberry.type(description="Team benchmarks of a period: cohorts of like teams.")
class TeamBenchmarks:
    start: datetime
    end: datetime
    cohorts: list[BenchmarkCohort]

    @classmethod
    def of(cls, v: BenchmarkView) -> TeamBenchmarks:
        return cls(start=v.start, end=v.end, cohorts=[BenchmarkCohort.of(c) for c in v.cohorts])


@strawberry.type(description="Where a team's practice differs from its cohort's best.")
class PracticeDifference:
    practice: str
    best: float | None
    yours: float | None
    words: str


@strawberry.type(description="One team's position in its cohort and what the best do.")
class TeamBenchmark:
    start: datetime
    end: datetime
    team_id: strawberry.ID
    team: BenchmarkedTeamPosition | None = strawberry.field(
        description="Null when the team did not deploy to production in the period."
    )
    cohort: BenchmarkCohort | None
    differences: list[PracticeDifference]

    @classmethod
    def of(cls, v: TeamBenchmarkView) -> TeamBenchmark:
        return cls(
            start=v.start,
            end=v.end,
            team_id=strawberry.ID(to_global_id("Team", v.team.id)),
            team=(
                None
                if v.standing is None
                else BenchmarkedTeamPosition.of(BenchmarkedTeam(v.team, v.team.name, v.standing))
            ),
            cohort=None if v.cohort is None else BenchmarkCohort.of(v.cohort),
            differences=[
                PracticeDifference(practice=d.practice, best=d.best, yours=d.yours, words=d.words)
                for d in v.differences
            ],
        )
