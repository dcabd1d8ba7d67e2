"""A freeze stakeholder's decision as an enum through GraphQL (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, ids, unique
from tests.api.test_calendar_api import APPROVE, FREEZE_FIELDS, PROPOSE, hours, iso, people

REJECT = f"mutation($i: FreezeDecisionInput!) {{ freezeReject(input: $i) {{ {FREEZE_FIELDS} }} }}"


def decisions(freeze: dict[str, Any]) -> dict[str, Any]:
    return {s["person"]["username"]: s["decision"] for s in freeze["stakeholders"]}


class TestEachStakeholderDecisionReadsAsAnEnum:
    async def test_undecided_approved_then_rejected(self, api: Api) -> None:
        who = await people(api)
        start, end = hours()
        proposal = {
            "startsAt": iso(start),
            "endsAt": iso(end),
            "title": unique("freeze"),
            "scope": "ENVIRONMENTS",
            "businessUnitId": (await ids(api))["payments"],
            "environments": [unique("env")],
            "stakeholderIds": [who["rmo"], who["approver"]],
        }
        freeze = (await api.ok(PROPOSE, {"i": proposal}))["freezePropose"]["freeze"]
        assert decisions(freeze) == {"rmo": None, "approver": None}
        approved = await api.ok(APPROVE, {"i": {"id": freeze["id"]}}, as_user="approver")
        assert decisions(approved["freezeApprove"]["freeze"]) == {
            "rmo": None,
            "approver": "APPROVED",
        }
        rejected = await api.ok(REJECT, {"i": {"id": freeze["id"]}}, as_user="rmo")
        freeze = rejected["freezeReject"]["freeze"]
        assert decisions(freeze) == {"rmo": "REJECTED", "approver": "APPROVED"}
        assert freeze["status"] == "REJECTED"
