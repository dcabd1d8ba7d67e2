"""Deployments through GraphQL and the Argo Rollouts verdict endpoint."""

from __future__ import annotations

from api.global_ids import from_global_id
from tests.api.conftest import Api, ids
from tests.api.deployments_support import (
    ADVANCE,
    CREATE,
    ROLL_BACK,
    SUBSCRIBE,
    plan,
    report,
    service,
    started,
)
from tests.api.environments_support import environment

NODE = """query($id: ID!) { node(id: $id) { ... on Deployment {
  id status currentStep service { key } environment { key } requestedBy { username }
  verdict { verdict reasons checks { check status } }
  healthReports(first: 10) { nodes { stepIndex verdict reporter } pageInfo { hasNextPage } }
  rollback { trigger reason decidedBy { username } } alerts { alertName } } } }"""


async def verdict(api: Api, dep_id: str, as_user: str = "ci") -> tuple[int, dict[str, object]]:
    response = await api.http.get(
        f"/deployments/{dep_id}/verdict", headers={"authorization": f"Bearer {api.token(as_user)}"}
    )
    return response.status_code, response.json()


class TestCanaryThroughGraphQL:
    async def test_a_canary_goes_step_by_step_to_success(self, api: Api) -> None:
        dep = await started(api)
        assert (dep["status"], dep["currentStep"]) == ("IN_PROGRESS", 0)
        for _ in range(3):
            await report(api, dep)
            data = await api.ok(
                ADVANCE, {"i": {"id": dep["id"], "version": dep["version"]}}, as_user="ci"
            )
            dep = data["deploymentAdvance"]["deployment"]
        assert dep["status"] == "SUCCEEDED"
        node = (await api.ok(NODE, {"id": dep["id"]}))["node"]
        assert node["service"]["key"] == "card-gateway"
        assert node["requestedBy"]["username"] == "engineer"
        assert [r["stepIndex"] for r in node["healthReports"]["nodes"]] == [0, 1, 2]
        assert node["verdict"]["verdict"] == "ADVANCE"
        assert node["rollback"] is None

    async def test_advancing_without_a_report_is_a_payload_error(self, api: Api) -> None:
        dep = await started(api)
        body = await api.gql(
            ADVANCE, {"i": {"id": dep["id"], "version": dep["version"]}}, as_user="ci"
        )
        assert body["data"]["deploymentAdvance"]["errors"] == [
            {"code": "ANALYSIS_MISSING", "field": None}
        ]

    async def test_a_breached_limit_rolls_the_deployment_back_with_reasons(self, api: Api) -> None:
        dep = await started(api)
        found = await report(api, dep, {"errorRate": 0.3, "latencyP99Ms": 180, "saturation": 0.3})
        assert found["healthReport"]["verdict"] == "ROLL_BACK"
        assert found["deployment"]["status"] == "ROLLED_BACK"
        assert found["rollback"]["trigger"] == "HEALTH"
        assert "Error rate 30%" in found["rollback"]["reason"]
        assert any("breached" in r for r in found["healthReport"]["reasons"])

    async def test_a_manual_roll_back_records_the_person(self, api: Api) -> None:
        dep = await started(api)
        data = await api.ok(
            ROLL_BACK,
            {"i": {"id": dep["id"], "version": dep["version"], "reason": "Latency complaints"}},
            as_user="sre",
        )
        rolled = data["deploymentRollBack"]
        assert rolled["deployment"]["status"] == "ROLLED_BACK"
        assert rolled["rollback"] == {
            "trigger": "MANUAL",
            "reason": "Latency complaints",
            "decidedByUsername": "sre",
            "decidedBy": {"username": "sre"},
        }

    async def test_bad_steps_are_a_payload_error_naming_the_field(self, api: Api) -> None:
        env = await environment(api, kind="PRODUCTION", region="eu-west-1")
        body = await api.gql(
            CREATE,
            {
                "i": {
                    "serviceId": (await service(api))["id"],
                    "environmentId": env["id"],
                    "artifactVersion": "1.0.0",
                    "strategy": "CANARY",
                    "canarySteps": [{"weight": 60}, {"weight": 30}],
                }
            },
            as_user="engineer",
        )
        assert body["data"]["deploymentCreate"]["errors"] == [
            {"code": "WEIGHTS_NOT_ASCENDING", "field": "canarySteps"}
        ]

    async def test_a_blue_green_plan_has_deploy_verify_switch(self, api: Api) -> None:
        dep = await plan(api, strategy="BLUE_GREEN", canarySteps=[], verifyMinutes=15)
        assert [(s["kind"], s["weight"], s["dwellMinutes"]) for s in dep["steps"]] == [
            ("DEPLOY_GREEN", 0, 0),
            ("VERIFY", 0, 15),
            ("SWITCH", 100, 0),
        ]


