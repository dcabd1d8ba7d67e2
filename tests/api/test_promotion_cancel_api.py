"""Cancelling a waiting promotion through GraphQL: every role against authz/PERMISSIONS.md
(`promotion/update`), the requester's own cancel, the audit trail, and the typed codes.

The promotion is asked for a new payments service into a new staging environment (it waits
for an approval and evidence). For the matrix it is requested by the RMO, who may cancel
anyway, so only the role decides.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from api.graphql.relay import from_global_id
from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.governance_support import services
from tests.api.test_permission_matrix import USERS, expected, outcome

REQUEST = """mutation($i: PromotionAskInput!) { promotionRequest(input: $i) {
  promotion { id version status expiresAt createdAt } errors { code } } }"""
CANCEL = """mutation($i: PromotionCancelInput!) { promotionCancel(input: $i) {
  promotion { id status summary version } decision { allowed } errors { code field } } }"""
AUDIT = """query($id: String!) { auditRecords(filter: {entityId: $id}, first: 20) {
  nodes { action rule actorUsername } } }"""


async def requested(api: Api, as_user: str) -> dict[str, Any]:
    """A promotion of a new payments service to a new staging environment: it waits for an
    approval and for evidence (nothing another test did to a demo service decides it)."""
    [service] = await services(api, "payments")
    env = await environment(api)
    body = await api.ok(
        REQUEST,
        {"i": {"serviceId": service, "environmentId": env["id"], "artifactVersion": "2.0"}},
        as_user=as_user,
    )
    promotion = body["promotionRequest"]["promotion"]
    assert promotion["status"] == "WAITING", body
    return promotion  # type: ignore[no-any-return]


def cancel(promotion: dict[str, Any], reason: str = "") -> dict[str, Any]:
    return {"i": {"id": promotion["id"], "version": promotion["version"], "reason": reason}}


@pytest.mark.parametrize("role", list(USERS))
async def test_cancel_is_allowed_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    promotion = await requested(api, "rmo")
    body = await api.gql(CANCEL, cancel(promotion), as_user=USERS[role])
    assert outcome(body) is expected(role, "promotion", "update", org_level=False), (role, body)


class TestTheRequesterCancelsTheirOwn:
    async def test_ci_cancels_what_it_asked_and_the_audit_trail_says_so(self, api: Api) -> None:
        promotion = await requested(api, "ci")
        body = await api.ok(CANCEL, cancel(promotion, "Superseded by 2.1."), as_user="ci")
        payload = body["promotionCancel"]
        assert payload["errors"] == [] and payload["decision"] is None
        assert payload["promotion"]["status"] == "CANCELLED"
        assert payload["promotion"]["summary"].endswith(": Superseded by 2.1.")
        raw = str(from_global_id(promotion["id"]))
        records = (await api.ok(AUDIT, {"id": raw}))["auditRecords"]["nodes"]
        assert [r["action"] for r in records][-1] == "promotion.cancel"
        assert records[-1]["rule"].startswith("requester of the promotion; ")
        assert records[-1]["actorUsername"] == "ci"

    async def test_a_promotion_cancelled_or_stale_answers_a_typed_code(self, api: Api) -> None:
        promotion = await requested(api, "engineer")
        await api.ok(CANCEL, cancel(promotion), as_user="engineer")
        again = (await api.gql(CANCEL, cancel(promotion), as_user="release-manager"))["data"]
        assert again["promotionCancel"]["errors"] == [
            {"code": "VERSION_CONFLICT", "field": "version"}
        ]
        fresh = {**promotion, "version": promotion["version"] + 1}
        body = (await api.gql(CANCEL, cancel(fresh), as_user="release-manager"))["data"]
        assert body["promotionCancel"]["errors"] == [{"code": "PROMOTION_CANCELLED", "field": None}]

    async def test_the_promotion_says_when_it_expires(self, api: Api) -> None:
        promotion = await requested(api, "ci")
        asked = datetime.fromisoformat(promotion["createdAt"])
        assert datetime.fromisoformat(promotion["expiresAt"]) == asked + timedelta(hours=168)


async def test_the_demo_shows_a_cancelled_promotion_with_its_reason(api: Api) -> None:
    body = await api.ok(
        """{ promotions(filter: {status: "cancelled"}, first: 100) { nodes {
          artifactVersion status summary expiresAt service { key } } } }""",
        as_user="release-manager",
    )
    [demo] = [n for n in body["promotions"]["nodes"] if n["artifactVersion"] == "3.8.0"]
    assert demo["service"]["key"] == "card-gateway" and demo["status"] == "CANCELLED"
    assert demo["summary"].endswith(
        ": Superseded by 3.8.1 (the release train moved to the fixed build)."
    )
    assert demo["expiresAt"] is not None
