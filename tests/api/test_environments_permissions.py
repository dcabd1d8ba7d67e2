"""Every role against every environments mutation and query family, per authz/PERMISSIONS.md.

As in test_calendar_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried in payments and must run exactly where the matrix ticks.
Each case gets fresh environments and reservations, so the domain's own rules never decide.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.environments_support import REPORT, digest, environment, hours, reserve, train
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _payments(api: Api) -> dict[str, Any]:
    return {"bu": (await ids(api))["payments"]}


async def _environment(api: Api) -> dict[str, Any]:
    return {**await _payments(api), "env": (await environment(api))["id"]}


async def _granted(api: Api) -> dict[str, Any]:
    ctx = await _environment(api)
    made = await reserve(api, {"id": ctx["env"]}, 0, 2, as_user="rmo")
    return {**ctx, "reservation": made["reservation"]["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[Api, dict[str, Any]], Any]]] = [
    (
        "environmentCreate",
        "environment",
        "create",
        _payments,
        _m("environmentCreate", "EnvironmentCreateInput"),
        lambda api, c: {
            "key": unique("env"),
            "name": "E",
            "kind": "TEST",
            "businessUnitId": c["bu"],
        },
    ),
    (
        "environmentUpdate",
        "environment",
        "update",
        _environment,
        _m("environmentUpdate", "EnvironmentUpdateInput"),
        lambda api, c: {"id": c["env"], "version": 1, "capacity": 2},
    ),
    (
        "environmentRetire",
        "environment",
        "delete",
        _environment,
        _m("environmentRetire", "EnvironmentRetireInput"),
        lambda api, c: {"id": c["env"], "version": 1},
    ),
    (
        "reservationRequest",
        "reservation",
        "create",
        _environment,
        _m("reservationRequest", "ReservationRequestInput"),
        lambda api, c: {
            "environmentId": c["env"],
            "holderKind": "TRAIN",
            "holderId": train(),
            "startsAt": hours(api, 0, 1)[0],
            "endsAt": hours(api, 0, 1)[1],
        },
    ),
    (
        "reservationRelease",
        "reservation",
        "update",
        _granted,
        _m("reservationRelease", "ReservationReleaseInput"),
        lambda api, c: {"id": c["reservation"], "version": 1},
    ),
    (
        "reservationCancel",
        "reservation",
        "delete",
        _granted,
        _m("reservationCancel", "ReservationCancelInput"),
        lambda api, c: {"id": c["reservation"], "version": 1},
    ),
    (
        "configSnapshotReport",
        "config_snapshot",
        "create",
        _environment,
        _m("configSnapshotReport", "ConfigSnapshotReportInput"),
        lambda api, c: {
            "environmentId": c["env"],
            "images": [{"service": "api", "digest": digest(1)}],
        },
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_environments_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(api, ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


QUERIES = [
    (
        "environment",
        "{ environments(first: 1) { nodes { id } } }",
        lambda d: d["environments"]["nodes"],
    ),
    (
        "reservation",
        "{ environments(first: 500) { nodes { reservations(first: 1) { nodes { id } } } } }",
        lambda d: [r for n in d["environments"]["nodes"] for r in n["reservations"]["nodes"]],
    ),
    (
        "config_snapshot",
        "{ environments(first: 500) { nodes { currentSnapshot { id } } } }",
        lambda d: [n for n in d["environments"]["nodes"] if n["currentSnapshot"]],
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_environments_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    ctx = await _granted(api)
    await api.ok(
        REPORT,
        {"i": {"environmentId": ctx["env"], "images": [{"service": "a", "digest": digest(2)}]}},
    )
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
