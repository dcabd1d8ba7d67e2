"""Team benchmarks cost the same statements for three teams as for nine (with rotations,
histories and incidents), whether asked for every cohort or for one team."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.api.test_query_cost import fewest
from tests.api.test_team_benchmarks_support import (
    BENCHMARK,
    BENCHMARKS,
    BenchTeam,
    bench_team,
    history,
    period,
    year,
)


async def _teams(api: Api, n: int, first_year: int) -> tuple[list[BenchTeam], dict[str, str]]:
    start, end = year(first_year)
    made = []
    for k in range(n):
        t = await bench_team(api, "payments", 2 + k % 3)
        await history(api, t, start, 3 + k, lead=timedelta(hours=k + 1), incidents=k % 2)
        made.append(t)
    return made, period(start, end)


class TestTeamBenchmarksCostConstantStatements:
    async def test_every_cohort_costs_the_same_for_more_teams(self, api: Api) -> None:
        _, few_period = await _teams(api, 3, 2020)
        _, many_period = await _teams(api, 9, 2021)

        def ask(p: dict[str, str]):  # type: ignore[no-untyped-def]
            return lambda: api.ok(BENCHMARKS, p)

        await ask(few_period)()  # warm: token, person and grant lookups
        _, few = await fewest(api, ask(few_period))
        data, many = await fewest(api, ask(many_period))
        assert sum(len(c["teams"]) for c in data["teamBenchmarks"]["cohorts"]) == 9
        assert many == few, (few, many)

    async def test_one_team_costs_the_same_in_a_bigger_cohort(self, api: Api) -> None:
        few_teams, few_period = await _teams(api, 3, 2022)
        many_teams, many_period = await _teams(api, 9, 2023)

        def ask(t: BenchTeam, p: dict[str, str]):  # type: ignore[no-untyped-def]
            return lambda: api.ok(BENCHMARK, {"t": t.team, **p})

        await ask(few_teams[0], few_period)()
        _, few = await fewest(api, ask(few_teams[0], few_period))
        _, many = await fewest(api, ask(many_teams[0], many_period))
        assert many == few, (few, many)
