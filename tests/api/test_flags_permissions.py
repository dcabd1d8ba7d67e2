"""Every role against every flags mutation and the flag list, per authz/PERMISSIONS.md.

As in test_calendar_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried on a payments flag and must run exactly where the matrix
ticks. Pending changes are asked for by a person of their own, so the no-self-approval rule
never decides here; states are set in staging, so no approval is due.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.test_calendar_permissions import requester
from tests.api.test_flags_api import create_flag, segment, set_state
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _payments(api: Api) -> dict[str, Any]:
    return {"bu": (await ids(api))["payments"], "service": "fx-rates"}


async def _flag(api: Api) -> dict[str, Any]:
    return {**await _payments(api), "flag": await create_flag(api)}


async def _pending(api: Api) -> dict[str, Any]:
    ctx = await _payments(api)
    flag = await create_flag(api, service="payout-scheduler")
    asked = await set_state(api, flag["id"], "production", as_user=await requester(api))
    assert asked["change"]["status"] == "PENDING", asked
    return {**ctx, "change": asked["change"]["id"]}


async def _segment(api: Api) -> dict[str, Any]:
    made = await segment(api, [{"attribute": "plan", "operator": "IN", "values": ["gold"]}])
    return {**await _payments(api), "segment": made}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


async def _service_id(api: Api, key: str) -> str:
    from tests.api.test_flags_api import service_id

    return await service_id(api, key)


MUTATIONS: list[tuple[str, str, Fixture, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    (
        "flagCreate",
        "create",
        _payments,
        lambda c: {
            "serviceId": c["service_id"],
            "key": unique("flag"),
            "name": "F",
            "kind": "OPS",
        },
    ),
    (
        "flagUpdate",
        "update",
        _flag,
        lambda c: {"id": c["flag"]["id"], "version": 1, "name": "Renamed"},
    ),
    ("flagArchive", "delete", _flag, lambda c: {"id": c["flag"]["id"], "version": 1}),
    ("flagKill", "update", _flag, lambda c: {"id": c["flag"]["id"], "reason": "Stop it"}),
    (
        "flagEnvironmentUpdate",
        "update",
        _flag,
        lambda c: {"flagId": c["flag"]["id"], "environment": "staging", "enabled": True},
    ),
    ("flagChangeApprove", "approve", _pending, lambda c: {"id": c["change"]}),
    ("flagChangeReject", "approve", _pending, lambda c: {"id": c["change"]}),
    (
        "flagSegmentCreate",
        "create",
        _payments,
        lambda c: {
            "key": unique("seg"),
            "name": "S",
            "businessUnitId": c["bu"],
            "conditions": [{"attribute": "plan", "operator": "IN", "values": ["gold"]}],
        },
    ),
    (
        "flagSegmentUpdate",
        "update",
        _segment,
        lambda c: {
            "id": c["segment"]["id"],
            "version": 1,
            "conditions": [{"attribute": "plan", "operator": "IN", "values": ["silver"]}],
        },
    ),
]
INPUTS = {
    "flagCreate": "FlagCreateInput",
    "flagUpdate": "FlagUpdateInput",
    "flagArchive": "FlagArchiveInput",
    "flagKill": "FlagKillInput",
    "flagEnvironmentUpdate": "FlagEnvironmentUpdateInput",
    "flagChangeApprove": "FlagChangeDecisionInput",
    "flagChangeReject": "FlagChangeDecisionInput",
    "flagSegmentCreate": "FlagSegmentCreateInput",
    "flagSegmentUpdate": "FlagSegmentUpdateInput",
}


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_flag_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, action, fixture, make_input = case
    ctx = await fixture(api)
    ctx["service_id"] = await _service_id(api, ctx["service"])
    body = await api.gql(_m(name, INPUTS[name]), {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, "flag", action, org_level=False), (name, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_flags_are_listed_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    await create_flag(api)
    body = await api.gql("{ flags(first: 1) { nodes { id } } }", as_user=USERS[role])
    visible = False if body.get("errors") else bool(body["data"]["flags"]["nodes"])
    assert visible is expected(role, "flag", "read", org_level=False), (role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_ofrep_evaluates_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    from tests.api.test_flags_api import ofrep

    flag = await create_flag(api)
    await set_state(api, flag["id"], "staging")
    answer = await ofrep(
        api, flag["key"], {"targetingKey": "u"}, environment="staging", as_user=USERS[role]
    )
    assert (answer.status_code == 200) is expected(role, "flag", "evaluate", org_level=False)
