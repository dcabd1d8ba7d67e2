"""A production promotion world ready to be approved, and one whose promotion is allowed."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.governance_support import SIGN, move
from tests.api.test_promotion_decision import APPROVE, DEFINITION, REQUEST, ask, scan, world


async def approved_world(api: Api, definition: str = DEFINITION) -> dict[str, Any]:
    """A world (test_promotion_decision) with a clean scan, its release's sign-offs given and
    the release approved: a production promotion of it waits only for its approvals (and what
    the stages of its pipeline `definition` list)."""
    w = await world(api, definition=definition)
    await scan(api, w, critical=0)
    return {**w, "release": await signed_and_approved(api, w)}


async def signed_and_approved(api: Api, w: dict[str, Any]) -> dict[str, Any]:
    """The world's release with its sign-offs given (legal, compliance), approved."""
    for requirement, signer in (("data_sovereignty", "legal"), ("privacy_impact", "compliance")):
        body = await api.gql(
            SIGN,
            {"i": {"releaseId": w["release"]["id"], "requirement": requirement}},
            as_user=signer,
        )
        assert body["data"]["signOffGive"]["errors"] == [], body
    approved = await move(api, w["release"], "Approve")
    assert approved["errors"] == [], approved
    return approved["release"]  # type: ignore[no-any-return]


async def allowed_promotion(api: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    """An approved world whose production promotion two independent approvers allowed."""
    w = await approved_world(api)
    promotion = (await api.ok(REQUEST, {"i": ask(w)}, as_user="engineer"))["promotionRequest"][
        "promotion"
    ]
    for approver in ("eng-approver", "payments-admin"):
        done = await api.ok(
            APPROVE,
            {"i": {"id": promotion["id"], "version": promotion["version"]}},
            as_user=approver,
        )
        promotion = done["promotionApprove"]["promotion"]
    assert promotion["status"] == "ALLOWED", promotion
    return w, promotion
