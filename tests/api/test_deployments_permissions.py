"""Every role against every deployments and webhook mutation and query, per authz/PERMISSIONS.md.

As in test_environments_permissions: the demo users hold their roles in payments (rmo and
auditor org-wide); each mutation is tried in payments on fresh data, so the domain's own rules
never decide, and must run exactly where the matrix ticks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids
from tests.api.deployments_support import (
    BASELINE,
    HEALTHY,
    SUBSCRIBE,
    plan,
    report,
    service,
    started,
)
from tests.api.environments_support import environment
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _target(api: Api) -> dict[str, Any]:
    env = await environment(api, kind="PRODUCTION", region="eu-west-1")
    return {"service": (await service(api))["id"], "env": env["id"]}


async def _planned(api: Api) -> dict[str, Any]:
    return await plan(api, as_user="rmo")


async def _started(api: Api) -> dict[str, Any]:
    return await started(api)


async def _analysed(api: Api) -> dict[str, Any]:
    dep = await started(api)
    await report(api, dep)
    return dep


async def _subscription(api: Api) -> dict[str, Any]:
    payments = (await ids(api))["payments"]
    data = await api.ok(
        SUBSCRIBE,
        {
            "i": {
                "businessUnitId": payments,
                "url": "https://127.0.0.1:9/perm",
                "topics": ["DEPLOYMENT_ROLLED_BACK"],
            }
        },
    )
    return data["webhookSubscriptionCreate"]["webhookSubscription"]  # type: ignore[no-any-return]


async def _payments(api: Api) -> dict[str, Any]:
    return {"bu": (await ids(api))["payments"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "deploymentCreate",
        "deployment",
        "create",
        _target,
        _m("deploymentCreate", "DeploymentCreateInput"),
        lambda c: {
            "serviceId": c["service"],
            "environmentId": c["env"],
            "artifactVersion": "1.0.0",
            "strategy": "CANARY",
            "canarySteps": [{"weight": 100}],
        },
    ),
    (
        "deploymentStart",
        "deployment",
        "update",
        _planned,
        _m("deploymentStart", "DeploymentVersionInput"),
        lambda c: {"id": c["id"], "version": c["version"]},
    ),
    (
        "deploymentHealthReport",
        "deployment",
        "update",
        _started,
        _m("deploymentHealthReport", "DeploymentHealthReportInput"),
        lambda c: {
            "deploymentId": c["id"],
            "stepIndex": 0,
            "metrics": HEALTHY,
            "baseline": BASELINE,
        },
    ),
    (
        "deploymentAdvance",
        "deployment",
        "update",
        _analysed,
        _m("deploymentAdvance", "DeploymentVersionInput"),
        lambda c: {"id": c["id"], "version": c["version"]},
    ),
    (
        "deploymentRollBack",
        "deployment",
        "update",
        _started,
        _m("deploymentRollBack", "DeploymentRollBackInput"),
        lambda c: {"id": c["id"], "version": c["version"], "reason": "permission matrix"},
    ),
    (
        "webhookSubscriptionCreate",
        "webhook",
        "create",
        _payments,
        _m("webhookSubscriptionCreate", "WebhookSubscriptionCreateInput"),
        lambda c: {
            "businessUnitId": c["bu"],
            "url": "https://127.0.0.1:9/perm",
            "topics": ["DEPLOYMENT_ROLLED_BACK"],
        },
    ),
    (
        "webhookSubscriptionRevoke",
        "webhook",
        "revoke",
        _subscription,
        _m("webhookSubscriptionRevoke", "WebhookSubscriptionRevokeInput"),
        lambda c: {"id": c["id"], "version": c["version"]},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_deployments_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


QUERIES = [
    (
        "deployment",
        "{ deployments(first: 1) { nodes { id } } }",
        lambda d: d["deployments"]["nodes"],
    ),
    ("webhook", "{ webhookSubscriptions { id } }", lambda d: d["webhookSubscriptions"]),
    (
        "webhook",
        "{ outboxMessages(first: 1) { nodes { id } } }",
        lambda d: d["outboxMessages"]["nodes"],
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=["deployments", "webhooks", "outbox"])
async def test_deployments_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    await _subscription(api)
    dep = await started(api)
    await api.ok(
        _m("deploymentRollBack", "DeploymentRollBackInput"),
        {"i": {"id": dep["id"], "version": dep["version"], "reason": "fill the outbox"}},
    )
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
