"""Team benchmarks' rules over hand-built records, the answers worked out here."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.insights import benchmark_rules as rules
from domain.insights.benchmark_vocabulary import BenchmarkMetric as M
from domain.insights.benchmark_vocabulary import SizeBand

BU = uuid.uuid4()


def team(n: int, **kw: Any) -> rules.TeamRecord:
    values: dict[str, Any] = {
        "team_id": uuid.UUID(int=n),
        "bu_id": BU,
        "tiers": frozenset({"critical"}),
        "engineers": 4,
        "weeks": 4.0,
        "deployments": 8,
    } | kw
    return rules.TeamRecord(**values)


def position(b: rules.Benchmark, n: int, metric: M) -> rules.Position:
    return next(p for p in b.standings[uuid.UUID(int=n)].positions if p.metric is metric)


class TestTeamSizeIsNormalisedAway:
    def test_the_bigger_team_deploys_more_but_less_per_engineer(self) -> None:
        # two tier-1 teams of the small band over 4 weeks (a cohort of two: minimum lowered)
        big = team(1, engineers=5, deployments=20)  # 5 a week, 1.0 per engineer-week
        small = team(2, engineers=2, deployments=12)  # 3 a week, 1.5 per engineer-week
        b = rules.benchmark([big, small], min_teams=2)

        assert [c.key for c in b.cohorts] == ["critical/small"]
        assert position(b, 1, M.DEPLOYS_PER_WEEK).value == 5.0
        assert position(b, 2, M.DEPLOYS_PER_WEEK).value == 3.0
        assert position(b, 1, M.DEPLOYS_PER_WEEK).rank == 1
        assert position(b, 1, M.DEPLOYS_PER_ENGINEER_WEEK).value == 1.0
        assert position(b, 2, M.DEPLOYS_PER_ENGINEER_WEEK).value == 1.5
        assert position(b, 2, M.DEPLOYS_PER_ENGINEER_WEEK).rank == 1
        assert position(b, 1, M.DEPLOYS_PER_ENGINEER_WEEK).rank == 2

    def test_a_team_without_a_rotation_has_no_per_engineer_figure(self) -> None:
        b = rules.benchmark([team(1, engineers=None)], min_teams=1)
        assert b.standings[uuid.UUID(int=1)].size_band is SizeBand.UNKNOWN
        assert position(b, 1, M.DEPLOYS_PER_ENGINEER_WEEK).value is None
        assert position(b, 1, M.DEPLOYS_PER_WEEK).value == 2.0


class TestRanksKnowWhichWayIsBetter:
    def test_lower_lead_time_ranks_first_higher_frequency_ranks_first(self) -> None:
        hours = timedelta(hours=1)
        b = rules.benchmark(
            [
                team(1, lead_time=10 * hours, deployments=4),
                team(2, lead_time=2 * hours, deployments=8),
                team(3, lead_time=5 * hours, deployments=8),
            ]
        )
        lead = [position(b, n, M.LEAD_TIME) for n in (1, 2, 3)]
        assert [(p.rank, p.of, p.percentile) for p in lead] == [
            (3, 3, 0.0),
            (1, 3, 100.0),
            (2, 3, 50.0),
        ]
        freq = [position(b, n, M.DEPLOYS_PER_WEEK) for n in (1, 2, 3)]
        # teams 2 and 3 tie at 2 a week: both first, each beating one of the two others
        assert [(p.rank, p.percentile) for p in freq] == [(3, 0.0), (1, 50.0), (1, 50.0)]

    @pytest.mark.parametrize("rate, rank", [(0.0, 1), (0.5, 2)])
    def test_a_team_with_no_incident_has_a_failure_rate_of_zero_and_ranks_first(
        self, rate: float, rank: int
    ) -> None:
        b = rules.benchmark(
            [team(1, change_failure_rate=rate), team(2, change_failure_rate=0.25), team(3)]
        )
        p = position(b, 1, M.CHANGE_FAILURE_RATE)
        assert (p.value, p.rank, p.of) == (rate, rank, 2)
        # team 3 has no figure (nothing deployed that could fail is not a 0): no position
        assert position(b, 3, M.CHANGE_FAILURE_RATE).rank is None

    def test_the_bypass_rate_is_bypasses_per_deployment(self) -> None:
        b = rules.benchmark([team(1, bypasses=1, origins=4)], min_teams=1)
        assert position(b, 1, M.BYPASS_RATE).value == 0.25


class TestSmallCohortsFallBackToTheirTier:
    def test_two_large_critical_teams_are_ranked_against_every_critical_team(self) -> None:
        records = [
            team(1),
            team(2),
            team(3),
            team(4, engineers=20),
            team(5, engineers=30, deployments=40),
            team(6, tiers=frozenset({"internal"})),
        ]
        b = rules.benchmark(records)

        keys = {c.key: c for c in b.cohorts}
        assert set(keys) == {"critical/small", "critical/any", "internal/any"}
        fallback = keys["critical/any"]
        assert fallback.teams == (uuid.UUID(int=4), uuid.UUID(int=5))
        assert len(fallback.peers) == 5
        assert fallback.note is not None and "every critical team (5)" in fallback.note
        assert "with care" in (keys["internal/any"].note or "")
        assert b.standings[uuid.UUID(int=5)].cohort == "critical/any"
        assert position(b, 5, M.DEPLOYS_PER_WEEK).of == 5

    def test_a_team_is_placed_by_its_most_critical_tier(self) -> None:
        b = rules.benchmark([team(1, tiers=frozenset({"internal", "critical"}))], min_teams=1)
        assert b.standings[uuid.UUID(int=1)].tier == "critical"


class TestThePracticesOfTheBest:
    def test_the_best_run_canary_and_a_gate_the_viewed_team_does_not(self) -> None:
        hour = timedelta(hours=1)
        best = team(
            1,
            lead_time=hour,
            change_failure_rate=0.0,
            strategies={"canary": 8, "": 2},
            origins=10,
            automated=10,
            gates=frozenset({"security_scan"}),
            in_window=8,
        )
        middle = team(2, lead_time=2 * hour, change_failure_rate=0.1, strategies={"canary": 5})
        worst = team(
            3,
            lead_time=9 * hour,
            change_failure_rate=0.5,
            strategies={"canary": 1, "blue_green": 0, "": 9},
            origins=10,
            automated=3,
        )
        b = rules.benchmark([best, middle, worst])
        [cohort] = b.cohorts
        assert cohort.best == (uuid.UUID(int=1),)
        assert cohort.best_practices.strategy_shares["canary"] == 0.8
        mine = b.standings[uuid.UUID(int=3)].practices
        found = {d.practice: d for d in rules.differences(mine, cohort.best_practices)}
        assert found["canary_share"].words == (
            "The best in your cohort run canary for 80 % of deployments, you 10 %."
        )
        assert found["automation_share"].words == (
            "The best in your cohort automate 100 % of deployments, you 30 %."
        )
        assert found["window_share"].words == (
            "The best in your cohort release inside a planned window for 100 % of deployments, "
            "you 0 %."
        )
        assert (found["gate:security_scan"].best, found["gate:security_scan"].yours) == (1.0, 0.0)
        assert "blue_green_share" not in found  # nobody runs it
        assert "deploys_per_week" not in found  # the same pace


class TestPositionsHoldForAnyFigures:
    @given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12))
    def test_the_best_ranks_first_and_percentiles_stay_in_range(self, values: list[float]) -> None:
        table = {
            uuid.UUID(int=n): {M.LEAD_TIME: v, M.DEPLOYS_PER_WEEK: v} for n, v in enumerate(values)
        }
        found = rules.positions(table)
        for team, figs in table.items():
            lead, freq = (
                next(p for p in found[team] if p.metric is m)
                for m in (M.LEAD_TIME, M.DEPLOYS_PER_WEEK)
            )
            assert lead.rank is not None and freq.rank is not None
            assert 1 <= lead.rank <= len(values) and lead.of == len(values)
            assert 0.0 <= (lead.percentile or 0.0) <= 100.0
            # lower is better for lead time, higher for frequency
            assert (lead.rank == 1) is (figs[M.LEAD_TIME] == min(values))
            assert (freq.rank == 1) is (figs[M.DEPLOYS_PER_WEEK] == max(values))
