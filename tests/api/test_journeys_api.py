"""Synthetic journeys through GraphQL, run by the built-in runner against a small HTTP server
on the loopback (uvicorn, in-process): a checkout journey that starts failing after a
production deployment is flagged as a regression linked to it and, with the guardrail on for
its tier, the deployment is rolled back once; secrets stay sealed; targets stay allowed."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from api.journey_runner import JourneyRunner
from domain.compliance.models import AuditRecord
from domain.compliance.repository import sealed
from domain.pipelines.deployment_models import RollbackDecision
from domain.postrelease.journey_models import Journey, JourneyClaim, JourneyRun
from tests.api.conftest import Api, serving, settings_for, unique
from tests.api.deployments_support import ADVANCE, report, service, started
from tests.api.evidence_support import cdevent, structured
from tests.api.test_query_cost import counting

SECRET = "Bearer s3cret-journey-token"
ERRORS = "errors { code message field ... on JourneyError { errorCode } }"
FIELDS = """id key name version enabled tier runner intervalMinutes
  steps { name method url body headers { name value secret } timeoutMs
          assertions { kind operator path expected } captures { name path } }
  ownerTeam { key } service { key }"""
CREATE = f"""mutation($i: JourneyCreateInput!) {{ journeyCreate(input: $i) {{
  journey {{ {FIELDS} }} {ERRORS} }} }}"""
UPDATE = f"""mutation($i: JourneyUpdateInput!) {{ journeyUpdate(input: $i) {{
  journey {{ {FIELDS} }} {ERRORS} }} }}"""
DISABLE = f"""mutation($i: JourneyVersionInput!) {{ journeyDisable(input: $i) {{
  journey {{ id enabled version }} {ERRORS} }} }}"""
HOSTS = f"""mutation($i: JourneyHostsSetInput!) {{ journeyHostsSet(input: $i) {{
  journeyHosts {{ id hosts version }} {ERRORS} }} }}"""
RUN_FIELDS = """id outcome trigger runner summary externalId
  steps { name passed status failures } deployment { id } journey { key }"""
RUN_NOW = f"""mutation($i: JourneyRunNowInput!) {{ journeyRunNow(input: $i) {{
  journeyRun {{ {RUN_FIELDS} }} {ERRORS} }} }}"""
REPORT = f"""mutation($i: JourneyResultReportInput!) {{ journeyResultReport(input: $i) {{
  journeyRun {{ {RUN_FIELDS} }} {ERRORS} }} }}"""
REGRESSIONS = """query($d: ID!) { deploymentJourneyRegressions(deploymentId: $d) {
  id summary rolledBack journey { key } run { outcome } baselineRun { outcome }
  deployment { id status } rollback { trigger reason } } }"""
ON_DEPLOYMENT = """query($d: ID!) { node(id: $d) { ... on Deployment { status
  journeyRegressions { id rolledBack journey { key } } rollback { trigger } } } }"""
RUNS = """query($j: ID!, $after: String) { journeyRuns(journeyId: $j, first: 2, after: $after) {
  edges { cursor node { outcome trigger } } pageInfo { hasNextPage endCursor } } }"""
CALENDAR = """query($i: CalendarInput!) { calendar(input: $i) {
  journeyRegressions { id journey { key } deployment { id } } } }"""
HOSTS_OF = """query($s: ID!) { serviceJourneyHosts(serviceId: $s) { hosts version } }"""
LIST = f"""query($s: ID!) {{ serviceJourneys(serviceId: $s) {{ {FIELDS} }} }}"""


@pytest.fixture(autouse=True)
async def _journeys_stop_after_each_test(api: Api) -> AsyncIterator[None]:
    """Each test's journeys go with its loopback shop: disabled after it, so the next test's
    deployments of the same service run only its own."""
    yield
    svc = await service(api)
    listed = await api.ok(LIST, {"s": svc["id"]})
    for j in listed["serviceJourneys"]:
        if j["enabled"]:
            await api.ok(DISABLE, {"i": {"id": j["id"], "version": j["version"]}})


@dataclass
class Shop:
    """The loopback shop the journeys test: checkout works while `healthy`."""

    healthy: bool = True
    port: int = 0
    seen_auth: list[str | None] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> Starlette:
        async def cart(request: Request) -> Response:
            assert self.seen_auth is not None
            self.seen_auth.append(request.headers.get("authorization"))
            if request.headers.get("authorization") != SECRET:
                return JSONResponse({"error": "unauthorized"}, status_code=401)
            return JSONResponse({"cart": {"id": "c-123", "items": 2}})

        async def checkout(request: Request) -> Response:
            ok = self.healthy and request.path_params["cart"] == "c-123"
            body = {"status": "confirmed", "total": 42} if ok else {"status": "error"}
            return JSONResponse(body, status_code=200 if ok else 500)

        async def elsewhere(request: Request) -> Response:
            return RedirectResponse("http://127.0.0.2:9/steal", status_code=302)

        async def big(request: Request) -> Response:
            return Response(b"x" * 2_000_000, media_type="application/octet-stream")

        return Starlette(
            routes=[
                Route("/cart", cart, methods=["POST"]),
                Route("/checkout/{cart}", checkout),
                Route("/elsewhere", elsewhere),
                Route("/big", big),
            ]
        )


@contextlib.asynccontextmanager
async def shop_server() -> AsyncIterator[Shop]:
    shop = Shop(seen_auth=[])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    shop.port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(shop.app(), log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(200):  # bounded: at most ~10 s for the server to listen
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started
    try:
        yield shop
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)
        sock.close()


def checkout_steps(shop: Shop, secret: str | None = SECRET) -> list[dict[str, Any]]:
    return [
        {
            "name": "add to cart",
            "method": "POST",
            "url": f"{shop.base}/cart",
            "headers": [
                {"name": "Authorization", "value": secret, "secret": True},
                {"name": "X-Journey", "value": "checkout"},
            ],
            "body": '{"sku": "A-1"}',
            "assertions": [
                {"kind": "STATUS", "operator": "EQUALS", "expected": 200},
                {
                    "kind": "JSON_PATH",
                    "operator": "AT_LEAST",
                    "path": "$.cart.items",
                    "expected": 1,
                },
            ],
            "captures": [{"name": "cartId", "path": "$.cart.id"}],
            "timeoutMs": 10_000,
        },
        {
            "name": "check out",
            "method": "GET",
            "url": f"{shop.base}/checkout/{{{{cartId}}}}",
            "assertions": [
                {"kind": "STATUS", "operator": "EQUALS", "expected": 200},
                {
                    "kind": "JSON_PATH",
                    "operator": "EQUALS",
                    "path": "$.status",
                    "expected": "confirmed",
                },
                {"kind": "LATENCY_MS", "operator": "AT_MOST", "expected": 30_000},
            ],
            "timeoutMs": 10_000,
        },
    ]


async def team_id(api: Api, key: str = "payments-core") -> str:
    data = await api.ok("{ teams(first: 100) { nodes { id key } } }")
    nodes = data["teams"]["nodes"]
    return next((n["id"] for n in nodes if n["key"] == key), nodes[0]["id"])


async def payments_team(api: Api, service_id: str) -> str:
    data = await api.ok(
        "query($s: ID!) { node(id: $s) { ... on Service { team { id } } } }", {"s": service_id}
    )
    return str(data["node"]["team"]["id"])


async def allow(api: Api, service_id: str, *hosts: str, as_user: str = "sre") -> Any:
    body = await api.gql(
        HOSTS, {"i": {"serviceId": service_id, "hosts": list(hosts)}}, as_user=as_user
    )
    assert "errors" not in body, body
    return body["data"]["journeyHostsSet"]


async def create(
    api: Api, shop: Shop, service_id: str, as_user: str = "sre", **kw: Any
) -> dict[str, Any]:
    values = {
        "serviceId": service_id,
        "key": unique("checkout"),
        "name": "Checkout",
        "ownerTeamId": await payments_team(api, service_id),
        "tier": "CRITICAL",
        "intervalMinutes": 60,
        "steps": checkout_steps(shop),
        **kw,
    }
    body = await api.gql(CREATE, {"i": values}, as_user=as_user)
    assert "errors" not in body, body
    return body["data"]["journeyCreate"]  # type: ignore[no-any-return]


async def succeeded(api: Api) -> dict[str, Any]:
    """A canary of card-gateway to a fresh production environment, run to success."""
    dep = await started(api)
    for _ in range(3):
        await report(api, dep)
        data = await api.ok(
            ADVANCE, {"i": {"id": dep["id"], "version": dep["version"]}}, as_user="ci"
        )
        dep = data["deploymentAdvance"]["deployment"]
    assert dep["status"] == "SUCCEEDED"
    return dep


def runner(api: Api) -> JourneyRunner:
    rt = api.runtime
    return JourneyRunner(rt.settings, rt.clock, rt.units)


async def rows(api: Api, stmt: Any) -> list[Any]:
    async with api.runtime.db.read_session() as session:
        await sealed(session)  # audit entries are journaled on PostgreSQL
        return list((await session.execute(stmt)).all())


async def deployment_runs(api: Api, journey_id: Any) -> int:
    """How many runs of the journey followed a deployment (the built-in runner's)."""
    ran = await rows(
        api,
        select(JourneyRun.id).where(
            JourneyRun.journey_id == journey_id, JourneyRun.trigger == "deployment"
        ),
    )
    return len(ran)


class TestACheckoutJourneyThatRegressesAfterADeployment:
    async def test_is_flagged_linked_to_the_deployment_and_rolls_it_back_once(
        self, api: Api
    ) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            made = await create(api, shop, svc["id"])
            assert made["errors"] == [], made
            journey = made["journey"]
            before = await api.ok(RUN_NOW, {"i": {"id": journey["id"]}}, as_user="sre")
            assert before["journeyRunNow"]["journeyRun"]["outcome"] == "PASSED"
            assert shop.seen_auth and shop.seen_auth[-1] == SECRET

            dep = await succeeded(api)
            shop.healthy = False
            await runner(api).sweep()

            found = await api.ok(REGRESSIONS, {"d": dep["id"]})
            [regression] = found["deploymentJourneyRegressions"]
            assert regression["journey"]["key"] == journey["key"]
            assert (regression["run"]["outcome"], regression["baselineRun"]["outcome"]) == (
                "FAILED",
                "PASSED",
            )
            assert regression["rolledBack"] is True
            assert regression["deployment"]["status"] == "ROLLED_BACK"
            assert regression["rollback"]["trigger"] == "JOURNEY"

            # Again: the deployment's journeys ran once; a run now that fails adds no second
            # regression and no second rollback.
            await runner(api).sweep()
            await api.ok(RUN_NOW, {"i": {"id": journey["id"]}}, as_user="sre")
        now = api.runtime.clock.now()
        window = {
            "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(),
            "serviceId": svc["id"],
        }
        shown = (await api.ok(CALENDAR, {"i": window}, as_user="viewer"))["calendar"]
        assert regression["id"] in [r["id"] for r in shown["journeyRegressions"]]
        on_dep = (await api.ok(ON_DEPLOYMENT, {"d": dep["id"]}))["node"]
        assert [r["journey"]["key"] for r in on_dep["journeyRegressions"]] == [journey["key"]]
        assert on_dep["rollback"]["trigger"] == "JOURNEY"
        jid = regression_journey_uuid(journey["id"])
        assert await deployment_runs(api, jid) == 1
        claims = await rows(
            api, select(JourneyClaim.key).where(JourneyClaim.key.like(f"deployment:%:{jid}"))
        )
        assert len(claims) == 1
        decisions = await rows(
            api,
            select(RollbackDecision.id).where(
                RollbackDecision.deployment_id == regression_journey_uuid(dep["id"])
            ),
        )
        assert len(decisions) == 1
        audited = await rows(
            api, select(AuditRecord.action).where(AuditRecord.action.like("journey%")).distinct()
        )
        assert {a.action for a in audited} >= {
            "journey_hosts.set",
            "journey.create",
            "journey_claim.request",
            "journey_run.record",
            "journey_regression.detect",
        }

    async def test_two_workers_sweeping_at_once_run_a_deployments_journey_once(
        self, api: Api
    ) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            journey = (await create(api, shop, svc["id"], tier="INTERNAL"))["journey"]
            await succeeded(api)
            await asyncio.gather(runner(api).sweep(), runner(api).sweep())
        assert await deployment_runs(api, regression_journey_uuid(journey["id"])) == 1

    async def test_a_journey_of_a_tier_the_guardrail_does_not_name_is_flagged_not_rolled_back(
        self, api: Api
    ) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            journey = (await create(api, shop, svc["id"], tier="INTERNAL"))["journey"]
            await api.ok(RUN_NOW, {"i": {"id": journey["id"]}}, as_user="sre")
            dep = await succeeded(api)
            shop.healthy = False
            await runner(api).sweep()
        [regression] = (await api.ok(REGRESSIONS, {"d": dep["id"]}))["deploymentJourneyRegressions"]
        assert regression["rolledBack"] is False
        assert regression["deployment"]["status"] == "SUCCEEDED"
        assert regression["rollback"] is None

    async def test_a_journey_failing_before_and_after_is_no_regression(self, api: Api) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            shop.healthy = False
            await allow(api, svc["id"], "127.0.0.1")
            journey = (await create(api, shop, svc["id"]))["journey"]
            await api.ok(RUN_NOW, {"i": {"id": journey["id"]}}, as_user="sre")
            dep = await succeeded(api)
            await runner(api).sweep()
        assert (await api.ok(REGRESSIONS, {"d": dep["id"]}))["deploymentJourneyRegressions"] == []
        assert (await api.ok(ON_DEPLOYMENT, {"d": dep["id"]}))["node"]["status"] == "SUCCEEDED"


def regression_journey_uuid(global_id: str) -> Any:
    from api.global_ids import from_global_id

    return from_global_id(global_id)


class TestSecretHeaders:
    async def test_are_sealed_at_rest_never_returned_never_audited_and_kept_on_update(
        self, api: Api
    ) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            journey = (await create(api, shop, svc["id"]))["journey"]
            header = journey["steps"][0]["headers"][0]
            assert header == {"name": "Authorization", "value": None, "secret": True}
            changed = await api.ok(
                UPDATE,
                {
                    "i": {
                        "id": journey["id"],
                        "version": journey["version"],
                        "name": "Checkout (guest)",
                        "ownerTeamId": await payments_team(api, svc["id"]),
                        "tier": "CRITICAL",
                        "intervalMinutes": 30,
                        "steps": checkout_steps(shop, secret=None),
                    }
                },
            )
            assert changed["journeyUpdate"]["journey"]["version"] == journey["version"] + 1
            ran = await api.ok(RUN_NOW, {"i": {"id": journey["id"]}}, as_user="sre")
            assert ran["journeyRunNow"]["journeyRun"]["outcome"] == "PASSED"
            assert shop.seen_auth and shop.seen_auth[-1] == SECRET
        jid = regression_journey_uuid(journey["id"])
        [stored] = await rows(api, select(Journey.steps).where(Journey.id == jid))
        sealed = stored.steps[0]["headers"][0]
        assert set(sealed) == {"name", "sealed"} and "s3cret" not in sealed["sealed"]
        audit = await rows(api, select(AuditRecord).where(AuditRecord.entity_id == str(jid)))
        assert {a.AuditRecord.action for a in audit} >= {"journey.create", "journey.update"}
        assert all("s3cret" not in repr((a.AuditRecord.before, a.AuditRecord.after)) for a in audit)

    async def test_a_new_secret_header_without_a_value_is_refused(self, api: Api) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            made = await create(api, shop, svc["id"], steps=checkout_steps(shop, secret=None))
        assert made["journey"] is None
        assert [e["errorCode"] for e in made["errors"]] == ["SECRET_VALUE_REQUIRED"]


class TestTargets:
    async def test_a_host_the_service_does_not_allow_is_refused_and_nothing_stored(
        self, api: Api
    ) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "shop.example.com")
            key = unique("checkout")
            made = await create(api, shop, svc["id"], key=key)
        assert made["journey"] is None
        [error] = made["errors"]
        assert (error["errorCode"], error["field"]) == ("HOST_NOT_ALLOWED", "steps[0].url")
        listed = await api.ok(LIST, {"s": svc["id"]})
        assert key not in [j["key"] for j in listed["serviceJourneys"]]

    async def test_a_redirect_to_another_host_is_not_followed(self, api: Api) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1", "127.0.0.2")
            steps = [
                {
                    "name": "away",
                    "method": "GET",
                    "url": f"{shop.base}/elsewhere",
                    "assertions": [{"kind": "STATUS", "operator": "EQUALS", "expected": 200}],
                }
            ]
            journey = (await create(api, shop, svc["id"], steps=steps))["journey"]
            ran = await api.ok(RUN_NOW, {"i": {"id": journey["id"]}}, as_user="sre")
        run = ran["journeyRunNow"]["journeyRun"]
        assert run["outcome"] == "FAILED"
        assert run["steps"][0]["failures"] == ["redirect to another host not followed"]

    async def test_a_response_over_the_size_bound_fails_the_step(self, api: Api) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            steps = [{"name": "big", "method": "GET", "url": f"{shop.base}/big"}]
            journey = (await create(api, shop, svc["id"], steps=steps))["journey"]
            ran = await api.ok(RUN_NOW, {"i": {"id": journey["id"]}}, as_user="sre")
        run = ran["journeyRunNow"]["journeyRun"]
        assert run["outcome"] == "FAILED"
        assert run["steps"][0]["failures"] == ["response over 1048576 bytes"]


