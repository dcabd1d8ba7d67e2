"""The outbox delivery worker end to end: a real loopback receiver, signatures, CDEvents, retries.

The receiver is a small Starlette app under uvicorn on 127.0.0.1 (a free port, a background
thread, bounded start and stop). The shared app's background worker is halted during these
tests, so each round is driven here with `run_once` (bounded loops, never waiting on timers).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.graphql.relay import from_global_id
from domain.pipelines.signatures import signalbox_out_valid
from tests.api.conftest import Api, ids
from tests.api.deployments_support import ROLL_BACK, SUBSCRIBE, started
from tests.conftest import skip_or_fail
from tests.support.live_server import live_server

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "standards" / "cdevents" / "v0.5.1"
MAX_ROUNDS = 60


@dataclass
class Receiver:
    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def for_deployment(self, deployment_id: str) -> list[tuple[dict[str, str], Any]]:
        out = []
        for headers, body in self.received:
            if deployment_id in body.decode():
                out.append((headers, json.loads(body)))
        return out


@contextmanager
def receiving() -> Iterator[Receiver]:
    receiver = Receiver(url="")  # the address once the server listens

    async def hook(request: Request) -> Response:
        receiver.received.append((dict(request.headers), await request.body()))
        return Response(status_code=204)

    async def fail(request: Request) -> Response:
        return Response(status_code=503)

    app = Starlette(
        routes=[Route("/hook", hook, methods=["POST"]), Route("/fail", fail, methods=["POST"])]
    )
    with live_server(app) as port:
        receiver.url = f"http://127.0.0.1:{port}"
        yield receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as r:
        yield r


@pytest.fixture
async def quiet(api: Api) -> AsyncIterator[Api]:
    """The shared app without its background delivery loop, for the length of a test."""
    await api.runtime.outbox_delivery.halt()
    try:
        yield api
    finally:
        await api.runtime.outbox_delivery.start()


async def subscribe(api: Api, url: str, topics: list[str]) -> dict[str, Any]:
    data = await api.ok(
        SUBSCRIBE,
        {"i": {"businessUnitId": (await ids(api))["payments"], "url": url, "topics": topics}},
    )
    return data["webhookSubscriptionCreate"]  # type: ignore[no-any-return]


async def rolled_back(api: Api) -> str:
    dep = await started(api)
    await api.ok(
        ROLL_BACK,
        {"i": {"id": dep["id"], "version": dep["version"], "reason": "Checkout errors"}},
        as_user="sre",
    )
    return str(from_global_id(dep["id"]))


async def deliveries(api: Api, deployment_uuid: str, subscription_uuid: str) -> list[Any]:
    data = await api.ok(
        """query($k: String!) { outboxMessages(filter: {keyPrefix: $k}, first: 500) {
             nodes { destination status attempts lastError } } }""",
        {"k": f"deployment.rolled_back:{deployment_uuid}>"},
    )
    return [
        n
        for n in data["outboxMessages"]["nodes"]
        if n["destination"] == f"webhook:{subscription_uuid}"
    ]


async def rounds_until(api: Api, done: Any) -> None:
    for _ in range(MAX_ROUNDS):
        if await done():
            return
        await api.runtime.outbox_delivery.run_once()
    pytest.fail(f"not done after {MAX_ROUNDS} delivery rounds")


def cdevent_validator() -> Draft202012Validator:
    if not SCHEMAS.is_dir():
        skip_or_fail(f"the CDEvents v0.5.1 schemas are not at {SCHEMAS}")
    registry: Registry[Any] = Registry()
    for path in [*SCHEMAS.glob("schemas/*.json"), *SCHEMAS.glob("schemas/links/*.json")]:
        schema = json.loads(path.read_text())
        registry = registry.with_resource(schema["$id"], Resource.from_contents(schema))
    schema = json.loads((SCHEMAS / "schemas" / "servicerolledback.json").read_text())
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


class TestSignedDeliveries:
    async def test_a_rollback_reaches_the_receiver_signed_as_json_and_as_a_cdevent(
        self, quiet: Api, receiver: Receiver
    ) -> None:
        api = quiet
        made = await subscribe(
            api,
            f"{receiver.url}/hook",
            ["DEPLOYMENT_ROLLED_BACK", "CDEVENTS_SERVICE_ROLLEDBACK"],
        )
        secret = made["secret"]
        deployment_uuid = await rolled_back(api)

        async def both_arrived() -> bool:
            return len(receiver.for_deployment(deployment_uuid)) >= 2

        await rounds_until(api, both_arrived)
        got = {h["x-signalbox-event"]: (h, b) for h, b in receiver.for_deployment(deployment_uuid)}
        assert set(got) == {"deployment.rolled_back", "dev.cdevents.service.rolledback"}
        raw = {h["x-signalbox-delivery"]: b for h, b in receiver.received}
        receiver_side = Webhook(secret)  # what any Standard Webhooks receiver does
        for headers, _ in got.values():
            body = raw[headers["x-signalbox-delivery"]]
            assert receiver_side.verify(body, headers) == json.loads(body)
            assert headers["webhook-id"] == headers["x-signalbox-delivery"]
            with pytest.raises(WebhookVerificationError):
                receiver_side.verify(body + b" ", headers)
            now = int(api.runtime.clock.now().timestamp())
            assert signalbox_out_valid(secret, body, headers["x-signalbox-signature"], now)
            assert headers["content-type"] == "application/json"
        plain_headers, plain = got["deployment.rolled_back"]
        assert plain["deployment"]["deploymentId"] == deployment_uuid
        assert plain["deployment"]["reason"] == "Checkout errors"
        assert "ce-id" not in plain_headers
        ce_headers, cdevent = got["dev.cdevents.service.rolledback"]
        assert ce_headers["ce-id"] == cdevent["context"]["id"] == plain["id"]
        assert ce_headers["ce-source"] == "/signalbox"
        assert ce_headers["ce-type"] == "dev.cdevents.service.rolledback.0.3.0"
        assert ce_headers["ce-specversion"] == "1.0"
        errors = list(cdevent_validator().iter_errors(cdevent))
        assert errors == [], [e.message for e in errors]
        sub_uuid = str(from_global_id(made["webhookSubscription"]["id"]))
        done = await deliveries(api, deployment_uuid, sub_uuid)
        assert sorted(d["status"] for d in done) == ["DELIVERED", "DELIVERED"]

    async def test_a_failing_receiver_is_retried_later_with_the_error_kept(
        self, quiet: Api, receiver: Receiver
    ) -> None:
        api = quiet
        made = await subscribe(api, f"{receiver.url}/fail", ["DEPLOYMENT_ROLLED_BACK"])
        sub_uuid = str(from_global_id(made["webhookSubscription"]["id"]))
        deployment_uuid = await rolled_back(api)

        async def attempted() -> bool:
            found = await deliveries(api, deployment_uuid, sub_uuid)
            return bool(found) and found[0]["attempts"] >= 1 and found[0]["lastError"] is not None

        await rounds_until(api, attempted)
        (delivery,) = await deliveries(api, deployment_uuid, sub_uuid)
        assert (delivery["status"], delivery["attempts"], delivery["lastError"]) == (
            "PENDING",
            1,
            "HTTP 503",
        )

    async def test_deliveries_to_a_revoked_subscription_die_at_once(
        self, quiet: Api, receiver: Receiver
    ) -> None:
        api = quiet
        made = await subscribe(api, f"{receiver.url}/hook", ["DEPLOYMENT_ROLLED_BACK"])
        sub = made["webhookSubscription"]
        sub_uuid = str(from_global_id(sub["id"]))
        deployment_uuid = await rolled_back(api)

        async def fanned_out() -> bool:
            return bool(await deliveries(api, deployment_uuid, sub_uuid))

        await rounds_until(api, fanned_out)
        await api.ok(
            """mutation($i: WebhookSubscriptionRevokeInput!) { webhookSubscriptionRevoke(input: $i) {
                 errors { code } } }""",
            {"i": {"id": sub["id"], "version": sub["version"]}},
        )

        async def settled() -> bool:
            found = await deliveries(api, deployment_uuid, sub_uuid)
            return all(d["status"] != "PENDING" for d in found)

        await rounds_until(api, settled)
        (delivery,) = await deliveries(api, deployment_uuid, sub_uuid)
        assert delivery["status"] == "DEAD"
        assert "revoked" in delivery["lastError"]
        assert receiver.for_deployment(deployment_uuid) == []
