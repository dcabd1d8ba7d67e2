"""Team benchmarks: every team that deployed to production ranked among like teams (same tier
band and size band), with the practices of each cohort's best (readers of the change ledger;
teams of BUs you may not read appear anonymised)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.insights_benchmarks_types import TeamBenchmark, TeamBenchmarks
from api.graphql.insights_ledger import caught_up
from api.graphql.organization_types import Tier
from api.graphql.relay import from_global_id, from_optional_global_id
from domain.insights import benchmark_queries as q
from domain.insights import dora_queries


@strawberry.type
class TeamBenchmarksQuery:
    @strawberry.field(
        description="The cohorts of [since, until) (default: the 90 days up to now): teams of "
        "one tier band and size band ranked per figure, with their best's practices; one "
        "tier's cohorts, or one BU's teams (ranked against the whole cohort), when asked."
    )
    async def team_benchmarks(
        self,
        info: Info,
        since: datetime | None = None,
        until: datetime | None = None,
        tier: Tier | None = None,
        business_unit_id: strawberry.ID | None = None,
    ) -> TeamBenchmarks:
        start, end = dora_queries.period(since, until, info.context.runtime.clock.now())
        bu = from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
        await caught_up(info)
        async with info.context.reader() as r:
            view = await q.team_benchmarks(
                r, start, end, tier=None if tier is None else tier.value, bu_id=bu
            )
        return TeamBenchmarks.of(view)

    @strawberry.field(
        description="One team's position in its cohort over [since, until), the practices of "
        "the cohort's best and where the team's differ."
    )
    async def team_benchmark(
        self,
        info: Info,
        team_id: strawberry.ID,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> TeamBenchmark:
        start, end = dora_queries.period(since, until, info.context.runtime.clock.now())
        team = from_global_id(team_id, "Team", "teamId")
        await caught_up(info)
        async with info.context.reader() as r:
            view = await q.team_benchmark(r, team, start, end)
        return TeamBenchmark.of(view)
