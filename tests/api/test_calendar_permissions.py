"""Every role against every calendar mutation and query family, per authz/PERMISSIONS.md.

As in test_permission_matrix: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried in payments and must run exactly where the matrix ticks.
Freezes name every demo user as a stakeholder, and exceptions are requested by a person of
their own, so the domain's own rules (stakeholders only, no self-approval) never decide here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.test_calendar_api import (
    PROPOSE,
    REQUEST,
    approved_freeze,
    hours,
    iso,
    people,
    plan,
    release,
)
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]
_requester: dict[int, str] = {}


async def requester(api: Api) -> str:
    """A release manager in payments who is none of the demo users."""
    if id(api) not in _requester:
        name = unique("requester")
        bu = (await ids(api))["payments"]
        made = await api.ok(
            "mutation($i: PersonCreateInput!) { personCreate(input: $i) { person { id } errors { code } } }",
            {"i": {"username": name, "displayName": "Requester"}},
        )
        await api.ok(
            "mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) { errors { code } } }",
            {
                "i": {
                    "personId": made["personCreate"]["person"]["id"],
                    "role": "RELEASE_MANAGER",
                    "businessUnitId": bu,
                }
            },
        )
        _requester[id(api)] = name
    return _requester[id(api)]


async def _payments(api: Api) -> dict[str, Any]:
    return {"bu": (await ids(api))["payments"]}


async def _window(api: Api) -> dict[str, Any]:
    made = await plan(api)
    return {**await _payments(api), "window": made["deploymentWindow"]["id"]}


async def _proposed(api: Api) -> dict[str, Any]:
    ctx = await _payments(api)
    start, end = hours()
    who = await people(api)
    everyone = [who[u] for u in USERS.values()]  # the demo users: other tests deactivate people
    data = await api.ok(
        PROPOSE,
        {
            "i": {
                "title": "F",
                "scope": "ENVIRONMENTS",
                "businessUnitId": ctx["bu"],
                "environments": [unique("env")],
                "startsAt": iso(start),
                "endsAt": iso(end),
                "stakeholderIds": everyone,
            }
        },
    )
    return {**ctx, "freeze": data["freezePropose"]["freeze"]["id"]}


async def _frozen_release_window(api: Api) -> dict[str, Any]:
    """A release window that an approved freeze covers (the window predates the freeze)."""
    ctx = await _payments(api)
    rel = await release(api)
    env = unique("env")
    now = api.runtime.clock.now()
    slot = (now - timedelta(days=1), now - timedelta(days=1) + timedelta(hours=2))
    window = (await plan(api, kind="RELEASE", releaseId=rel, environment=env, at=slot))[
        "deploymentWindow"
    ]
    freeze = await approved_freeze(
        api, environments=[env], startsAt=iso(slot[0]), endsAt=iso(slot[1])
    )
    return {**ctx, "release": rel, "window": window["id"], "freeze": freeze["id"], "now": now}


async def _requested(api: Api) -> dict[str, Any]:
    ctx = await _frozen_release_window(api)
    data = await api.ok(
        REQUEST,
        {
            "i": {
                "freezeId": ctx["freeze"],
                "windowId": ctx["window"],
                "justification": "Needed",
                "expiresAt": iso(ctx["now"] + timedelta(hours=1)),
            }
        },
        as_user=await requester(api),
    )
    return {**ctx, "exception": data["freezeExceptionRequest"]["freezeException"]["id"]}


async def _approved_exception(api: Api) -> dict[str, Any]:
    ctx = await _requested(api)
    await api.ok(
        "mutation($i: FreezeExceptionDecisionInput!) { freezeExceptionApprove(input: $i) { errors { code } } }",
        {"i": {"id": ctx["exception"]}},
    )
    return ctx


async def _release(api: Api) -> dict[str, Any]:
    ctx = await _payments(api)
    who = await people(api)
    return {**ctx, "release": await release(api), "rmo": who["rmo"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    (
        "deploymentWindowPlan",
        "deployment_window",
        "create",
        _payments,
        _m("deploymentWindowPlan", "DeploymentWindowPlanInput"),
        lambda c: {
            "businessUnitId": c["bu"],
            "kind": "MAINTENANCE",
            "title": "W",
            "startsAt": iso(hours()[0]),
            "endsAt": iso(hours()[0] + timedelta(hours=1)),
        },
    ),
    (
        "deploymentWindowMove",
        "deployment_window",
        "update",
        _window,
        _m("deploymentWindowMove", "DeploymentWindowMoveInput"),
        lambda c: {
            "id": c["window"],
            "version": 1,
            "startsAt": iso(hours()[0]),
            "endsAt": iso(hours()[0] + timedelta(hours=1)),
        },
    ),
    (
        "deploymentWindowCancel",
        "deployment_window",
        "delete",
        _window,
        _m("deploymentWindowCancel", "DeploymentWindowCancelInput"),
        lambda c: {"id": c["window"], "version": 1},
    ),
    (
        "freezePropose",
        "freeze",
        "create",
        _payments,
        _m("freezePropose", "FreezeProposeInput"),
        lambda c: {
            "title": "F",
            "scope": "BU",
            "businessUnitId": c["bu"],
            "startsAt": iso(hours()[0]),
            "endsAt": iso(hours()[0] + timedelta(hours=1)),
            "stakeholderIds": [c["stakeholder"]],
        },
    ),
    (
        "freezeApprove",
        "freeze",
        "approve",
        _proposed,
        _m("freezeApprove", "FreezeDecisionInput"),
        lambda c: {"id": c["freeze"]},
    ),
    (
        "freezeReject",
        "freeze",
        "approve",
        _proposed,
        _m("freezeReject", "FreezeDecisionInput"),
        lambda c: {"id": c["freeze"]},
    ),
    (
        "freezeRetire",
        "freeze",
        "update",
        _proposed,
        _m("freezeRetire", "FreezeRetireInput"),
        lambda c: {"id": c["freeze"], "version": 1},
    ),
    (
        "freezeExceptionRequest",
        "freeze_exception",
        "create",
        _frozen_release_window,
        _m("freezeExceptionRequest", "FreezeExceptionRequestInput"),
        lambda c: {
            "freezeId": c["freeze"],
            "windowId": c["window"],
            "justification": "J",
            "expiresAt": iso(c["now"] + timedelta(hours=1)),
        },
    ),
    (
        "freezeExceptionApprove",
        "freeze_exception",
        "approve",
        _requested,
        _m("freezeExceptionApprove", "FreezeExceptionDecisionInput"),
        lambda c: {"id": c["exception"]},
    ),
    (
        "freezeExceptionReject",
        "freeze_exception",
        "approve",
        _requested,
        _m("freezeExceptionReject", "FreezeExceptionDecisionInput"),
        lambda c: {"id": c["exception"]},
    ),
    (
        "freezeExceptionReview",
        "freeze_exception",
        "update",
        _approved_exception,
        _m("freezeExceptionReview", "FreezeExceptionReviewInput"),
        lambda c: {"id": c["exception"], "note": "ok"},
    ),
    (
        "alignmentRecord",
        "alignment",
        "create",
        _release,
        _m("alignmentRecord", "AlignmentRecordInput"),
        lambda c: {
            "quarter": "2031-Q1",
            "businessUnitId": c["bu"],
            "agreedBy": [c["rmo"]],
            "ranking": [{"releaseId": c["release"], "rank": 1, "rationale": "Revenue"}],
        },
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_calendar_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    ctx["stakeholder"] = (await people(api))[USERS[role]]
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


async def _frozen_hotfix(api: Api) -> dict[str, Any]:
    """A hotfix release and an approved freeze over a fresh slot."""
    ctx = await _payments(api)
    start, end = hours()
    env = unique("env")
    freeze = await approved_freeze(api, environments=[env], startsAt=iso(start), endsAt=iso(end))
    rel = await release(api, release_type="hotfix")
    return {**ctx, "release": rel, "freeze": freeze["id"], "env": env, "slot": (start, end)}


@pytest.mark.parametrize("role", list(USERS))
async def test_planning_in_a_freeze_needs_both_window_and_exception_creation(
    api: Api, role: str
) -> None:
    ctx = await _frozen_hotfix(api)
    start, end = ctx["slot"]
    given = {
        "businessUnitId": ctx["bu"],
        "releaseId": ctx["release"],
        "freezeId": ctx["freeze"],
        "title": "Hotfix",
        "startsAt": iso(start),
        "endsAt": iso(end),
        "environment": ctx["env"],
        "justification": "J",
    }
    mutation = _m("deploymentWindowPlanInFreeze", "DeploymentWindowPlanInFreezeInput")
    body = await api.gql(mutation, {"i": given}, as_user=USERS[role])
    allowed = expected(role, "deployment_window", "create", org_level=False) and expected(
        role, "freeze_exception", "create", org_level=False
    )
    assert outcome(body) is allowed, (role, body)


QUERIES = [
    (
        "deployment_window",
        "{ deploymentWindows(first: 1) { nodes { id } } }",
        lambda d: d["deploymentWindows"]["nodes"],
    ),
    ("freeze", "{ freezes(first: 1) { nodes { id } } }", lambda d: d["freezes"]["nodes"]),
    ("alignment", "{ alignments(first: 1) { nodes { id } } }", lambda d: d["alignments"]["nodes"]),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_calendar_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    await _release(api)
    await _proposed(api)
    await plan(api)
    rel = await release(api)
    await api.ok(
        _m("alignmentRecord", "AlignmentRecordInput"),
        {
            "i": {
                "quarter": "2031-Q2",
                "businessUnitId": (await ids(api))["payments"],
                "agreedBy": [(await people(api))["rmo"]],
                "ranking": [{"releaseId": rel, "rank": 1}],
            }
        },
    )
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
