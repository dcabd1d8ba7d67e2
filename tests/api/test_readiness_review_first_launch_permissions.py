"""Every role against a service's first-launch readiness review, per authz/PERMISSIONS.md: the
release review's lines (`readiness_review/create`, `update`, `sign`, `read`) in the service's
BU. As in test_readiness_review_permissions, each case gets a fresh customer-facing service of
payments (that module's org template gives it its five items), opened by the engineer, so the
domain's rules never decide; only the sign-off adds the sre role the domain asks for."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.readiness_review_support import (
    SERVICE_REVIEW,
    evidence_all,
    open_service_review,
    sign_off,
)
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_readiness_review_permissions import _m, _release, try_signing

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _service(api: Api) -> dict[str, Any]:
    await _release(api)  # its module's org template for customer-facing services, once per app
    [service] = await services(api, "payments", tier="CUSTOMER_FACING")
    return {"service": service}


async def _review(api: Api) -> dict[str, Any]:
    ctx = await _service(api)
    return {**ctx, "review": await open_service_review(api, ctx["service"])}


async def _evidenced(api: Api) -> dict[str, Any]:
    ctx = await _review(api)
    return {**ctx, "review": await evidence_all(api, ctx["review"])}


async def _signed(api: Api) -> dict[str, Any]:
    ctx = await _evidenced(api)
    signed = await sign_off(api, ctx["review"], "sre")
    assert signed["errors"] == [], signed
    return {**ctx, "review": signed["readinessReview"]}


def _versioned(c: dict[str, Any]) -> dict[str, Any]:
    return {"id": c["review"]["id"], "version": c["review"]["version"]}


MUTATIONS: list[tuple[str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "readinessReviewOpenForService",
        "create",
        _service,
        _m("readinessReviewOpenForService", "ReadinessReviewOpenForServiceInput"),
        lambda c: {"serviceId": c["service"]},
    ),
    (
        "readinessReviewRecordEvidence (service review)",
        "update",
        _review,
        _m("readinessReviewRecordEvidence", "ReadinessReviewRecordEvidenceInput"),
        lambda c: {
            **_versioned(c),
            "itemKey": c["review"]["items"][0]["key"],
            "evidenceUrl": "https://evidence.example/x",
        },
    ),
    (
        "readinessReviewReopen (service review)",
        "update",
        _signed,
        _m("readinessReviewReopen", "ReadinessReviewReopenInput"),
        lambda c: {**_versioned(c), "reason": "Permission check."},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_a_service_review_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, "readiness_review", action, org_level=False), (
        name,
        role,
        body,
    )


@pytest.mark.parametrize("role", list(USERS))
async def test_signing_a_service_review_is_the_matrix_and_the_sre_role(api: Api, role: str) -> None:
    await try_signing(api, (await _evidenced(api))["review"], role)


@pytest.mark.parametrize("role", list(USERS))
async def test_a_services_review_shows_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _review(api)
    shown = await api.gql(SERVICE_REVIEW, {"id": ctx["service"]}, as_user=USERS[role])
    node = None if shown.get("errors") else shown["data"]["node"]
    visible = bool(node and node["readinessReview"])
    assert visible is expected(role, "readiness_review", "read", org_level=False), (role, shown)
