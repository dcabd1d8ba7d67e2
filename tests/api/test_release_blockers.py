"""A release's blockers: per shipped service and target environment, the failing and pending
gates of the promotion decision, as `promotionDecision(fresh: true)` answers them, in a bounded
number of statements whatever the number of services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from demo.organization import load_demo
from demo.unauthorized import load_unauthorized_demo
from domain.migrations import upgrade_async
from tests.api.conftest import Api, settings_for, unique
from tests.api.environments_support import environment
from tests.api.governance_support import fill_missing, move, release, services
from tests.api.test_promotion_decision import scan, world
from tests.api.test_query_cost import fewest

VERSION = "1.0.0"
"""The version governance_support.release ships every service at."""
GATE = "gate status reason evidence"
BLOCKERS = f"""query($id: ID!, $env: ID) {{ node(id: $id) {{ ... on Release {{
  blockers(environment: $env) {{
    service {{ id }} environment {{ id key }} artifactVersion status summary asOf riskLevel
    gates {{ {GATE} }} }} }} }} }}"""
FRESH = f"""query($i: PromotionAskInput!) {{ promotionDecision(input: $i, fresh: true) {{
  status summary riskLevel gates {{ {GATE} }} }} }}"""


async def _release(api: Api, service_ids: list[str], **fields: Any) -> dict[str, Any]:
    rel = await fill_missing(
        api, await release(api, service_ids=service_ids, changeTypes=["UI"], **fields)
    )
    moved = await move(api, rel, "Submit")
    assert moved["errors"] == [], moved
    return moved["release"]  # type: ignore[no-any-return]


async def _blockers(
    api: Api, rel: dict[str, Any], env: str | None, as_user: str = "release-manager"
) -> list[dict[str, Any]]:
    data = await api.ok(BLOCKERS, {"id": rel["id"], "env": env}, as_user=as_user)
    return data["node"]["blockers"]  # type: ignore[no-any-return]


async def _three_states(api: Api) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """A production world whose service has clean evidence, a new service with nothing
    reported, and a service with critical vulnerabilities, all shipped by one release."""
    w = await world(api)
    [bare] = await services(api, "payments")
    [vulnerable] = await services(api, "payments")
    shipped = [w["service"], bare, vulnerable]
    rel = await _release(api, shipped)
    await scan(api, {**w, "version": VERSION}, critical=0)
    digest = "sha256:" + unique("d").split("-")[1].ljust(64, "b")
    await scan(api, {"service": vulnerable, "version": VERSION, "digest": digest}, critical=3)
    return w, shipped, rel


class TestTheBlockersAreWhatTheFreshDecisionSays:
    async def test_each_service_in_its_own_state_matches_promotion_decision_fresh(
        self, api: Api
    ) -> None:
        w, shipped, rel = await _three_states(api)
        found = await _blockers(api, rel, w["env"]["id"])
        assert sorted(g["service"]["id"] for g in found) == sorted(shipped)
        assert {g["environment"]["id"] for g in found} == {w["env"]["id"]}
        for group in found:
            ask = {
                "serviceId": group["service"]["id"],
                "environmentId": w["env"]["id"],
                "artifactVersion": VERSION,
                "releaseId": rel["id"],
            }
            fresh = (await api.ok(FRESH, {"i": ask}, as_user="release-manager"))[
                "promotionDecision"
            ]
            blocking = [g for g in fresh["gates"] if g["status"] in ("FAILED", "PENDING")]
            assert group["status"] == fresh["status"], (group, fresh)
            assert group["summary"] == fresh["summary"]
            assert group["riskLevel"] == fresh["riskLevel"]
            assert group["gates"] == blocking
            assert group["artifactVersion"] == VERSION
        states = {g["service"]["id"]: g for g in found}
        failed = {
            sid: {x["gate"].lower() for x in g["gates"] if x["status"] == "FAILED"}
            for sid, g in states.items()
        }
        assert "security_scan" in failed[shipped[2]]
        assert "security_scan" not in failed[shipped[0]]
        assert "onboarding" in failed[shipped[1]] | {
            x["gate"].lower() for x in states[shipped[1]]["gates"]
        }
        assert failed[shipped[0]] != failed[shipped[2]]

    async def test_a_gate_that_is_fixed_leaves_the_blockers(self, api: Api) -> None:
        w, shipped, rel = await _three_states(api)
        digest = "sha256:" + unique("d").split("-")[1].ljust(64, "c")
        before = await _blockers(api, rel, w["env"]["id"])
        gates = {g["service"]["id"]: {x["gate"] for x in g["gates"]} for g in before}
        assert "SECURITY_SCAN" in gates[shipped[1]]
        await scan(api, {"service": shipped[1], "version": VERSION, "digest": digest}, critical=0)
        after = await _blockers(api, rel, w["env"]["id"])
        gates = {g["service"]["id"]: {x["gate"] for x in g["gates"]} for g in after}
        assert "SECURITY_SCAN" not in gates[shipped[1]]
        assert "SECURITY_SCAN" in gates[shipped[2]]


class TestTheTargetEnvironments:
    async def test_the_release_environments_name_keys_or_kinds(self, api: Api) -> None:
        w = await world(api)
        staging = await environment(api)
        names = [w["env"]["key"], staging["key"]]
        rel = await _release(api, [w["service"]], environments=names)
        found = await _blockers(api, rel, None)
        assert sorted(g["environment"]["key"] for g in found) == sorted(names)
        by_key = {g["environment"]["key"]: g for g in found}
        production = {x["gate"] for x in by_key[w["env"]["key"]]["gates"]}
        assert "SIGN_OFFS" in production
        assert "SIGN_OFFS" not in {x["gate"] for x in by_key[staging["key"]]["gates"]}

    async def test_a_release_naming_no_environment_targets_production(self, api: Api) -> None:
        w = await world(api)
        rel = await _release(api, [w["service"]], environments=[])
        found = await _blockers(api, rel, None)
        assert w["env"]["key"] in {g["environment"]["key"] for g in found}

    async def test_an_environment_of_another_bu_reads_as_absent(self, api: Api) -> None:
        w = await world(api)
        bu = await api.ok(
            """mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) {
              businessUnit { id } errors { code } } }""",
            {"i": {"key": unique("bbu"), "name": "Blockers BU"}},
        )
        other = await environment(
            api, businessUnitId=bu["businessUnitCreate"]["businessUnit"]["id"]
        )
        body = await api.gql(
            BLOCKERS, {"id": w["release"]["id"], "env": other["id"]}, as_user="release-manager"
        )
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body


class TestTheBlockersAreReadInABoundedNumberOfStatements:
    async def test_ten_services_read_as_many_statements_as_one(self, api: Api) -> None:
        w = await world(api)
        counts = []
        for shipped in ([w["service"]], [w["service"], *await services(api, "payments", 9)]):
            rel = await _release(api, shipped)
            found, statements = await fewest(api, lambda: _blockers(api, rel, w["env"]["id"]))
            assert len(found) == len(shipped)
            counts.append(statements)
        one, ten = counts
        assert ten == one, (one, ten)
        assert one <= 60, one


class TestWhoSeesTheBlockers:
    async def test_someone_outside_the_release_bu_does_not_see_the_release(self, api: Api) -> None:
        w = await world(api)
        body = await api.gql(
            BLOCKERS, {"id": w["release"]["id"], "env": None}, as_user="retail-admin"
        )
        assert body.get("data", {}).get("node") is None, body

    async def test_every_role_of_the_bu_may_ask(self, api: Api) -> None:
        w = await world(api)
        for user in ("viewer", "engineer", "auditor", "ci"):
            found = await _blockers(api, w["release"], w["env"]["id"], as_user=user)
            assert len(found) == 1, user


class TestTheDemoShowsAReleaseWithBlockers:
    """On the data `signalbox demo` loads, into a database of its own (SQLite: what is shown is
    the demo's data, not the dialect)."""

    async def test_the_approved_demo_release_lists_what_blocks_production(
        self, tmp_path: Path
    ) -> None:
        url = f"sqlite+aiosqlite:///{tmp_path}/demo.db"
        await upgrade_async(url)
        app = create_app(settings_for(url, tmp_path))
        async with LifespanManager(app) as manager:
            runtime = app.state.runtime
            assert await load_demo(runtime)
            assert await load_unauthorized_demo(runtime)
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://demo") as http:
                api = Api(app=app, http=http, runtime=runtime)
                found = await api.ok(
                    """{ releases(first: 50) { nodes { title environments
                      blockers { service { key } environment { kind } status gates { gate } } } } }""",
                    as_user="release-manager",
                )
        demo = {r["title"]: r for r in found["releases"]["nodes"]}
        fx = demo["FX rates provider switch"]
        assert fx["environments"] == ["production"]
        assert {b["service"]["key"] for b in fx["blockers"]} == {"fx-rates", "settlement"}
        assert all(b["environment"]["kind"] == "PRODUCTION" for b in fx["blockers"])
        assert all(b["status"] != "ALLOWED" and b["gates"] for b in fx["blockers"]), fx
