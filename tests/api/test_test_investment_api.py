"""Test investment through GraphQL on a hand-built history (tests/api/test_test_investment_support):
the answers are worked out beside each assertion."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_test_investment_support import INVESTMENT, history, investment


def _recency(h: object) -> float:
    """A defect found a day before `until` (plus a minute) with a half-life of 30 days."""
    age = (h.until - h.found).total_seconds() / 86400  # type: ignore[attr-defined]
    return float(0.5 ** (age / 30))


class TestWhereDefectsEscapeAndWhereTestsAreMissing:
    async def test_the_covered_unit_layer_ranks_first_and_the_missing_integration_suite_second(
        self, api: Api
    ) -> None:
        h = await history(api)

        found = await investment(api, h.ask())

        assert (found["coverageThresholdPercent"], found["minWeightedDefects"]) == (70.0, 2.0)
        assert found["severityWeights"] == {"critical": 8.0, "high": 4.0, "medium": 2.0, "low": 1.0}
        first, second = found["suggestions"]
        assert (first["rank"], second["rank"]) == (1, 2)
        ledger, checkout = first["row"], second["row"]
        # 3 high x 4 = 12, by recency, over 1 + 90 / 100
        assert (ledger["component"], ledger["escapedLayer"], ledger["classification"]) == (
            "ledger",
            "UNIT",
            "ESCAPES_DESPITE_COVERAGE",
        )
        assert ledger["weightedDefects"] == 12.0
        assert ledger["score"] == round(12 * _recency(h) / 1.9, 4)
        assert (ledger["productionDeployments"], ledger["defectsPer100Deployments"]) == (4, 75.0)
        ev = ledger["layerEvidence"]
        assert (ev["suites"], ev["runs"], ev["latestCoveragePercent"]) == (["unit-tests"], 2, 90.0)
        assert ev["medianCoveragePercent"] == 87.5
        assert [e["id"] for e in ev["evidence"]] == h.unit_runs
        assert sorted(d["id"] for d in ledger["defects"]) == sorted(h.defects["ledger"])
        assert len(ledger["deployments"]) == 4
        assert ledger["unmappedSuites"] == ["smoke"]
        # 2 medium x 2 = 4, no integration suite ran: over 1
        assert (checkout["component"], checkout["classification"]) == (
            "checkout",
            "COVERAGE_MISSING",
        )
        assert checkout["score"] == round(4 * _recency(h), 4)
        assert checkout["layerEvidence"]["runs"] == 0
        assert "no integration suite ran" in checkout["reason"]
        # the second service has no defect: no row, nothing suggested
        assert {r["service"]["id"] for r in found["rows"]} == {h.w.services[0]}

    async def test_flat_severity_weights_switch_the_ranking(self, api: Api) -> None:
        h = await history(api)
        flat = {"critical": 1, "high": 1, "medium": 1, "low": 1}

        found = await investment(api, h.ask(severityWeights=flat))

        # ledger 3 / 1.9 = 1.58 (by recency); checkout 2 / 1 = 2 (by recency)
        assert [s["row"]["component"] for s in found["suggestions"]] == ["checkout", "ledger"]

    async def test_a_coverage_threshold_above_90_makes_the_unit_layer_coverage_missing(
        self, api: Api
    ) -> None:
        h = await history(api)

        found = await investment(api, h.ask(coverageThresholdPercent=95))

        ledger = next(r for r in found["rows"] if r["component"] == "ledger")
        assert ledger["classification"] == "COVERAGE_MISSING"
        assert "cover 90 % (below 95 %)" in ledger["reason"]

    async def test_a_service_with_no_defect_suggests_nothing(self, api: Api) -> None:
        h = await history(api)

        found = await investment(api, {**h.ask(), "s": {"serviceId": h.w.services[1]}})

        assert (found["rows"], found["suggestions"]) == ([], [])

    async def test_a_threshold_out_of_bounds_is_refused(self, api: Api) -> None:
        h = await history(api)

        body = await api.gql(INVESTMENT, h.ask(coverageThresholdPercent=120))

        assert body["data"] is None and "coverageThresholdPercent" in str(body["errors"])


class TestTheScopeNarrowsTheDefects:
    async def test_by_team_the_services_team_sees_its_rows_and_another_team_none(
        self, api: Api
    ) -> None:
        h = await history(api)
        team_of = "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }"
        team = (await api.ok(team_of, {"id": h.w.services[0]}))["node"]["team"]["id"]
        other = await history(api)
        other_team = (await api.ok(team_of, {"id": other.w.services[0]}))["node"]["team"]["id"]

        mine = await investment(api, {**h.ask(), "s": {"teamId": team}})
        theirs = await investment(api, {**h.ask(), "s": {"teamId": other_team}})

        assert sorted(r["component"] for r in mine["rows"]) == ["checkout", "ledger"]
        assert {r["service"]["id"] for r in theirs["rows"]} == {other.w.services[0]}
