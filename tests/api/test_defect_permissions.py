"""Every role against the defect mutations and the backlog export, per authz/PERMISSIONS.md.

As in test_nfr_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried on a fresh payments service (a fresh defect) and must run
exactly where the matrix ticks; the export answers 200 exactly where `defect/export` is ticked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_defect_support import defect_input, record
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _service(api: Api) -> dict[str, Any]:
    [service] = await services(api, "payments")
    return {"service": service}


async def _defect(api: Api) -> dict[str, Any]:
    ctx = await _service(api)
    return {**ctx, "defect": (await record(api, ctx["service"]))["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "defectRecord",
        "defect",
        "create",
        _service,
        _m("defectRecord", "DefectRecordInput"),
        lambda c: defect_input(c["service"]),
    ),
    (
        "defectReclassify",
        "defect",
        "update",
        _defect,
        _m("defectReclassify", "DefectReclassifyInput"),
        lambda c: {"id": c["defect"], "version": 1, "reason": "found", "rootCause": "DATA"},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_defect_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_backlog_export_answers_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    response = await api.http.get(
        "/defects/patterns.csv", headers={"authorization": f"Bearer {api.token(USERS[role])}"}
    )
    allowed = expected(role, "defect", "export", org_level=False)
    assert response.status_code == (200 if allowed else 403), (role, response.text)


@pytest.mark.parametrize("role", list(USERS))
async def test_a_defect_shows_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _defect(api)
    body = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Defect { title } } }",
        {"id": ctx["defect"]},
        as_user=USERS[role],
    )
    visible = bool(not body.get("errors") and body["data"]["node"])
    assert visible is expected(role, "defect", "read", org_level=False), (role, body)
