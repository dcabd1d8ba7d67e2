"""POST /cdevents/webhook/{secret id}: signed CDEvents, no bearer token.

The middleware lets POSTs under the webhook prefix through without a bearer token; the
endpoint itself refuses anything whose signature does not verify. Senders sign with stock
tools: the `standardwebhooks` library, GitHub's X-Hub-Signature-256 (computed here as GitHub
documents it), or Signalbox's deprecated headers.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from domain.pipelines.signatures import signalbox_in
from tests.api.conftest import Api, ids, unique
from tests.api.evidence_support import Ingress, binary, cdevent, ingress

__all__ = ["ingress"]
CREATE = """
mutation($i: WebhookSecretCreateInput!) { webhookSecretCreate(input: $i) {
  webhookSecret { id path prefix version } secret standardWebhooksSecret errors { code field }
} }"""
REVOKE = """
mutation($i: WebhookSecretRevokeInput!) { webhookSecretRevoke(input: $i) {
  webhookSecret { id revokedAt } errors { code } } }"""


async def secret(api: Api) -> dict[str, str]:
    bu = (await ids(api))["payments"]
    data = await api.ok(
        CREATE, {"i": {"businessUnitId": bu, "name": unique("jenkins")}}, as_user="payments-admin"
    )
    made = data["webhookSecretCreate"]
    return {
        **made["webhookSecret"],
        "secret": made["secret"],
        "standard": made["standardWebhooksSecret"],
    }


def signed(
    body: bytes, headers: dict[str, str], key: str, at: float | None = None
) -> dict[str, str]:
    stamp = str(int(at if at is not None else time.time()))
    return {
        **headers,
        "x-signalbox-timestamp": stamp,
        "x-signalbox-signature": signalbox_in(key, stamp, body),
    }


def standard_signed(
    body: bytes, headers: dict[str, str], whsec: str, at: datetime | None = None
) -> dict[str, str]:
    """Signed as a Standard Webhooks sender does, with the stock library."""
    when, message_id = at or datetime.now(UTC), f"msg_{uuid.uuid4().hex}"
    return {
        **headers,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(whsec).sign(message_id, when, body),
    }


def github_signed(body: bytes, headers: dict[str, str], secret: str) -> dict[str, str]:
    """Signed as GitHub documents it: the hex HMAC-SHA256 of the body, keyed with the secret."""
    mac = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {**headers, "x-hub-signature-256": f"sha256={mac}"}


class TestSignedEvents:
    async def test_a_correctly_signed_event_is_accepted_for_the_secrets_business_unit(
        self, ingress: Ingress, api: Api
    ) -> None:
        made = await secret(api)
        assert made["secret"].startswith("sbx_whk_") and made["secret"].startswith(made["prefix"])
        body, headers = binary(cdevent("build.started"))
        response = await ingress.post(
            (body, signed(body, headers, made["secret"])), as_user=None, path=made["path"]
        )
        assert response.status_code == 202, response.text
        data = await api.ok(
            "{ cdEvents(first: 500) { nodes { id receivedBy businessUnit { key } } } }"
        )
        mine = [
            n for n in data["cdEvents"]["nodes"] if n["receivedBy"].startswith("webhook:jenkins")
        ]
        assert mine and all(n["businessUnit"]["key"] == "payments" for n in mine)

    async def test_a_wrong_signature_is_a_401(self, ingress: Ingress, api: Api) -> None:
        made = await secret(api)
        body, headers = binary(cdevent("build.started"))
        response = await ingress.post(
            (body, signed(body, headers, "sbx_whk_not-the-secret")), as_user=None, path=made["path"]
        )
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_SIGNATURE"

    async def test_a_stale_timestamp_is_a_401(self, ingress: Ingress, api: Api) -> None:
        made = await secret(api)
        body, headers = binary(cdevent("build.started"))
        old = signed(body, headers, made["secret"], at=time.time() - 600)
        response = await ingress.post((body, old), as_user=None, path=made["path"])
        assert response.status_code == 401

    async def test_an_unsigned_request_is_a_401(self, ingress: Ingress, api: Api) -> None:
        made = await secret(api)
        response = await ingress.post(
            binary(cdevent("build.started")), as_user=None, path=made["path"]
        )
        assert response.status_code == 401

    async def test_a_revoked_secret_signs_nothing_more(self, ingress: Ingress, api: Api) -> None:
        made = await secret(api)
        await api.ok(
            REVOKE, {"i": {"id": made["id"], "version": made["version"]}}, as_user="payments-admin"
        )
        body, headers = binary(cdevent("build.started"))
        response = await ingress.post(
            (body, signed(body, headers, made["secret"])), as_user=None, path=made["path"]
        )
        assert response.status_code == 401

    async def test_an_unknown_secret_id_is_a_401(self, ingress: Ingress) -> None:
        body, headers = binary(cdevent("build.started"))
        for path in (
            "/cdevents/webhook/not-a-uuid",
            "/cdevents/webhook/6f1c7d1e-0000-4000-8000-000000000000",
        ):
            response = await ingress.post(
                (body, signed(body, headers, "x")), as_user=None, path=path
            )
            assert response.status_code == 401


class TestStockSignersAreAccepted:
    async def test_a_standard_webhooks_delivery_is_accepted_and_its_replay_changes_nothing(
        self, ingress: Ingress, api: Api
    ) -> None:
        made = await secret(api)
        assert made["standard"].startswith("whsec_")
        body, headers = binary(cdevent("build.started"))
        signed_headers = standard_signed(body, headers, made["standard"])
        first = await ingress.post((body, signed_headers), as_user=None, path=made["path"])
        assert first.status_code == 202, first.text
        replay = await ingress.post((body, signed_headers), as_user=None, path=made["path"])
        assert replay.status_code == 200 and replay.json()["duplicate"] is True

    async def test_a_github_signed_delivery_is_accepted(self, ingress: Ingress, api: Api) -> None:
        made = await secret(api)
        body, headers = binary(cdevent("build.started"))
        response = await ingress.post(
            (body, github_signed(body, headers, made["secret"])), as_user=None, path=made["path"]
        )
        assert response.status_code == 202, response.text

    @pytest.mark.parametrize("scheme", ["standard-webhooks", "github", "signalbox"])
    async def test_a_tampered_body_is_a_401_whatever_the_scheme(
        self, ingress: Ingress, api: Api, scheme: str
    ) -> None:
        made = await secret(api)
        body, headers = binary(cdevent("build.started"))
        signers = {
            "standard-webhooks": lambda: standard_signed(body, headers, made["standard"]),
            "github": lambda: github_signed(body, headers, made["secret"]),
            "signalbox": lambda: signed(body, headers, made["secret"]),
        }
        tampered = body.replace(b"build.started", b"build.queued")
        response = await ingress.post(
            (tampered, signers[scheme]()), as_user=None, path=made["path"]
        )
        assert response.status_code == 401
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_SIGNATURE"

    async def test_a_standard_webhooks_delivery_out_of_tolerance_is_a_401(
        self, ingress: Ingress, api: Api
    ) -> None:
        made = await secret(api)
        body, headers = binary(cdevent("build.started"))
        old = standard_signed(
            body, headers, made["standard"], datetime.now(UTC) - timedelta(minutes=10)
        )
        response = await ingress.post((body, old), as_user=None, path=made["path"])
        assert response.status_code == 401

    async def test_another_secrets_github_signature_is_a_401(
        self, ingress: Ingress, api: Api
    ) -> None:
        made, other = await secret(api), await secret(api)
        body, headers = binary(cdevent("build.started"))
        response = await ingress.post(
            (body, github_signed(body, headers, other["secret"])), as_user=None, path=made["path"]
        )
        assert response.status_code == 401


class TestSecretsAreAdministered:
    async def test_the_secret_is_never_listed(self, api: Api) -> None:
        made = await secret(api)
        data = await api.ok("{ webhookSecrets { id name prefix } }", as_user="auditor")
        assert any(n["id"] == made["id"] for n in data["webhookSecrets"])
        assert made["secret"] not in str(data)

    async def test_a_name_is_unique_in_its_business_unit(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        name = unique("argo")
        await api.ok(CREATE, {"i": {"businessUnitId": bu, "name": name}})
        again = await api.gql(CREATE, {"i": {"businessUnitId": bu, "name": name}})
        assert again["data"]["webhookSecretCreate"]["errors"][0]["code"] == "ALREADY_EXISTS"

    async def test_revoking_twice_or_with_an_old_version_is_refused(self, api: Api) -> None:
        made = await secret(api)
        await api.ok(REVOKE, {"i": {"id": made["id"], "version": made["version"]}})
        stale = await api.gql(REVOKE, {"i": {"id": made["id"], "version": made["version"]}})
        assert stale["data"]["webhookSecretRevoke"]["errors"][0]["code"] == "VERSION_CONFLICT"
