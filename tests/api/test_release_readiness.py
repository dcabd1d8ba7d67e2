"""The go/no-go dashboard: `releaseReadiness` and `departureReadiness` show, per area, the gates
of every shipped service as the release's blockers judge them, in a number of statements that
does not grow with the services, and only to whoever may read the release."""

from __future__ import annotations

from typing import Any

from domain.kernel.gates import GateKey
from domain.read.release_readiness import AREA_OF_GATE, ReadinessArea
from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_promotion_decision import world
from tests.api.test_query_cost import counting
from tests.api.test_release_blockers import _release, _three_states
from tests.api.test_trains_api import monday, train

GATE = "gate status reason evidence"
DASHBOARD = f"""verdict asOf riskLevel riskFactors {{ factor points explanation }}
  release {{ id title }} readinessReview {{ id }} goNoGoSession {{ id status }}
  areas {{ area status gates {{ service {{ id }} environment {{ id }} gate {{ {GATE} }} }} }}
  services {{ service {{ id key }} environment {{ id }} status gates {{ {GATE} }} }}"""
RELEASE = f"""query($id: ID!) {{ releaseReadiness(releaseId: $id) {{ {DASHBOARD} }} }}"""
DEPARTURE = f"""query($id: ID!) {{ departureReadiness(departureId: $id) {{ {DASHBOARD} }} }}"""
BLOCKERS = f"""query($id: ID!) {{ node(id: $id) {{ ... on Release {{
  blockers {{ service {{ id }} environment {{ id }} status gates {{ {GATE} }} }} }} }} }}"""


async def _dashboard(api: Api, release_id: str, as_user: str = "release-manager") -> Any:
    return (await api.ok(RELEASE, {"id": release_id}, as_user=as_user))["releaseReadiness"]


def _area(dashboard: dict[str, Any], area: str) -> dict[str, Any]:
    return next(a for a in dashboard["areas"] if a["area"] == area)


class TestEveryGateHasAnArea:
    def test_each_gate_of_the_decision_lands_in_exactly_one_area(self) -> None:
        assert set(AREA_OF_GATE) == set(GateKey)
        assert set(AREA_OF_GATE.values()) == set(ReadinessArea)


class TestTheDashboardShowsWhatTheDecisionSays:
    async def test_areas_hold_every_gate_of_every_service_and_the_worst_status(
        self, api: Api
    ) -> None:
        _, shipped, rel = await _three_states(api)
        board = await _dashboard(api, rel["id"])
        assert board["release"] == {"id": rel["id"], "title": rel["title"]}
        assert board["verdict"] == "REFUSED"
        assert board["riskLevel"] is not None and board["riskFactors"], board
        assert [a["area"] for a in board["areas"]] == [a.name for a in ReadinessArea]
        tests = _area(board, "TESTS")
        assert tests["status"] == "FAILED"
        failing = {
            g["service"]["id"]
            for g in tests["gates"]
            if g["gate"]["gate"] == "SECURITY_SCAN" and g["gate"]["status"] == "FAILED"
        }
        assert shipped[2] in failing and shipped[0] not in failing
        blockers = (await api.ok(BLOCKERS, {"id": rel["id"]}, as_user="release-manager"))["node"]
        shown = {
            s["service"]["id"]: {**s, "service": {"id": s["service"]["id"]}}
            for s in board["services"]
        }
        theirs = {b["service"]["id"]: b for b in blockers["blockers"]}
        assert shown == theirs
        every = [g for a in board["areas"] for g in a["gates"]]
        for service in board["services"]:
            mine = [g["gate"] for g in every if g["service"]["id"] == service["service"]["id"]]
            blocking = [g for g in mine if g["status"] in ("FAILED", "PENDING")]
            assert sorted(blocking, key=str) == sorted(service["gates"], key=str)
        for area in board["areas"]:
            statuses = {g["gate"]["status"] for g in area["gates"]}
            worst = next(
                (s for s in ("FAILED", "PENDING", "WAIVED", "PASSED") if s in statuses), None
            )
            assert area["status"] == worst, area["area"]

    async def test_a_fixed_gate_leaves_the_area_failing_only_for_the_others(self, api: Api) -> None:
        w = await world(api)
        rel = await _release(api, [w["service"]])
        board = await _dashboard(api, rel["id"])
        build = _area(board, "BUILD")
        assert {g["service"]["id"] for g in build["gates"]} <= {w["service"]}
        assert board["verdict"] in ("REFUSED", "WAITING")


class TestTheStatementBudget:
    async def test_thirty_services_read_as_many_statements_as_three(self, api: Api) -> None:
        w = await world(api)
        counts = []
        for more in (2, 29):
            shipped = [w["service"], *await services(api, "payments", more)]
            rel = await _release(api, shipped)
            with counting(api) as statements:
                board = await _dashboard(api, rel["id"])
            envs = {s["environment"]["id"] for s in board["services"]}
            assert w["env"]["id"] in envs
            assert len(board["services"]) == len(shipped) * len(envs)
            assert all(a["gates"] for a in board["areas"] if a["status"] is not None)
            counts.append(len(statements))
        three, thirty = counts
        assert thirty == three, (three, thirty)
        assert three <= 70, three


class TestWhoSeesTheDashboard:
    async def test_someone_outside_the_release_bu_finds_no_release(self, api: Api) -> None:
        w = await world(api)
        body = await api.gql(RELEASE, {"id": w["release"]["id"]}, as_user="retail-admin")
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
        assert body.get("data") is None, body

    async def test_every_role_of_the_bu_sees_the_same_dashboard(self, api: Api) -> None:
        w = await world(api)
        seen = {}
        for user in ("release-manager", "viewer", "engineer", "auditor"):
            board = await _dashboard(api, w["release"]["id"], as_user=user)
            seen[user] = (board["verdict"], [(a["area"], a["status"]) for a in board["areas"]])
        assert len(set(map(str, seen.values()))) == 1, seen

    async def test_a_wrong_id_type_is_a_clear_error(self, api: Api) -> None:
        w = await world(api)
        body = await api.gql(RELEASE, {"id": w["service"]}, as_user="release-manager")
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


class TestTheDepartureDashboard:
    async def test_every_release_boarded_is_on_the_dashboard(self, api: Api) -> None:
        w = await world(api)
        second = await _release(api, [w["service"], *await services(api, "payments", 2)])
        ctx = await train(api, starts_on=monday(2), pis=1)
        departure = ctx["departures"][0]["id"]
        for rel in (w["release"], second):
            boarded = await api.ok(
                """mutation($i: DepartureBoardInput!) { departureBoard(input: $i) {
                  errors { code } } }""",
                {"i": {"departureId": departure, "releaseId": rel["id"]}},
            )
            assert boarded["departureBoard"]["errors"] == [], boarded
        found = (await api.ok(DEPARTURE, {"id": departure}, as_user="release-manager"))[
            "departureReadiness"
        ]
        assert sorted(d["release"]["id"] for d in found) == sorted(
            [w["release"]["id"], second["id"]]
        )
        for board in found:
            alone = await _dashboard(api, board["release"]["id"])
            assert board["verdict"] == alone["verdict"]
            assert len(board["services"]) == len(alone["services"])
        outside = await api.gql(DEPARTURE, {"id": departure}, as_user="retail-admin")
        assert outside["errors"][0]["extensions"]["code"] == "NOT_FOUND", outside
