"""Every role against where changes fail, per authz/PERMISSIONS.md: the query reads the BUs
where the role holds `change_ledger/read` (nothing elsewhere, never an error), the CSV needs
`change_ledger/export`, and `proposeFromChangeFailures` runs exactly where the role may
`policy_proposal/create` in payments (the demo users hold their roles there; rmo and the
auditor org-wide). Each try is on a fresh payments service's hand-built history; the proposal
is a draft, so nothing another test sees changes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, ids
from tests.api.governance_support import services
from tests.api.test_change_failures_support import (
    PROPOSE,
    QUERY,
    flips_and_deployments,
    history,
    propose_input,
)
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_policy_support import World


async def _payments(api: Api) -> tuple[World, Any]:
    bu = (await ids(api))["payments"]
    [service] = await services(api, bu)
    found = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }", {"id": service}
    )
    w = World(bu, found["node"]["team"]["id"], [service], "engineer", "payments-admin")
    return w, await history(api, w, flips_and_deployments())


@pytest.mark.parametrize("role", list(USERS))
async def test_propose_from_change_failures_runs_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    w, h = await _payments(api)
    scope = {"serviceId": w.services[0]}
    body = await api.gql(
        PROPOSE,
        {"i": propose_input(w, h, scope=scope, businessUnitId=w.bu, control="TEST_COVERAGE")},
        as_user=USERS[role],
    )
    assert outcome(body) is expected(role, "policy_proposal", "create", org_level=False), (
        role,
        body,
    )


@pytest.mark.parametrize("role", list(USERS))
async def test_the_figures_show_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    w, h = await _payments(api)

    body = await api.gql(
        QUERY,
        {"s": {"serviceId": w.services[0]}, "since": h.since.isoformat()},
        as_user=USERS[role],
    )

    assert "errors" not in body, body
    counted = body["data"]["changeFailures"]["overall"]["changes"]
    may = expected(role, "change_ledger", "read", org_level=False)
    assert counted == (14 if may else 0), (role, counted)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_csv_is_given_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    response = await api.http.get(
        "/insights/change-failures.csv",
        headers={"authorization": f"Bearer {api.token(USERS[role])}"},
    )
    may = expected(role, "change_ledger", "export", org_level=False)
    assert response.status_code == (200 if may else 403), (role, response.text)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_recorded_analysis_shows_exactly_where_its_proposal_does(
    api: Api, role: str
) -> None:
    w, h = await _payments(api)
    made = await api.gql(
        PROPOSE,
        {
            "i": propose_input(
                w, h, scope={"serviceId": w.services[0]}, businessUnitId=w.bu, control="PEER_REVIEW"
            )
        },
        as_user="engineer",
    )
    analysis = made["data"]["proposeFromChangeFailures"]["analysis"]["id"]

    body = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on ChangeFailureAnalysis { id } } }",
        {"id": analysis},
        as_user=USERS[role],
    )

    visible = bool(not body.get("errors") and body["data"]["node"])
    assert visible is expected(role, "policy_proposal", "read", org_level=False), (role, body)
