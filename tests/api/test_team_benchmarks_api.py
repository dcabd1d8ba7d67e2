"""Team benchmarks through GraphQL and CSV on hand-built histories, the answers worked out here.

The cohort of three small critical teams over four weeks (March 2001):
- big (payments, 5 engineers): 10 deployments (2.5 a week, 0.5 per engineer-week), lead time
  2 h, one incident of ten (failure rate 0.1) restored in 2 h, all blue-green;
- small (payments, 2 engineers): 6 deployments (1.5 a week, 0.75 per engineer-week), lead time
  1 h, pull requests first reviewed 30 min after opening, no incident (failure rate 0), canary;
- other (another BU, 3 engineers): 4 deployments (1.0 a week, 0.33 per engineer-week), lead
  time 3 h, no incident.
Composite (mean percentile): small (100 + 100 + 50 + 100) / 4 = 87.5, the best (a quarter of
three, rounded up: one team); big (50 + 50 + 0 + 100) / 4 = 50; other (0 + 0 + 50) / 3.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest

from api.global_ids import to_global_id
from tests.api.conftest import Api
from tests.api.governance_support import new_bu
from tests.api.test_team_benchmarks_support import (
    BENCHMARK,
    BENCHMARKS,
    at,
    bench_team,
    benchmarks,
    history,
    period,
    team_of,
    year,
)

H = timedelta(hours=1)


async def _cohort(api: Api, n: int) -> dict[str, Any]:
    start, end = year(n)
    big, small = await bench_team(api, "payments", 5), await bench_team(api, "payments", 2)
    other = await bench_team(api, await new_bu(api), 3)
    await history(api, big, start, 10, lead=2 * H, strategy="blue_green", incidents=1)
    await history(api, small, start, 6, lead=H, pickup=H / 2, strategy="canary")
    await history(api, other, start, 4, lead=3 * H)
    return {"big": big, "small": small, "other": other, "period": period(start, end)}


class TestLikeTeamsAreRankedPerFigure:
    async def test_the_bigger_team_deploys_more_but_less_per_engineer(self, api: Api) -> None:
        w = await _cohort(api, 2001)

        found = await benchmarks(api, **w["period"])

        [cohort] = found["cohorts"]
        assert (cohort["key"], cohort["tier"], cohort["sizeBand"], cohort["note"]) == (
            "critical/small",
            "CRITICAL",
            "SMALL",
            None,
        )
        big, small = team_of(found, w["big"].name), team_of(found, w["small"].name)
        other = team_of(found, w["other"].name)
        assert [t["label"] for t in cohort["teams"]] == [
            small["label"],
            big["label"],
            other["label"],
        ]
        assert (big["engineers"], big["deployments"]) == (5, 10)
        assert at(big, "DEPLOYS_PER_WEEK")["value"] == 2.5
        assert at(big, "DEPLOYS_PER_WEEK")["rank"] == 1
        assert at(big, "DEPLOYS_PER_ENGINEER_WEEK")["value"] == 0.5
        assert at(big, "DEPLOYS_PER_ENGINEER_WEEK")["rank"] == 2
        assert at(small, "DEPLOYS_PER_ENGINEER_WEEK")["value"] == 0.75
        assert at(small, "DEPLOYS_PER_ENGINEER_WEEK")["rank"] == 1
        # no release planned a window for these deployments; nothing reported their origin
        assert (big["practices"]["windowShare"], big["practices"]["automationShare"]) == (0.0, None)

    async def test_lower_is_better_for_lead_time_and_a_team_without_incidents_fails_zero(
        self, api: Api
    ) -> None:
        w = await _cohort(api, 2002)

        found = await benchmarks(api, **w["period"])

        big, small = team_of(found, w["big"].name), team_of(found, w["small"].name)
        other = team_of(found, w["other"].name)
        lead = [at(t, "LEAD_TIME") for t in (small, big, other)]
        assert [(p["value"], p["rank"], p["percentile"]) for p in lead] == [
            (3600.0, 1, 100.0),
            (7200.0, 2, 50.0),
            (10800.0, 3, 0.0),
        ]
        assert all(p["lowerIsBetter"] for p in lead)
        cfr = [at(t, "CHANGE_FAILURE_RATE") for t in (small, big, other)]
        assert [(p["value"], p["rank"]) for p in cfr] == [(0.0, 1), (0.1, 3), (0.0, 1)]
        assert at(big, "RECOVERY_TIME") == {
            "metric": "RECOVERY_TIME",
            "value": 7200.0,
            "rank": 1,
            "of": 1,
            "percentile": 100.0,
            "lowerIsBetter": True,
        }
        assert at(small, "REVIEW_WAIT")["value"] == 1800.0
        assert at(big, "REVIEW_WAIT")["rank"] is None
        assert (small["composite"], big["composite"]) == (87.5, 50.0)


class TestTheBestOfTheCohortShowTheirPractices:
    async def test_a_team_sees_where_its_practices_differ_from_the_best(self, api: Api) -> None:
        w = await _cohort(api, 2003)

        data = await api.ok(BENCHMARK, {"t": w["big"].team, **w["period"]})

        b = data["teamBenchmark"]
        assert b["cohort"]["best"] == [{"label": w["small"].name}]
        words = {d["practice"]: d["words"] for d in b["differences"]}
        assert words["canary_share"] == (
            "The best in your cohort run canary for 100 % of deployments, you 0 %."
        )
        assert words["blue_green_share"] == (
            "The best in your cohort run blue-green for 0 % of deployments, you 100 %."
        )
        assert words["deploys_per_week"] == (
            "The best in your cohort deploy 1.5 times a week, you 2.5."
        )

    async def test_a_team_that_did_not_deploy_has_no_position(self, api: Api) -> None:
        start, end = year(2004)
        idle = await bench_team(api, "payments", 4)
        data = await api.ok(BENCHMARK, {"t": idle.team, **period(start, end)})
        assert data["teamBenchmark"]["team"] is None
        assert data["teamBenchmark"]["differences"] == []


class TestASmallCohortFallsBackToItsTier:
    async def test_a_lone_large_team_is_ranked_against_every_critical_team(self, api: Api) -> None:
        w = await _cohort(api, 2005)
        start, _ = year(2005)
        large = await bench_team(api, "payments", 20)
        await history(api, large, start, 20, lead=H)

        found = await benchmarks(api, **w["period"])

        keys = {c["key"]: c for c in found["cohorts"]}
        assert set(keys) == {"critical/small", "critical/any"}
        fallback = keys["critical/any"]
        assert fallback["sizeBand"] is None
        assert fallback["peers"] == 4
        assert "every critical team (4)" in fallback["note"]
        [alone] = fallback["teams"]
        assert alone["label"] == large.name
        assert at(alone, "DEPLOYS_PER_WEEK")["of"] == 4

    async def test_asking_for_one_tier_shows_only_its_cohorts(self, api: Api) -> None:
        w = await _cohort(api, 2006)
        found = await benchmarks(api, tier="INTERNAL", **w["period"])
        assert found["cohorts"] == []


class TestTeamsOfOtherBusAreAnonymised:
    async def test_a_payments_reader_sees_the_other_bus_team_without_its_name(
        self, api: Api
    ) -> None:
        w = await _cohort(api, 2007)

        found = await benchmarks(api, as_user="viewer", **w["period"])

        [cohort] = found["cohorts"]
        hidden = [t for t in cohort["teams"] if t["anonymised"]]
        assert len(hidden) == 1
        assert hidden[0]["label"] == "A team of another BU (#1)"
        assert (hidden[0]["teamId"], hidden[0]["teamKey"], hidden[0]["businessUnitId"]) == (
            None,
            None,
            None,
        )
        assert at(hidden[0], "LEAD_TIME")["rank"] == 3  # its figures still rank
        named = {t["label"] for t in cohort["teams"] if not t["anonymised"]}
        assert named == {w["big"].name, w["small"].name}
        body = json.dumps(found)
        assert w["other"].name not in body and str(w["other"].team_uid) not in body

    async def test_another_bus_team_reads_as_not_found(self, api: Api) -> None:
        w = await _cohort(api, 2008)
        body = await api.gql(BENCHMARK, {"t": w["other"].team, **w["period"]}, as_user="viewer")
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body

    async def test_asking_for_a_bu_you_cannot_read_reads_as_not_found(self, api: Api) -> None:
        w = await _cohort(api, 2012)
        body = await api.gql(
            BENCHMARKS,
            {"bu": to_global_id("BusinessUnit", w["other"].bu_uid), **w["period"]},
            as_user="viewer",
        )
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body

    async def test_one_bus_teams_are_listed_ranked_against_the_whole_cohort(self, api: Api) -> None:
        w = await _cohort(api, 2009)
        payments = await api.ok("{ businessUnits(first: 100) { nodes { id key } } }")
        bu = next(n["id"] for n in payments["businessUnits"]["nodes"] if n["key"] == "payments")
        found = await benchmarks(api, as_user="viewer", bu=bu, **w["period"])
        [cohort] = found["cohorts"]
        assert [t["label"] for t in cohort["teams"]] == [w["small"].name, w["big"].name]
        assert cohort["peers"] == 3


async def _csv(api: Api, as_user: str, **params: str) -> tuple[int, str]:
    response = await api.http.get(
        "/insights/team-benchmarks.csv",
        params=params,
        headers={"authorization": f"Bearer {api.token(as_user)}"},
    )
    return response.status_code, response.text


class TestTheBenchmarksAsCsv:
    async def test_one_row_per_team_with_its_ranks(self, api: Api) -> None:
        w = await _cohort(api, 2010)
        status, text = await _csv(api, "rmo", **w["period"])
        assert status == 200, text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["team"] for r in rows] == [w["small"].name, w["big"].name, w["other"].name]
        small = rows[0]
        assert (small["cohort"], small["engineers"], small["lead_time_value"]) == (
            "critical/small",
            "2",
            "3600",
        )
        assert (small["deploys_per_engineer_week_rank"], small["change_failure_rate_value"]) == (
            "1",
            "0",
        )

    @pytest.mark.parametrize("user, status", [("viewer", 403), ("payments-admin", 200)])
    async def test_exporting_needs_the_ledgers_export(
        self, api: Api, user: str, status: int
    ) -> None:
        w = await _cohort(api, 2011)
        found, text = await _csv(api, user, **w["period"])
        assert found == status, text
        if status == 200:
            assert w["other"].name not in text
            assert "A team of another BU (#1)" in text

    async def test_an_unknown_tier_is_refused(self, api: Api) -> None:
        status, text = await _csv(api, "rmo", tier="tier-1")
        assert status == 400, text
