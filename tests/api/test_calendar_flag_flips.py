"""A flag flip's calendar entry says who flipped it, why, what percentage, with a link to the
change (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.api.conftest import Api
from tests.api.test_flags_api import APPROVE, KILL, create_flag, set_state

FLIPS = """query($i: CalendarInput!) { calendar(input: $i) { productionChanges {
  flagKey flagId environment action changeId reason note enabled rolloutPercentages
  flippedBy { username } appliedBy { username } } } }"""
CHANGE = """query($id: ID!) { node(id: $id) { ... on FlagChange { id reason status
  flag { id } } } }"""
RAMP = [{"description": "Ramp", "rollout": {"percentage": 25}}, {"userIds": ["u1"]}]


async def flips(api: Api, key: str) -> list[dict[str, Any]]:
    now = api.runtime.clock.now()
    window = {
        "from": (now - timedelta(hours=1)).isoformat(),
        "to": (now + timedelta(hours=1)).isoformat(),
    }
    data = await api.ok(FLIPS, {"i": window}, as_user="viewer")
    return [c for c in data["calendar"]["productionChanges"] if c["flagKey"] == key]


class TestAFlipSaysWhoWhyWhatPercentageWithALink:
    async def test_a_direct_flip_names_its_flipper_reason_rollout_and_change(
        self, api: Api
    ) -> None:
        flag = await create_flag(api)
        done = await set_state(
            api, flag["id"], as_user="release-manager", rules=RAMP, reason="Ramp the checkout."
        )
        [flip] = await flips(api, flag["key"])
        assert flip["changeId"] == done["change"]["id"] and flip["flagId"] == flag["id"]
        assert (flip["action"], flip["reason"], flip["note"]) == (
            "ENVIRONMENT",
            "Ramp the checkout.",
            "",
        )
        assert (flip["enabled"], flip["rolloutPercentages"]) == (True, [25])
        assert flip["flippedBy"] == flip["appliedBy"] == {"username": "release-manager"}
        change = (await api.ok(CHANGE, {"id": flip["changeId"]}))["node"]
        assert (change["reason"], change["flag"]["id"]) == ("Ramp the checkout.", flag["id"])

    async def test_an_approved_flip_names_its_approver_and_note(self, api: Api) -> None:
        flag = await create_flag(api, service="payout-scheduler", as_user="release-manager")
        asked = await set_state(api, flag["id"], as_user="release-manager", reason="Payouts v2.")
        approval = {"id": asked["change"]["id"], "note": "Checked the runbook."}
        await api.ok(APPROVE, {"i": approval}, as_user="payments-admin")
        [flip] = await flips(api, flag["key"])
        assert (flip["reason"], flip["note"]) == ("Payouts v2.", "Checked the runbook.")
        assert flip["flippedBy"] == {"username": "release-manager"}
        assert flip["appliedBy"] == {"username": "payments-admin"}
        assert (flip["enabled"], flip["rolloutPercentages"]) == (True, [])

    async def test_a_kill_sets_no_single_state(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"], rules=RAMP)
        await api.ok(KILL, {"i": {"id": flag["id"], "reason": "Errors spiking."}})
        kill = [f for f in await flips(api, flag["key"]) if f["action"] == "KILL"]
        assert kill and all(k["enabled"] is None and k["rolloutPercentages"] == [] for k in kill)
        assert {k["reason"] for k in kill} == {"Errors spiking."}
