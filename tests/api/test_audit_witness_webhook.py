"""An external witness receives every new checkpoint through the outbox, signed like any webhook.

A real loopback receiver (test_outbox_delivery's); the shared app's delivery loop is halted and
rounds are driven here, bounded.
"""

from __future__ import annotations

import json

import pytest
from standardwebhooks import Webhook

from tests.api.conftest import Api
from tests.api.deployments_support import SUBSCRIBE
from tests.api.test_outbox_delivery import MAX_ROUNDS, receiving

REVOKE = """mutation($i: WebhookSubscriptionRevokeInput!) {
  webhookSubscriptionRevoke(input: $i) { errors { code } } }"""


async def test_each_new_checkpoint_reaches_an_org_wide_witness(api: Api) -> None:
    await api.runtime.outbox_delivery.halt()
    try:
        with receiving() as receiver:
            made = (
                await api.ok(
                    SUBSCRIBE,
                    {"i": {"url": f"{receiver.url}/hook", "topics": ["AUDIT_CHECKPOINT"]}},
                    as_user="rmo",
                )
            )["webhookSubscriptionCreate"]
            try:
                taken = await api.runtime.checkpointer.checkpoint()
                assert taken is not None
                for _ in range(MAX_ROUNDS):
                    if any(taken.signature.encode() in body for _, body in receiver.received):
                        break
                    await api.runtime.outbox_delivery.run_once()
                else:
                    pytest.fail(f"the checkpoint did not arrive in {MAX_ROUNDS} rounds")
            finally:
                sub = made["webhookSubscription"]
                await api.ok(
                    REVOKE, {"i": {"id": sub["id"], "version": sub["version"]}}, as_user="rmo"
                )
    finally:
        await api.runtime.outbox_delivery.start()

    headers, body = next((h, b) for h, b in receiver.received if taken.signature.encode() in b)
    assert headers["x-signalbox-event"] == "audit.checkpoint"
    # Signed as every delivery is: any Standard Webhooks receiver verifies it.
    assert Webhook(made["secret"]).verify(body, headers) == json.loads(body)
    witnessed = json.loads(body)
    assert (witnessed["tree_size"], witnessed["root"]) == (taken.tree_size, taken.root)
