"""Every role against every readiness-review mutation and query family, per authz/PERMISSIONS.md.

As in test_risk_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide). Org templates are tried at org scope, BU templates, reviews and their items in
payments. Each case gets a fresh release (no authors) of a tier no other test's template
covers but its own, so the domain's rules never decide; signing is tried on a review with
every item evidenced. Casbin lets the RMO sign, but the domain then asks for the sre role
(NOT_AN_SRE), so only the SRE's sign-off runs: both are what the matrix and the domain say.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import release, services
from tests.api.readiness_review_support import (
    ITEMS,
    RELEASE_REVIEW,
    TEMPLATE_REVISE,
    evidence_all,
    open_review,
    template,
)
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


async def _template(api: Api) -> dict[str, Any]:
    """A BU template of payments, inactive at once so no review's checklist grows with it."""
    made = await template(api, ["CUSTOMER_FACING"], bu=(await ids(api))["payments"])
    revised = await api.ok(
        TEMPLATE_REVISE,
        {"i": {"id": made["id"], "version": made["version"], "active": False}},
    )
    return {
        "bu": (await ids(api))["payments"],
        "template": revised["readinessReviewTemplateRevise"]["readinessReviewTemplate"],
    }


_TEMPLATED: set[int] = set()
"""The apps whose org template for customer-facing services this module made (one each, so
the checklists stay five items long)."""


async def _release(api: Api) -> dict[str, Any]:
    if id(api.runtime) not in _TEMPLATED:
        await template(api, ["CUSTOMER_FACING"])
        _TEMPLATED.add(id(api.runtime))
    [service] = await services(api, "payments", tier="CUSTOMER_FACING")
    return {"release": (await release(api, service_ids=[service]))["id"]}


async def _review(api: Api) -> dict[str, Any]:
    ctx = await _release(api)
    return {**ctx, "review": await open_review(api, ctx["release"])}


async def _evidenced(api: Api) -> dict[str, Any]:
    ctx = await _review(api)
    return {**ctx, "review": await evidence_all(api, ctx["review"])}


async def _signed(api: Api) -> dict[str, Any]:
    ctx = await _evidenced(api)
    review = ctx["review"]
    signed = await api.ok(
        _m("readinessReviewSignOff", "ReadinessReviewSignOffInput").replace(
            "errors { code }", "readinessReview { id version } errors { code }"
        ),
        {"i": {"id": review["id"], "version": review["version"]}},
        as_user="sre",
    )
    return {**ctx, "review": signed["readinessReviewSignOff"]["readinessReview"]}


def _versioned(c: dict[str, Any]) -> dict[str, Any]:
    return {"id": c["review"]["id"], "version": c["review"]["version"]}


def _signing_role(role: str) -> bool:
    """Casbin's answer (the matrix) and the domain's: a sign-off needs the sre role held."""
    return expected(role, "readiness_review", "sign", org_level=False) and role == "sre"


MUTATIONS: list[tuple[str, str, str, bool, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "readinessReviewTemplateCreate (org)",
        "readiness_template",
        "create",
        True,
        _template,
        _m("readinessReviewTemplateCreate", "ReadinessReviewTemplateCreateInput"),
        lambda c: {"key": unique("t"), "name": "T", "items": ITEMS},
    ),
    (
        "readinessReviewTemplateCreate (BU)",
        "readiness_template",
        "create",
        False,
        _template,
        _m("readinessReviewTemplateCreate", "ReadinessReviewTemplateCreateInput"),
        lambda c: {"key": unique("t"), "name": "T", "items": ITEMS, "businessUnitId": c["bu"]},
    ),
    (
        "readinessReviewTemplateRevise",
        "readiness_template",
        "update",
        False,
        _template,
        _m("readinessReviewTemplateRevise", "ReadinessReviewTemplateReviseInput"),
        lambda c: {"id": c["template"]["id"], "version": c["template"]["version"], "name": "N"},
    ),
    (
        "readinessReviewOpen",
        "readiness_review",
        "create",
        False,
        _release,
        _m("readinessReviewOpen", "ReadinessReviewOpenInput"),
        lambda c: {"releaseId": c["release"]},
    ),
    (
        "readinessReviewRecordEvidence",
        "readiness_review",
        "update",
        False,
        _review,
        _m("readinessReviewRecordEvidence", "ReadinessReviewRecordEvidenceInput"),
        lambda c: {
            **_versioned(c),
            "itemKey": c["review"]["items"][0]["key"],
            "evidenceUrl": "https://evidence.example/x",
        },
    ),
    (
        "readinessReviewReopen",
        "readiness_review",
        "update",
        False,
        _signed,
        _m("readinessReviewReopen", "ReadinessReviewReopenInput"),
        lambda c: {**_versioned(c), "reason": "Permission check."},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_readiness_mutation_is_allowed_exactly_where_the_matrix_says(
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


async def try_signing(api: Api, review: dict[str, Any], role: str) -> None:
    """`role` signs `review` off: allowed exactly where the matrix and the domain's sre role
    say, NOT_AN_SRE where only the matrix does."""
    body = await api.gql(
        _m("readinessReviewSignOff", "ReadinessReviewSignOffInput"),
        {"i": {"id": review["id"], "version": review["version"]}},
        as_user=USERS[role],
    )
    if not expected(role, "readiness_review", "sign", org_level=False):
        assert outcome(body) is False, (role, body)
        return
    errors = body["data"]["readinessReviewSignOff"]["errors"]
    assert (errors == []) is _signing_role(role), (role, body)
    if not _signing_role(role):
        assert [e["code"] for e in errors] == ["NOT_AN_SRE"], (role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_signing_off_is_the_matrix_and_the_sre_role(api: Api, role: str) -> None:
    await try_signing(api, (await _evidenced(api))["review"], role)


TEMPLATE_NODE = """query($id: ID!) { readinessReviewTemplates(first: 1) { nodes { id } }
  node(id: $id) { ... on ReadinessReviewTemplate { key } } }"""


@pytest.mark.parametrize("role", list(USERS))
async def test_readiness_queries_show_data_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    ctx = await _review(api)
    made = await _template(api)
    shown = await api.gql(RELEASE_REVIEW, {"id": ctx["release"]}, as_user=USERS[role])
    node = None if shown.get("errors") else shown["data"]["node"]
    visible = bool(node and node["readinessReview"])
    assert visible is expected(role, "readiness_review", "read", org_level=False), (role, shown)
    listed = await api.gql(TEMPLATE_NODE, {"id": made["template"]["id"]}, as_user=USERS[role])
    assert not listed.get("errors"), listed
    assert bool(listed["data"]["node"]) is expected(
        role, "readiness_template", "read", org_level=False
    ), (role, listed)