class TestExternalResults:
    async def test_a_checkly_result_is_recorded_once_and_paged(self, api: Api) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            journey = (await create(api, shop, svc["id"], runner="CHECKLY"))["journey"]
        assert journey["runner"] == "CHECKLY"
        now = api.runtime.clock.now()
        for i in range(3):
            values = {
                "journeyId": journey["id"],
                "passed": i != 1,
                "startedAt": (now - timedelta(minutes=10 - i)).isoformat(),
                "finishedAt": (now - timedelta(minutes=9 - i)).isoformat(),
                "runner": "CHECKLY",
                "externalId": f"chk-{i}",
                "steps": [{"name": "check out", "passed": i != 1, "status": 200}],
            }
            done = await api.ok(REPORT, {"i": values}, as_user="ci")
            assert done["journeyResultReport"]["journeyRun"]["runner"] == "CHECKLY"
        again = await api.gql(REPORT, {"i": values}, as_user="ci")
        assert [e["errorCode"] for e in again["data"]["journeyResultReport"]["errors"]] == [
            "ALREADY_EXISTS"
        ]
        first = (await api.ok(RUNS, {"j": journey["id"]}))["journeyRuns"]
        assert [e["node"]["outcome"] for e in first["edges"]] == ["PASSED", "FAILED"]
        assert first["pageInfo"]["hasNextPage"] is True
        rest = await api.ok(RUNS, {"j": journey["id"], "after": first["pageInfo"]["endCursor"]})
        assert [e["node"]["outcome"] for e in rest["journeyRuns"]["edges"]] == ["PASSED"]

    async def test_the_built_in_runner_leaves_an_externally_run_journey_alone(
        self, api: Api
    ) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            journey = (await create(api, shop, svc["id"], runner="K6"))["journey"]
            await succeeded(api)
            await runner(api).sweep()
            assert shop.seen_auth == []
        jid = regression_journey_uuid(journey["id"])
        assert await rows(api, select(JourneyClaim.id).where(JourneyClaim.journey_id == jid)) == []


