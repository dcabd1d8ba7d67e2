"""Every role against every risk mutation and query family, per authz/PERMISSIONS.md.

As in test_environments_permissions: the demo users hold their roles in payments (rmo and
auditor org-wide). The core model is org-level; a BU's mapping, assessments and peer reviews
are tried in payments. Each case gets fresh releases (with no authors), so the domain's own
rules never decide; model and mapping saves keep the values they find.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids
from tests.api.governance_support import release
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_risk_api import ASSESS, RECORD, RELEASE_RISK, current_version

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


async def _model(api: Api) -> dict[str, Any]:
    return {"version": await current_version(api)}


async def _mapping(api: Api) -> dict[str, Any]:
    bu = (await ids(api))["payments"]
    data = await api.ok(
        "query($b: ID!) { riskMapping(businessUnitId: $b) { overlayVersion } }", {"b": bu}
    )
    return {"bu": bu, "version": data["riskMapping"]["overlayVersion"]}


async def _release(api: Api) -> dict[str, Any]:
    return {"release": (await release(api, changeTypes=["PAYMENT_LOGIC"]))["id"]}


MUTATIONS: list[tuple[str, str, str, bool, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "riskModelUpdate",
        "risk_model",
        "update",
        True,
        _model,
        _m("riskModelUpdate", "RiskModelUpdateInput"),
        lambda c: {"expectedVersion": c["version"], "note": "Permission check."},
    ),
    (
        "riskMappingBusinessUnitUpdate",
        "risk_model",
        "update",
        False,
        _mapping,
        _m("riskMappingBusinessUnitUpdate", "RiskMappingBusinessUnitUpdateInput"),
        lambda c: {"businessUnitId": c["bu"], "expectedVersion": c["version"]},
    ),
    (
        "releaseAssessRisk",
        "risk_assessment",
        "create",
        False,
        _release,
        _m("releaseAssessRisk", "ReleaseAssessRiskInput"),
        lambda c: {"releaseId": c["release"]},
    ),
    (
        "peerReviewRecord",
        "peer_review",
        "create",
        False,
        _release,
        _m("peerReviewRecord", "PeerReviewRecordInput"),
        lambda c: {"releaseId": c["release"], "verdict": "APPROVED"},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_risk_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, org_level, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=org_level), (
        name,
        role,
        body,
    )


QUERIES = [
    ("risk_model", lambda d: d["riskModel"]),
    ("risk_assessment", lambda d: d["releaseRisk"] and d["releaseRisk"]["assessment"]),
    ("peer_review", lambda d: d["releaseRisk"] and d["releaseRisk"]["peerReviews"]),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_risk_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, rows = case
    ctx = await _release(api)
    await api.ok(ASSESS, {"i": {"releaseId": ctx["release"]}})
    await api.ok(RECORD, {"i": {"releaseId": ctx["release"], "verdict": "APPROVED"}})
    query = RELEASE_RISK.replace("query($r: ID!) {", "query($r: ID!) { riskModel { version }")
    body = await api.gql(query, {"r": ctx["release"]}, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
