"""Every role against every compliance-control mutation and query family, per PERMISSIONS.md.

As in test_environments_permissions: the demo users hold their roles in payments (rmo and
auditor org-wide); each mutation is tried in payments and must run exactly where the matrix
ticks. Each case gets fresh releases, bypasses and procedures, requested and approved by
fresh people, so the domain's own rules (self-approval, independent review) never decide.
Rejecting is the approver's side of approving (`bypass/approve`); retiring a DR procedure
is `dr_procedure/update`, and recording its tests `dr_test/create` (CI's only DR permission).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, unique
from tests.api.governance_support import person
from tests.api.test_compliance_controls_support import (
    approved,
    iso,
    procedure,
    requested,
    target,
)
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _fresh(api: Api, role: str) -> str:
    return (await person(api, role=role, discipline="security" if role == "approver" else None))[
        "username"
    ]


async def _target(api: Api) -> dict[str, Any]:
    from tests.api.test_compliance_controls_support import hotfix

    return {"release": (await hotfix(api))["id"], "env": (await target(api))["id"]}


async def _pending(api: Api) -> dict[str, Any]:
    made = await requested(api, as_user=await _fresh(api, "engineer"))
    assert made["errors"] == [], made
    return {"bypass": made["bypass"]["id"]}


async def _active(api: Api) -> dict[str, Any]:
    bypass = await approved(
        api, requester=await _fresh(api, "engineer"), approver=await _fresh(api, "approver")
    )
    return {
        "bypass": bypass["id"],
        "version": bypass["version"],
        "env": bypass["env"],
        "review": bypass["review"]["id"],
    }


async def _procedure(api: Api) -> dict[str, Any]:
    return {"procedure": (await procedure(api))["id"]}


async def _service(api: Api) -> dict[str, Any]:
    proc = await procedure(api)
    data = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on DrProcedure { service { id ownerTeam: team { id } } } } }",
        {"id": proc["id"]},
    )
    service = data["node"]["service"]
    return {"service": service["id"], "team": service["ownerTeam"]["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[Api, dict[str, Any]], Any]]] = [
    (
        "bypassRequest",
        "bypass",
        "create",
        _target,
        _m("bypassRequest", "BypassRequestInput"),
        lambda api, c: {
            "releaseId": c["release"],
            "environmentId": c["env"],
            "gates": ["FREEZE"],
            "justification": "Production is down for card payments right now.",
            "incidentReference": unique("INC"),
            "durationHours": 2,
        },
    ),
    (
        "bypassApprove",
        "bypass",
        "approve",
        _pending,
        _m("bypassApprove", "BypassDecideInput"),
        lambda api, c: {"id": c["bypass"], "version": 1},
    ),
    (
        "bypassReject",
        "bypass",
        "approve",
        _pending,
        _m("bypassReject", "BypassDecideInput"),
        lambda api, c: {"id": c["bypass"], "version": 1},
    ),
    (
        "bypassRevoke",
        "bypass",
        "revoke",
        _active,
        _m("bypassRevoke", "BypassRevokeInput"),
        lambda api, c: {"id": c["bypass"], "version": c["version"]},
    ),
    (
        "bypassUse",
        "bypass",
        "use",
        _active,
        _m("bypassUse", "BypassUseInput"),
        lambda api, c: {"bypassId": c["bypass"], "gate": "FREEZE", "environmentId": c["env"]},
    ),
    (
        "bypassReviewComplete",
        "bypass_review",
        "update",
        _active,
        _m("bypassReviewComplete", "BypassReviewCompleteInput"),
        lambda api, c: {
            "reviewId": c["review"],
            "version": 1,
            "outcome": "JUSTIFIED",
            "findings": "Justified by the incident.",
        },
    ),
    (
        "drProcedureCreate",
        "dr_procedure",
        "create",
        _service,
        _m("drProcedureCreate", "DrProcedureCreateInput"),
        lambda api, c: {
            "serviceId": c["service"],
            "kind": "DATA_RESTORATION",
            "title": "Restore",
            "runbookUrl": "https://runbooks.example/restore",
            "ownerTeamId": c["team"],
        },
    ),
    (
        "drProcedureUpdate",
        "dr_procedure",
        "update",
        _procedure,
        _m("drProcedureUpdate", "DrProcedureUpdateInput"),
        lambda api, c: {"id": c["procedure"], "version": 1, "rtoMinutes": 15},
    ),
    (
        "drProcedureRetire",
        "dr_procedure",
        "update",
        _procedure,
        _m("drProcedureRetire", "DrProcedureRetireInput"),
        lambda api, c: {"id": c["procedure"], "version": 1},
    ),
    (
        "drTestRecord",
        "dr_test",
        "create",
        _procedure,
        _m("drTestRecord", "DrTestRecordInput"),
        lambda api, c: {
            "procedureId": c["procedure"],
            "performedAt": iso(api.runtime.clock.now() - timedelta(hours=1)),
            "result": "PASSED",
        },
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_compliance_controls_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(api, ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


QUERIES = [
    (
        "bypass",
        "{ bypasses(first: 1) { nodes { id } } }",
        lambda d: d["bypasses"]["nodes"],
    ),
    (
        "bypass_review",
        "{ bypassReviews(first: 1) { nodes { id } } }",
        lambda d: d["bypassReviews"]["nodes"],
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_compliance_controls_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    await _active(api)
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_dr_procedures_show_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _service(api)
    body = await api.gql(
        "query($s: ID!) { drProcedures(serviceId: $s) { id } }",
        {"s": ctx["service"]},
        as_user=USERS[role],
    )
    visible = False if body.get("errors") else bool(body["data"]["drProcedures"])
    assert visible is expected(role, "dr_procedure", "read", org_level=False), (role, body)
