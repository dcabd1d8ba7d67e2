"""Every role against the maturity mutations and reads, per authz/PERMISSIONS.md.

As in test_defect_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried on a fresh payments team (a fresh assessment) and must be
authorized exactly where the matrix ticks. The domain then adds that only the team's members
and leads answer (NOT_A_MEMBER): the RMO's everything-permission passes the matrix and is
refused by the domain, which this test tells apart from a FORBIDDEN.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids
from tests.api.test_maturity_support import (
    ASSESSMENT,
    answers,
    quarter_now,
    submit_input,
    submitted,
    team,
)
from tests.api.test_permission_matrix import USERS, expected

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _team(api: Api) -> dict[str, Any]:
    return {"team": await team(api)}


async def _assessment(api: Api) -> dict[str, Any]:
    ctx = await _team(api)
    return {**ctx, "assessment": await submitted(api, ctx["team"], as_user="payments-admin")}


async def _bu(api: Api) -> dict[str, Any]:
    return {"bu": (await ids(api))["payments"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


# The questionnaire published in payments asks every dimension with the built-in threshold, so
# publishing it changes nothing another test of payments reads.
EVERY_DIMENSION = [
    {"dimension": a["dimension"], "title": a["dimension"], "levels": ["a", "b", "c", "d", "e"]}
    for a in answers()
]

MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "maturityAssessmentSubmit",
        "maturity_assessment",
        "create",
        _team,
        _m("maturityAssessmentSubmit", "MaturityAssessmentSubmitInput"),
        lambda c: submit_input(c["team"], "%QUARTER%"),
    ),
    (
        "maturityAssessmentRevise",
        "maturity_assessment",
        "update",
        _assessment,
        _m("maturityAssessmentRevise", "MaturityAssessmentReviseInput"),
        lambda c: {
            "id": c["assessment"]["id"],
            "version": 1,
            "answers": answers(learning=4),
            "reason": "retro",
        },
    ),
    (
        "maturityQuestionnairePublish",
        "maturity_questionnaire",
        "create",
        _bu,
        _m("maturityQuestionnairePublish", "MaturityQuestionnairePublishInput"),
        lambda c: {"businessUnitId": c["bu"], "dimensions": EVERY_DIMENSION, "gapThreshold": 2},
    ),
]


def authorized(body: dict[str, Any]) -> bool:
    """True when the use case passed authorization (ran, or was refused by the domain after);
    False when refused as FORBIDDEN or NOT_FOUND."""
    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        return False
    payload = next(iter(body["data"].values()))
    return not any(e["code"] == "NOT_FOUND" for e in payload["errors"])


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_maturity_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    made = make_input(ctx)
    if made.get("quarter") == "%QUARTER%":
        made["quarter"] = quarter_now(api)
    body = await api.gql(mutation, {"i": made}, as_user=USERS[role])
    assert authorized(body) is expected(role, resource, action, org_level=False), (name, role, body)
    if authorized(body) and role == "org_admin" and resource == "maturity_assessment":
        payload = next(iter(body["data"].values()))
        assert [e["code"] for e in payload["errors"]] == ["NOT_A_MEMBER"], body
    elif authorized(body):
        payload = next(iter(body["data"].values()))
        assert payload["errors"] == [], (name, role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_an_assessment_shows_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _assessment(api)
    body = await api.gql(ASSESSMENT, {"t": ctx["team"], "q": quarter_now(api)}, as_user=USERS[role])
    visible = bool(not body.get("errors") and body["data"]["maturityAssessment"])
    assert visible is expected(role, "maturity_assessment", "read", org_level=False), (role, body)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_questionnaire_shows_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    ctx = await _bu(api)
    body = await api.gql(
        "query($b: ID!) { maturityQuestionnaire(businessUnitId: $b) { number } }",
        {"b": ctx["bu"]},
        as_user=USERS[role],
    )
    visible = bool(not body.get("errors") and body["data"]["maturityQuestionnaire"])
    assert visible is expected(role, "maturity_questionnaire", "read", org_level=False), role
