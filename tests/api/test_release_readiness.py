"""The go/no-go dashboard: `releaseReadiness` and `departureReadiness` show, per area, the gates
of every shipped service as the release's blockers judge them, in a number of statements that
does not grow with the services, and only to whoever may read the release."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from demo.calendar import load_calendar_demo
from demo.organization import load_demo
from demo.unauthorized import load_unauthorized_demo
from demo.world import load_world
from domain.kernel.access import Action, Resource
from domain.kernel.gates import GateKey
from domain.migrations import upgrade_async
from domain.read.release_readiness import AREA_OF_GATE, ReadinessArea
from tests.api.conftest import Api, serving_demo, settings_for
from tests.api.governance_support import services
from tests.api.test_promotion_decision import world
from tests.api.test_query_cost import fewest
from tests.api.test_release_blockers import _release, _three_states
from tests.api.test_trains_api import monday, train
from tests.conftest import DIALECTS, scratch_postgres

GATE = "gate status reason evidence"
DASHBOARD = f"""verdict asOf riskLevel riskFactors {{ factor points explanation }}
  release {{ id title }} readinessReview {{ id }} goNoGoSession {{ id status }}
  openIncidents {{ totalCount nodes {{ id detectedAt service {{ id }} }} }}
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


@pytest.fixture(scope="module", params=DIALECTS)
async def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Api]:
    """This file's app, on databases of its own (a SQLite file; a scratch PostgreSQL database)
    holding the demo organization. A release that names no environment targets every active
    production environment of its BU, and the shared database gives the payments BU one per
    test that built a promotion world (hundreds in the whole suite): dashboards over them
    would measure the other tests, not the product, and outgrow the response cap."""
    data_dir = tmp_path_factory.mktemp("readiness")
    if request.param == "sqlite":
        async with serving_demo(f"sqlite+aiosqlite:///{data_dir}/readiness.db", data_dir) as app:
            yield app
        return
    with scratch_postgres("readiness") as [url]:
        async with serving_demo(url.render_as_string(hide_password=False), data_dir) as app:
            yield app


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
        for service in board["services"]:  # one line per service and target environment
            where = (service["service"]["id"], service["environment"]["id"])
            mine = [
                g["gate"] for g in every if (g["service"]["id"], g["environment"]["id"]) == where
            ]
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
            board, statements = await fewest(api, lambda: _dashboard(api, rel["id"]))
            envs = {s["environment"]["id"] for s in board["services"]}
            assert w["env"]["id"] in envs
            assert len(board["services"]) == len(shipped) * len(envs)
            assert all(a["gates"] for a in board["areas"] if a["status"] is not None)
            counts.append(statements)
        three, thirty = counts
        assert thirty == three, (three, thirty)
        # What the statements read depends on what exists (production environments of the BU,
        # guardrails, templates), never on the number of services; the ceiling guards against
        # a read per gate or per area.
        assert three <= 90, three


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


