"""POST /alertmanager/webhook: firing alerts roll back deployments, once per firing."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, ids, unique
from tests.api.deployments_support import ADVANCE, report, started, webhook_payload

PATH = "/alertmanager/webhook"
NODE = """query($id: ID!) { node(id: $id) { ... on Deployment { status currentStep
  rollback { trigger reason alertName alertFingerprint decidedBy { username } }
  alerts { alertName fingerprint summary } } } }"""
OUTBOX = """query($k: String!) { outboxMessages(filter: {keyPrefix: $k}) {
  nodes { key destination } } }"""


async def sre_api_token(api: Api) -> str:
    """A real API token of the SRE, scoped to SRE in payments (Alertmanager's credential)."""
    data = await api.ok(
        """mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { secret errors { code } } }""",
        {
            "i": {
                "name": unique("alertmanager"),
                "scopes": [{"role": "SRE", "businessUnitId": (await ids(api))["payments"]}],
            }
        },
        as_user="sre",
    )
    return data["apiTokenCreate"]["secret"]  # type: ignore[no-any-return]


async def post(api: Api, body: Any, token: str | None, **headers: str) -> Any:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    all_headers = {"content-type": "application/json", **headers}
    if token:
        all_headers["authorization"] = f"Bearer {token}"
    return await api.http.post(PATH, content=content, headers=all_headers)


class TestAnAlertDuringACanaryStep:
    async def test_rolls_it_back_and_emits_the_outbox_event_once_even_when_delivered_twice(
        self, api: Api
    ) -> None:
        dep = await started(api)
        await report(api, dep)
        moved = await api.ok(
            ADVANCE, {"i": {"id": dep["id"], "version": dep["version"]}}, as_user="ci"
        )
        assert moved["deploymentAdvance"]["deployment"]["currentStep"] == 1
        token = await sre_api_token(api)
        body = webhook_payload(
            {"service": "card-gateway", "environment": dep["environment"]["key"]},
            fingerprint="a1b2c3d4e5f60718",
        )
        first = await post(api, body, token)
        again = await post(api, body, token)
        assert first.status_code == again.status_code == 200
        deployment_uuid = str(from_global_id(dep["id"]))
        assert first.json()["rolledBack"] == 1
        assert first.json()["results"] == [
            {
                "alert": "HighErrorRate",
                "fingerprint": "a1b2c3d4e5f60718",
                "outcome": "rolled_back",
                "deploymentId": dep["id"],
            }
        ]
        assert again.json()["rolledBack"] == 0
        assert [r["outcome"] for r in again.json()["results"]] == ["duplicate"]
        node = (await api.ok(NODE, {"id": dep["id"]}))["node"]
        assert (node["status"], node["currentStep"]) == ("ROLLED_BACK", 1)
        assert node["rollback"] == {
            "trigger": "ALERT",
            "reason": "Alert HighErrorRate fired: 5xx above 5% for 2 minutes",
            "alertName": "HighErrorRate",
            "alertFingerprint": "a1b2c3d4e5f60718",
            "decidedBy": {"username": "sre"},
        }
        assert len(node["alerts"]) == 1
        key = f"deployment.rolled_back:{deployment_uuid}"
        events = (await api.ok(OUTBOX, {"k": key}))["outboxMessages"]["nodes"]
        assert [e["key"] for e in events if not e["destination"]] == [key]

    async def test_a_label_naming_the_deployment_by_global_id_works_too(self, api: Api) -> None:
        dep = await started(api)
        response = await post(
            api, webhook_payload({"signalbox_deployment": dep["id"]}), api.token("sre")
        )
        assert response.json()["rolledBack"] == 1

    async def test_resolved_alerts_roll_nothing_back(self, api: Api) -> None:
        dep = await started(api)
        body = webhook_payload({"signalbox_deployment": dep["id"]}, status="resolved")
        response = await post(api, body, api.token("sre"))
        assert response.json()["results"][0]["outcome"] == "resolved"
        node = (await api.ok(NODE, {"id": dep["id"]}))["node"]
        assert node["status"] == "IN_PROGRESS"


class TestRefusals:
    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            (b"{not json", "not JSON"),
            ({"version": "3", "status": "firing", "alerts": []}, "version"),
            (
                {"version": "4", "status": "firing", "alerts": [{"status": "firing"}]},
                "alerts.0.labels",
            ),
            (
                {
                    "version": "4",
                    "status": "firing",
                    "alerts": [
                        {
                            "status": "firing",
                            "labels": {},
                            "startsAt": "2026-11-27T08:00:00",
                            "fingerprint": "x",
                        }
                    ],
                },
                "startsAt",
            ),
            (
                {
                    "version": "4",
                    "status": "firing",
                    "alerts": [
                        {
                            "status": "firing",
                            "labels": {},
                            "startsAt": "2026-11-27T08:00:00Z",
                            "fingerprint": "",
                        }
                    ],
                },
                "fingerprint",
            ),
        ],
    )
    async def test_a_malformed_body_is_a_400_with_the_reason(
        self, api: Api, body: Any, reason: str
    ) -> None:
        response = await post(api, body, api.token("sre"))
        assert response.status_code == 400
        assert reason in response.json()["errors"][0]["message"]

    async def test_an_oversized_body_is_a_413(self, api: Api) -> None:
        huge = b"x" * (api.runtime.settings.max_body_bytes + 1)
        response = await post(api, huge, api.token("sre"))
        assert response.status_code == 413

    async def test_a_caller_who_may_update_no_deployment_is_forbidden(self, api: Api) -> None:
        response = await post(api, webhook_payload({"service": "x"}), api.token("viewer"))
        assert response.status_code == 403

    async def test_no_token_is_a_401(self, api: Api) -> None:
        assert (await post(api, webhook_payload({"service": "x"}), None)).status_code == 401
