"""Every role against every support-rotation mutation and query, per authz/PERMISSIONS.md.

As in the readiness permission tests: the demo users hold their roles in payments (rmo and
auditor org-wide), and each case gets fresh data there. A swap is tried where the domain's own
rule cannot decide: the demo engineer and SRE are members of the rotation and take the shift
themselves; everyone else hands it to the engineer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.support_rotations_support import (
    ASSIGN,
    CREATE,
    SWAP,
    UPDATE,
    grant,
    person_of,
    production_release,
    rotation,
    team_with_service,
)
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _demo_members(api: Api) -> list[str]:
    payments = (await ids(api))["payments"]
    return [
        await grant(api, payments),
        await person_of(api, "engineer"),
        await person_of(api, "sre"),
    ]


async def _team(api: Api) -> dict[str, Any]:
    team, service = await team_with_service(api)
    return {"team": team, "service": service, "members": await _demo_members(api)}


async def _rotation(api: Api) -> dict[str, Any]:
    ctx = await _team(api)
    return {**ctx, "rotation": await rotation(api, ctx["team"], ctx["members"])}


async def _release(api: Api) -> dict[str, Any]:
    ctx = await _rotation(api)
    opens = api.runtime.clock.now() + timedelta(days=1)
    rel = await production_release(
        api, "payments", ctx["service"], opens, as_user="release-manager"
    )
    return {**ctx, "release": rel}


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "supportRotationCreate",
        "support_rotation",
        "create",
        _team,
        CREATE,
        lambda c: {
            "teamId": c["team"],
            "name": unique("R"),
            "memberIds": c["members"],
            "handoverTime": "09:00",
            "timeZone": "Europe/Zurich",
            "shiftLengthDays": 7,
            "startsOn": "2026-03-02",
        },
    ),
    (
        "supportRotationUpdate",
        "support_rotation",
        "update",
        _rotation,
        UPDATE,
        lambda c: {"id": c["rotation"]["id"], "version": 1, "handoverTime": "10:00"},
    ),
    (
        "releaseWatchersAssign",
        "release_watch",
        "create",
        _release,
        ASSIGN,
        lambda c: {"releaseId": c["release"]["id"]},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_support_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_a_swap_is_the_matrix_when_the_member_takes_the_shift(api: Api, role: str) -> None:
    ctx = await _rotation(api)
    own = await person_of(api, USERS[role]) if role in ("engineer", "sre") else None
    body = await api.gql(
        SWAP,
        {
            "i": {
                "rotationId": ctx["rotation"]["id"],
                "shiftNumber": 12,  # the first member's (not a demo user's), two days ahead
                "coveringMemberId": own or ctx["members"][1],
                "reason": "Permission check",
            }
        },
        as_user=USERS[role],
    )
    assert outcome(body) is expected(role, "support_swap", "create", org_level=False), (
        role,
        body,
    )


READ = """query($r: ID!, $rel: ID!) {
  rotation: node(id: $r) { ... on SupportRotation { id } }
  release: node(id: $rel) { ... on Release { watchers { primary { id } } } } }"""


@pytest.mark.parametrize("role", list(USERS))
async def test_support_queries_show_data_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _release(api)
    await api.ok(ASSIGN, {"i": {"releaseId": ctx["release"]["id"]}}, as_user="release-manager")
    body = await api.gql(
        READ, {"r": ctx["rotation"]["id"], "rel": ctx["release"]["id"]}, as_user=USERS[role]
    )
    assert not body.get("errors"), body
    may = expected(role, "support_rotation", "read", org_level=False)
    assert bool(body["data"]["rotation"]) is may, (role, body)
    release = body["data"]["release"]
    assert bool(release and release["watchers"]) is may, (role, body)
    listed = await api.gql(
        "query($t: ID) { supportRotations(filter: {teamId: $t}) { nodes { id } } }",
        {"t": ctx["team"]},
        as_user=USERS[role],
    )
    assert len(listed["data"]["supportRotations"]["nodes"]) == (1 if may else 0), (role, listed)
