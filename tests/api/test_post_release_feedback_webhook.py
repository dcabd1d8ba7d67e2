"""POST /feedback/webhook/{secret id}: feedback from a support tool, signed with one of the
BU's webhook secrets in the Standard Webhooks scheme (signed here with the stock
`standardwebhooks` library, as a sender does). Anything whose signature does not verify
(forged, tampered, stale, unsigned, revoked) is refused with 401 BAD_SIGNATURE and nothing is
stored; a good one is stored once, audited, for the secret's BU."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import func, select
from standardwebhooks import Webhook

from domain.postrelease.feedback_models import FeedbackItem
from tests.api.conftest import Api, unique
from tests.api.governance_support import audit_actions
from tests.api.test_cdevents_webhook import REVOKE, secret, standard_signed


def _body(ref: str, service: str = "card-gateway", **extra: Any) -> bytes:
    return orjson.dumps(
        {
            "service": service,
            "kind": "support_ticket",
            "externalRef": ref,
            "title": "Card declined after the update",
            "tags": ["checkout", "payment-declined"],
            **extra,
        }
    )


async def _post(
    api: Api, made: dict[str, str], body: bytes, headers: dict[str, str]
) -> httpx.Response:
    secret_id = made["path"].rstrip("/").rsplit("/", 1)[-1]
    return await api.http.post(
        f"/feedback/webhook/{secret_id}",
        content=body,
        headers={"content-type": "application/json", **headers},
    )


async def _stored(api: Api, ref: str) -> int:
    async with api.runtime.db.read_session() as session:
        stmt = select(func.count()).where(FeedbackItem.external_ref == ref)
        return int(await session.scalar(stmt) or 0)


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


class TestSignedFeedback:
    async def test_a_signed_item_is_stored_once_for_the_secrets_business_unit(
        self, api: Api
    ) -> None:
        made, ref = await secret(api), unique("ZD")
        body = _body(ref)
        response = await _post(api, made, body, standard_signed(body, {}, made["standard"]))
        assert response.status_code == 202, response.text
        assert await _stored(api, ref) == 1
        assert "feedback.report" in await audit_actions(api, response.json()["id"])
        again = _body(ref)
        replay = await _post(api, made, again, standard_signed(again, {}, made["standard"]))
        assert (replay.status_code, _code(replay)) == (409, "FEEDBACK_EXISTS")
        assert await _stored(api, ref) == 1

    async def test_an_unknown_service_is_refused_with_a_typed_error_and_nothing_stored(
        self, api: Api
    ) -> None:
        made, ref = await secret(api), unique("ZD")
        body = _body(ref, service="no-such-service")
        response = await _post(api, made, body, standard_signed(body, {}, made["standard"]))
        assert (response.status_code, _code(response)) == (400, "UNKNOWN_SERVICE")
        assert await _stored(api, ref) == 0

    async def test_text_no_store_can_keep_is_refused_not_a_500(self, api: Api) -> None:
        made, ref = await secret(api), unique("ZD")
        body = _body(ref, title="nul \u0000 here")
        response = await _post(api, made, body, standard_signed(body, {}, made["standard"]))
        assert (response.status_code, _code(response)) == (400, "BAD_USER_INPUT")
        assert await _stored(api, ref) == 0


class TestForgedFeedbackIsRefused:
    async def test_signed_with_another_key_it_is_refused_and_nothing_stored(self, api: Api) -> None:
        made, ref = await secret(api), unique("ZD")
        body = _body(ref)
        forger = Webhook("whsec_" + "Zm9yZ2VkLWtleS1mb3JnZWQta2V5LWZvcmdlZC1rZXk=")
        at = datetime.now(UTC)
        headers = {
            "webhook-id": "msg_forged",
            "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": forger.sign("msg_forged", at, body),
        }
        response = await _post(api, made, body, headers)
        assert (response.status_code, _code(response)) == (401, "BAD_SIGNATURE")
        assert await _stored(api, ref) == 0

    async def test_a_body_changed_after_signing_is_refused(self, api: Api) -> None:
        made, ref = await secret(api), unique("ZD")
        headers = standard_signed(_body(ref), {}, made["standard"])
        tampered = _body(ref, title="Everything is fine")
        response = await _post(api, made, tampered, headers)
        assert (response.status_code, _code(response)) == (401, "BAD_SIGNATURE")
        assert await _stored(api, ref) == 0

    async def test_a_stale_or_missing_signature_is_refused(self, api: Api) -> None:
        made, ref = await secret(api), unique("ZD")
        body = _body(ref)
        stale = standard_signed(
            body, {}, made["standard"], at=datetime.now(UTC) - timedelta(minutes=10)
        )
        for headers in (stale, {}):
            response = await _post(api, made, body, headers)
            assert (response.status_code, _code(response)) == (401, "BAD_SIGNATURE")
        assert await _stored(api, ref) == 0

    async def test_a_revoked_secret_signs_nothing(self, api: Api) -> None:
        made, ref = await secret(api), unique("ZD")
        await api.ok(
            REVOKE, {"i": {"id": made["id"], "version": made["version"]}}, as_user="payments-admin"
        )
        body = _body(ref)
        response = await _post(api, made, body, standard_signed(body, {}, made["standard"]))
        assert (response.status_code, _code(response)) == (401, "BAD_SIGNATURE")
        assert await _stored(api, ref) == 0