@pytest.mark.parametrize("as_user", ["viewer", "auditor"])
async def test_readers_see_journeys_without_secret_values(api: Api, as_user: str) -> None:
    svc = await service(api)
    async with shop_server() as shop:
        await allow(api, svc["id"], "127.0.0.1")
        journey = (await create(api, shop, svc["id"]))["journey"]
    listed = await api.ok(LIST, {"s": svc["id"]}, as_user=as_user)
    [mine] = [j for j in listed["serviceJourneys"] if j["id"] == journey["id"]]
    assert mine["steps"][0]["headers"][0]["value"] is None


async def send_suite_run(api: Api, suite_id: str, outcome: str, service_key: str) -> str:
    """A k6 run reported as CDEvents `testsuiterun.finished`, its suite keyed as the journey."""
    body = cdevent(
        "testsuiterun.finished",
        subject_id=unique("suite-run"),
        content={
            "outcome": outcome,
            "environment": {"id": "production"},
            "testSuite": {"id": suite_id, "name": "k6 checkout"},
        },
        timestamp=api.runtime.clock.now().isoformat().replace("+00:00", "Z"),
    )
    body["customData"] = {"service": service_key, "durationMs": 1500, "summary": "k6 run"}
    payload, headers = structured(body)
    headers["authorization"] = f"Bearer {api.token('ci')}"
    response = await api.http.post("/cdevents", content=payload, headers=headers)
    assert response.status_code < 300, response.text
    return response.text