class _NoPromotionDecisions:
    """The server's own authorizer, but asking for promotion decisions is refused everywhere
    (no role of the shipped policy lacks it; an organization's policy may)."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def check(self, actor: Any, action: Action, resource: Resource, bu_id: Any) -> str | None:
        if (action, resource) == (Action.EVALUATE, Resource.PROMOTION):
            return None
        return self.real.check(actor, action, resource, bu_id)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class TestWithoutTheRightToAskForDecisions:
    async def test_the_decision_backed_parts_are_neutral_and_nothing_leaks(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _, _, rel = await _three_states(api)
        monkeypatch.setattr(
            api.runtime, "authorizer", _NoPromotionDecisions(api.runtime.authorizer)
        )
        board = await _dashboard(api, rel["id"], as_user="viewer")
        assert board["release"]["id"] == rel["id"]
        assert board["verdict"] is None and board["riskLevel"] is None, board
        assert board["services"] == [] and board["riskFactors"] == []
        assert [(a["status"], a["gates"]) for a in board["areas"]] == [(None, [])] * len(
            ReadinessArea
        )
        blockers = await api.gql(BLOCKERS, {"id": rel["id"]}, as_user="viewer")
        assert blockers["errors"][0]["extensions"]["code"] == "FORBIDDEN", blockers


class TestTheDepartureDashboard:
    async def test_every_release_boarded_is_on_the_dashboard(self, api: Api) -> None:
        w = await world(api)
        second = await _release(api, [w["service"], *await services(api, "payments", 2)])
        ctx = await train(api, starts_on=monday(2), pis=1)
        departure = ctx["departures"][0]["id"]
        for rel in (w["release"], second):
            await _board(api, departure, rel["id"])
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

    async def test_its_statements_grow_with_the_releases_not_their_services(self, api: Api) -> None:
        w = await world(api)
        ctx = await train(api, starts_on=monday(2), pis=1)
        counts = []
        for departure, more in zip(ctx["departures"][:2], (0, 6), strict=True):
            for _ in range(2):
                rel = await _release(api, [w["service"], *await services(api, "payments", more)])
                await _board(api, departure["id"], rel["id"])
            answer, statements = await fewest(
                api, lambda: api.ok(DEPARTURE, {"id": departure["id"]})
            )
            assert len(answer["departureReadiness"]) == 2
            counts.append(statements)
        few, many = counts
        assert many == few, (few, many)


async def _board(api: Api, departure: str, release: str) -> None:
    boarded = await api.ok(
        """mutation($i: DepartureBoardInput!) { departureBoard(input: $i) {
          errors { code } } }""",
        {"i": {"departureId": departure, "releaseId": release}},
    )
    assert boarded["departureBoard"]["errors"] == [], boarded


class TestTheDemoShowsEachReadinessState:
    """On the data `signalbox demo` loads, into a database of its own (SQLite: what is shown is
    the demo's data, not the dialect)."""

    async def test_each_demo_release_shows_its_readiness_state(self, tmp_path: Path) -> None:
        url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
        await upgrade_async(url)
        app = create_app(settings_for(url, tmp_path))
        async with LifespanManager(app) as manager:
            runtime = app.state.runtime
            for load in (load_demo, load_calendar_demo, load_unauthorized_demo, load_world):
                await load(runtime)
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://demo") as http:
                api = Api(app=app, http=http, runtime=runtime)
                found = await api.ok(
                    "{ releases(first: 50) { nodes { id title } } }", as_user="release-manager"
                )
                boards = {
                    r["title"]: await _dashboard(api, r["id"]) for r in found["releases"]["nodes"]
                }
        signed = boards["Card gateway 3-D Secure exemptions"]
        assert _statuses(signed, "READINESS_REVIEW", "NFRS") == {"PASSED"}
        assert signed["readinessReview"] is not None
        assert signed["goNoGoSession"]["status"] == "CLOSED"

        tokens = boards["Card network tokens"]
        assert _area(tokens, "READINESS_REVIEW")["status"] == "PENDING"
        assert any("Runbook" in r for r in _reasons(tokens, "READINESS_REVIEW"))
        assert any("irreversible" in r for r in _reasons(tokens, "DATA_MIGRATIONS"))
        assert _area(tokens, "DOWNTIME_NOTICES")["status"] == "PENDING"
        assert tokens["goNoGoSession"]["status"] == "OPEN"
        assert tokens["verdict"] == "REFUSED"
        # card-gateway's and ledger-core's (both shipped): the operations demo's, the readiness
        # demo's and the post-mortem demo's SEV1 on ledger-core
        incidents = tokens["openIncidents"]
        assert incidents["totalCount"] == len(incidents["nodes"]) >= 2
        assert len({i["service"]["id"] for i in incidents["nodes"]}) == 2

        cut_off = boards["Settlement cut-off tuning"]
        assert any("sign-off" in r for r in _reasons(cut_off, "READINESS_REVIEW"))
        assert _area(cut_off, "DOWNTIME_NOTICES")["status"] == "PASSED"
        assert _area(cut_off, "DATA_MIGRATIONS")["status"] == "PASSED"
        assert any("production-like volume" in r for r in _reasons(cut_off, "PERFORMANCE"))

        payouts = boards["Payout scheduler retries"]
        assert any("compensating" in r for r in _reasons(payouts, "DATA_MIGRATIONS"))
        assert _area(boards["FX rates cache warm-up"], "DATA_MIGRATIONS")["status"] == "FAILED"


def _statuses(board: dict[str, Any], *areas: str) -> set[str]:
    return {_area(board, a)["status"] for a in areas}


def _reasons(board: dict[str, Any], area: str) -> set[str]:
    return {g["gate"]["reason"] for g in _area(board, area)["gates"]}