class TestListing:
    async def test_deployments_filter_by_environment_and_status(self, api: Api) -> None:
        dep = await started(api)
        data = await api.ok(
            """query($e: ID!) { deployments(filter: {environmentId: $e, statuses: [IN_PROGRESS]}) {
                 nodes { id } } }""",
            {"e": dep["environment"]["id"]},
            as_user="viewer",
        )
        assert [n["id"] for n in data["deployments"]["nodes"]] == [dep["id"]]

    async def test_another_business_unit_sees_nothing_and_a_node_reads_as_absent(
        self, api: Api
    ) -> None:
        dep = await started(api)
        retail = (await ids(api))["retail"]
        data = await api.ok(
            "query($b: ID!) { deployments(filter: {businessUnitId: $b}) { nodes { id } } }",
            {"b": retail},
        )
        assert all(n["id"] != dep["id"] for n in data["deployments"]["nodes"])
        body = await api.gql(NODE, {"id": dep["id"]}, as_user="retail-admin")
        assert body["data"]["node"] is None


class TestArgoVerdict:
    async def test_the_verdict_runs_then_succeeds_then_fails(self, api: Api) -> None:
        dep = await started(api)
        status, body = await verdict(api, dep["id"])
        assert (status, body["status"], body["verdict"]) == (200, "running", None)
        await report(api, dep)
        status, body = await verdict(api, dep["id"])
        assert (body["status"], body["verdict"], body["deploymentStatus"]) == (
            "successful",
            "ADVANCE",
            "IN_PROGRESS",
        )
        assert body["weight"] == 10 and body["reasons"]
        await report(api, dep, {"errorRate": 0.5, "latencyP99Ms": 180, "saturation": 0.3})
        status, body = await verdict(api, dep["id"])
        assert (body["status"], body["deploymentStatus"]) == ("failed", "ROLLED_BACK")

    async def test_unknown_and_foreign_ids_are_not_found_malformed_ones_bad_input(
        self, api: Api
    ) -> None:
        dep = await started(api)
        assert (await verdict(api, dep["id"], as_user="retail-admin"))[0] == 404
        assert (await verdict(api, "00000000-0000-0000-0000-000000000000"))[0] == 404
        status, body = await verdict(api, "garbage")
        assert status == 400 and "BAD_USER_INPUT" in str(body["errors"])
        assert (await verdict(api, str(from_global_id(dep["id"]))))[0] == 200
        response = await api.http.get(f"/deployments/{dep['id']}/verdict")
        assert response.status_code == 401


class TestWebhookSubscriptions:
    async def test_the_secret_is_shown_once_and_never_listed(self, api: Api) -> None:
        payments = (await ids(api))["payments"]
        data = await api.ok(
            SUBSCRIBE,
            {
                "i": {
                    "businessUnitId": payments,
                    "url": "https://127.0.0.1:9/signalbox",
                    "topics": ["DEPLOYMENT_ROLLED_BACK", "CDEVENTS_SERVICE_ROLLEDBACK"],
                }
            },
            as_user="payments-admin",
        )
        made = data["webhookSubscriptionCreate"]
        assert made["secret"].startswith("whsec_")
        assert made["webhookSubscription"]["secretHint"] == made["secret"][-4:]
        listed = await api.ok("{ webhookSubscriptions { id url topics } }", as_user="auditor")
        assert made["webhookSubscription"]["id"] in [
            s["id"] for s in listed["webhookSubscriptions"]
        ]
        revoked = await api.ok(
            """mutation($i: WebhookSubscriptionRevokeInput!) { webhookSubscriptionRevoke(input: $i) {
                 webhookSubscription { id } errors { code } } }""",
            {"i": {"id": made["webhookSubscription"]["id"], "version": 1}},
            as_user="payments-admin",
        )
        assert revoked["webhookSubscriptionRevoke"]["webhookSubscription"] is not None
        after = await api.ok("{ webhookSubscriptions { id } }", as_user="auditor")
        assert made["webhookSubscription"]["id"] not in [
            s["id"] for s in after["webhookSubscriptions"]
        ]

    async def test_plain_http_to_a_public_host_is_refused(self, api: Api) -> None:
        body = await api.gql(
            SUBSCRIBE,
            {"i": {"url": "http://hooks.example.com/x", "topics": ["DEPLOYMENT_ROLLED_BACK"]}},
        )
        assert body["data"]["webhookSubscriptionCreate"]["errors"] == [
            {"code": "INVALID_WEBHOOK_URL", "field": "url"}
        ]


class TestOutboxMessages:
    async def test_operators_see_the_rollback_event_and_others_see_nothing(self, api: Api) -> None:
        dep = await started(api)
        await api.ok(
            ROLL_BACK,
            {"i": {"id": dep["id"], "version": dep["version"], "reason": "x"}},
            as_user="sre",
        )
        uid = _uuid(dep["id"])
        query = """query($k: String!) { outboxMessages(filter: {keyPrefix: $k}) {
                     nodes { key topic destination status } } }"""
        key = f"deployment.rolled_back:{uid}"
        found = await api.ok(query, {"k": key}, as_user="auditor")
        events = [n for n in found["outboxMessages"]["nodes"] if n["destination"] is None]
        assert [(n["key"], n["topic"]) for n in events] == [(key, "deployment.rolled_back")]
        hidden = await api.ok(query, {"k": key}, as_user="viewer")
        assert hidden["outboxMessages"]["nodes"] == []


def _uuid(global_id: str) -> str:
    from api.graphql.relay import from_global_id

    return str(from_global_id(global_id))