class TestCdEventsResults:
    async def test_a_testsuiterun_finished_keyed_as_a_journey_is_recorded_once(
        self, api: Api
    ) -> None:
        svc = await service(api)
        async with shop_server() as shop:
            await allow(api, svc["id"], "127.0.0.1")
            journey = (await create(api, shop, svc["id"], runner="K6"))["journey"]
        await send_suite_run(api, journey["key"], "success", svc["key"])
        await send_suite_run(api, unique("other-suite"), "failure", svc["key"])
        await runner(api).sweep()
        await runner(api).sweep()
        runs = (await api.ok(RUNS, {"j": journey["id"]}))["journeyRuns"]["edges"]
        assert [(e["node"]["outcome"], e["node"]["trigger"]) for e in runs] == [
            ("PASSED", "EXTERNAL")
        ]


class TestOutsideDevelopment:
    async def test_internal_addresses_are_refused_with_typed_errors_and_nothing_stored(
        self, api: Api, migrated_url: str, tmp_path: Path
    ) -> None:
        async with serving(settings_for(migrated_url, tmp_path, env="production")) as prod:
            svc = await service(prod)
            before = await prod.ok(HOSTS_OF, {"s": svc["id"]})
            hosts = await allow(prod, svc["id"], "shop.example.com", "10.0.0.7")
            assert hosts["journeyHosts"] is None
            assert [(e["errorCode"], e["field"]) for e in hosts["errors"]] == [
                ("INTERNAL_ADDRESS", "hosts")
            ]
            assert await prod.ok(HOSTS_OF, {"s": svc["id"]}) == before
            key = unique("metadata")
            steps = [{"name": "steal", "method": "GET", "url": "https://169.254.169.254/latest"}]
            shop = Shop(port=1)
            made = await create(prod, shop, svc["id"], key=key, steps=steps)
            assert made["journey"] is None
            assert [(e["errorCode"], e["field"]) for e in made["errors"]] == [
                ("INTERNAL_ADDRESS", "steps[0].url")
            ]
            loopback = [{"name": "local", "method": "GET", "url": "http://127.0.0.1:8080/"}]
            made = await create(prod, shop, svc["id"], key=key, steps=loopback)
            assert [e["errorCode"] for e in made["errors"]] == ["INTERNAL_ADDRESS"]
            listed = await prod.ok(LIST, {"s": svc["id"]})
            assert key not in [j["key"] for j in listed["serviceJourneys"]]


