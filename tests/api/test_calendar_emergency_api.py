"""The emergency path during a freeze through GraphQL: a hotfix's window and its freeze exception
in one step, blocked by the freeze until someone else approves, then listed for review."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.conftest import Api, ids, unique
from tests.api.test_calendar_api import (
    EXC_APPROVE,
    EXC_FIELDS,
    approved_freeze,
    iso,
    release,
)

PLAN_IN_FREEZE = f"""mutation($i: DeploymentWindowPlanInFreezeInput!) {{
  deploymentWindowPlanInFreeze(input: $i) {{
    deploymentWindow {{ id kind releaseId }}
    conflicts {{ kind severity freeze {{ id }} }}
    {EXC_FIELDS}
  }}
}}"""
CONFLICTS = (
    """query($i: WindowConflictsInput!) { windowConflicts(input: $i) { kind freeze { id } } }"""
)
LEFT = """query($f: DeploymentWindowFilter, $id: ID!) {
  deploymentWindows(filter: $f) { nodes { id } }
  node(id: $id) { ... on Freeze { exceptions { id } } }
}"""


async def frozen(api: Api, release_type: str = "hotfix") -> dict[str, Any]:
    """A release and an approved freeze over a slot that ended an hour ago (an emergency
    handled at night, recorded the morning after)."""
    rel = await release(api, title=unique("hotfix"), release_type=release_type)
    now = api.runtime.clock.now()
    slot = (now - timedelta(hours=3), now - timedelta(hours=1))
    env = unique("env")
    freeze = await approved_freeze(
        api,
        environments=[env],
        startsAt=iso(slot[0] - timedelta(hours=1)),
        endsAt=iso(slot[1] + timedelta(hours=1)),
    )
    return {"release": rel, "freeze": freeze["id"], "env": env, "slot": slot, "now": now}


def plan_input(ctx: dict[str, Any], bu: str, **fields: Any) -> dict[str, Any]:
    start, end = ctx["slot"]
    return {
        "businessUnitId": bu,
        "releaseId": ctx["release"],
        "freezeId": ctx["freeze"],
        "title": "Card declines fix",
        "startsAt": iso(start),
        "endsAt": iso(end),
        "environment": ctx["env"],
        "justification": "Card declines in production",
        "expiresAt": iso(ctx["now"] + timedelta(hours=1)),
        **fields,
    }


async def plan_in_freeze(api: Api, ctx: dict[str, Any], **fields: Any) -> dict[str, Any]:
    bu = (await ids(api))["payments"]
    body = await api.gql(
        PLAN_IN_FREEZE, {"i": plan_input(ctx, bu, **fields)}, as_user="release-manager"
    )
    return body["data"]["deploymentWindowPlanInFreeze"]


async def freeze_conflicts(api: Api, ctx: dict[str, Any], window: str) -> list[str]:
    start, end = ctx["slot"]
    check = {
        "businessUnitId": (await ids(api))["payments"],
        "startsAt": iso(start),
        "endsAt": iso(end),
        "releaseId": ctx["release"],
        "environment": ctx["env"],
        "windowId": window,
    }
    found = (await api.ok(CONFLICTS, {"i": check}))["windowConflicts"]
    return [c["freeze"]["id"] for c in found if c["kind"] == "FREEZE"]


async def left_behind(api: Api, ctx: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    data = await api.ok(
        LEFT, {"f": {"releaseId": ctx["release"], "includeCancelled": True}, "id": ctx["freeze"]}
    )
    return data["deploymentWindows"]["nodes"], data["node"]["exceptions"]


class TestAHotfixDuringAFreezeGoesThroughInOneStep:
    async def test_planned_requested_approved_by_someone_else_and_listed_for_review(
        self, api: Api
    ) -> None:
        ctx = await frozen(api)
        done = await plan_in_freeze(api, ctx)
        assert done["errors"] == []
        window, exc = done["deploymentWindow"], done["freezeException"]
        assert (window["kind"], window["releaseId"]) == ("RELEASE", ctx["release"])
        assert exc["status"] == "REQUESTED" and exc["window"]["id"] == window["id"]
        assert exc["requestedBy"]["username"] == "release-manager"
        assert [(c["kind"], c["severity"], c["freeze"]["id"]) for c in done["conflicts"]] == [
            ("FREEZE", "BLOCKING", ctx["freeze"])
        ]
        # The freeze binds the window until the exception is approved, by someone else.
        assert await freeze_conflicts(api, ctx, window["id"]) == [ctx["freeze"]]
        own = await api.gql(EXC_APPROVE, {"i": {"id": exc["id"]}}, as_user="release-manager")
        assert [e["code"] for e in own["data"]["freezeExceptionApprove"]["errors"]] == [
            "SELF_APPROVAL"
        ]
        await api.ok(EXC_APPROVE, {"i": {"id": exc["id"]}}, as_user="payments-admin")
        assert await freeze_conflicts(api, ctx, window["id"]) == []
        listed = await api.ok("{ freezeExceptionsForReview(first: 500) { nodes { id } } }")
        assert exc["id"] in [n["id"] for n in listed["freezeExceptionsForReview"]["nodes"]]


class TestOnlyAHotfixTakesTheEmergencyPath:
    async def test_a_standard_release_is_refused_with_a_stable_code(self, api: Api) -> None:
        ctx = await frozen(api, release_type="standard")
        refused = await plan_in_freeze(api, ctx)
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [
            ("NOT_A_HOTFIX", "releaseId")
        ]
        assert refused["deploymentWindow"] is None and refused["freezeException"] is None
        assert await left_behind(api, ctx) == ([], [])


class TestARefusalHalfWayLeavesNeitherWindowNorException:
    async def test_an_expiry_refused_after_the_window_was_planned_leaves_nothing(
        self, api: Api
    ) -> None:
        ctx = await frozen(api)
        expired: datetime = ctx["now"] - timedelta(minutes=5)
        refused = await plan_in_freeze(api, ctx, expiresAt=iso(expired))
        assert [e["code"] for e in refused["errors"]] == ["INVALID_EXPIRY"]
        assert refused["deploymentWindow"] is None and refused["freezeException"] is None
        assert await left_behind(api, ctx) == ([], [])
