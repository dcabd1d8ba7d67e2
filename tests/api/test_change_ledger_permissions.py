"""Every role against the change ledger's mutations, per authz/PERMISSIONS.md (as in
test_defect_permissions: the demo users hold their roles in payments, rmo and auditor
org-wide; each mutation must run exactly where the matrix ticks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, unique
from tests.api.governance_support import services
from tests.api.test_change_ledger_support import RECORD_SOURCE, commit, source_input
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _service(api: Api) -> dict[str, Any]:
    [service] = await services(api, "payments")
    return {"service": service, "at": api.runtime.clock.now() - timedelta(days=1)}


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "sourceChangeRecord",
        "source_change",
        "create",
        _service,
        RECORD_SOURCE,
        lambda c: source_input(c["service"], unique("v"), commit("abcdef1", c["at"])),
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_ledger_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_ledger_csv_answers_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    response = await api.http.get(
        "/insights/change-ledger.csv",
        headers={"authorization": f"Bearer {api.token(USERS[role])}"},
    )
    allowed = expected(role, "change_ledger", "export", org_level=False)
    assert response.status_code == (200 if allowed else 403), (role, response.text)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_ledger_reads_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    body = await api.gql("{ changeLedger(first: 1) { nodes { kind } } }", as_user=USERS[role])
    assert "errors" not in body, body
    assert expected(role, "change_ledger", "read", org_level=False) or (
        body["data"]["changeLedger"]["nodes"] == []
    )