NESTED = """query($s: ID!) { serviceJourneys(serviceId: $s) { key service { key } ownerTeam { key }
  runs(first: 5) { edges { node { outcome journey { key } deployment { id } } } } } }"""


class TestQueryCost:
    async def test_the_statements_of_a_services_journeys_do_not_grow_with_them(
        self, api: Api
    ) -> None:
        svc = await service(api)
        shop = Shop(port=1)
        await allow(api, svc["id"], "127.0.0.1")

        async def add() -> None:
            journey = (await create(api, shop, svc["id"], runner="CHECKLY"))["journey"]
            now = api.runtime.clock.now()
            values = {
                "journeyId": journey["id"],
                "passed": True,
                "startedAt": (now - timedelta(minutes=2)).isoformat(),
                "finishedAt": (now - timedelta(minutes=1)).isoformat(),
                "runner": "CHECKLY",
            }
            await api.ok(REPORT, {"i": values}, as_user="ci")

        await add()
        await api.ok(NESTED, {"s": svc["id"]})
        with counting(api) as fewer:
            await api.ok(NESTED, {"s": svc["id"]})
        for _ in range(3):
            await add()
        with counting(api) as more:
            data = await api.ok(NESTED, {"s": svc["id"]})
        assert len(data["serviceJourneys"]) >= 4
        assert len(more) == len(fewer), (len(fewer), len(more))
