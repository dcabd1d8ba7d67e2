"""Every role against the NFR mutations and queries, per authz/PERMISSIONS.md.

As in test_vendors_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried on a fresh payments service (and staging environment) and
must run exactly where the matrix ticks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.governance_support import services
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _service(api: Api) -> dict[str, Any]:
    [service] = await services(api, "payments")
    return {"service": service}


async def _service_and_staging(api: Api) -> dict[str, Any]:
    return {**await _service(api), "staging": (await environment(api))["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[Api, dict[str, Any]], Any]]] = [
    (
        "serviceNfrsSet",
        "nfr",
        "update",
        _service,
        _m("serviceNfrsSet", "ServiceNfrsSetInput"),
        lambda api, c: {
            "serviceId": c["service"],
            "nfrs": [{"key": "failover_rto_seconds", "target": 300}],
        },
    ),
    (
        "nfrRunRecord",
        "nfr_run",
        "create",
        _service_and_staging,
        _m("nfrRunRecord", "NfrRunRecordInput"),
        lambda api, c: {
            "serviceId": c["service"],
            "environmentId": c["staging"],
            "artifactVersion": "1.0.0",
            "name": "load-1",
            "finishedAt": (api.runtime.clock.now() - timedelta(hours=1)).isoformat(),
            "figures": [{"key": "failover_rto_seconds", "value": 120}],
        },
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_nfr_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(api, ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_a_services_nfrs_show_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _service(api)
    await api.ok(
        _m("serviceNfrsSet", "ServiceNfrsSetInput"),
        {"i": {"serviceId": ctx["service"], "nfrs": [{"key": "peak_rps", "target": 50}]}},
        as_user="engineer",
    )
    body = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Service { nfrs { key } } } }",
        {"id": ctx["service"]},
        as_user=USERS[role],
    )
    node = None if body.get("errors") else body["data"]["node"]
    visible = bool(node and node["nfrs"])
    assert visible is (
        expected(role, "nfr", "read", org_level=False)
        and expected(role, "service", "read", org_level=False)
    ), (role, body)
