"""POST /cdevents/webhook/{secret id}: HMAC-signed CDEvents, no bearer token.

The middleware lets POSTs under the webhook prefix through without a bearer token; the
endpoint itself refuses anything whose signature does not verify.
"""

from __future__ import annotations

import time

from domain.pipelines.cdevents_rules import signature
from tests.api.conftest import Api, ids, unique
from tests.api.evidence_support import Ingress, binary, cdevent, ingress

__all__ = ["ingress"]
CREATE = """
mutation($i: WebhookSecretCreateInput!) { webhookSecretCreate(input: $i) {
  webhookSecret { id path prefix version } secret errors { code field } } }"""
REVOKE = """
mutation($i: WebhookSecretRevokeInput!) { webhookSecretRevoke(input: $i) {
  webhookSecret { id revokedAt } errors { code } } }"""


async def secret(api: Api) -> dict[str, str]:
    bu = (await ids(api))["payments"]
    data = await api.ok(
        CREATE, {"i": {"businessUnitId": bu, "name": unique("jenkins")}}, as_user="payments-admin"
    )
    made = data["webhookSecretCreate"]
    return {**made["webhookSecret"], "secret": made["secret"]}


def signed(
    body: bytes, headers: dict[str, str], key: str, at: float | None = None
) -> dict[str, str]:
    stamp = str(int(at if at is not None else time.time()))
    return {
        **headers,
        "x-signalbox-timestamp": stamp,
        "x-signalbox-signature": signature(key, stamp, body),
    }


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
