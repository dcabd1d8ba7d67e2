"""Every role against every guardrails and onboarding mutation and query, per PERMISSIONS.md.

As in test_environments_permissions: the demo users hold their roles in payments (rmo and
auditor org-wide). The core and the profiles are org-level (only an org-wide grant may change
them); a BU set and a team's checklist are tried in payments. Sets are saved unchanged (an
empty change at the current version), so the shared demo data keeps its guardrails.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids
from tests.api.test_guardrails_api import bu_version, core_version, profile_version, team
from tests.api.test_permission_matrix import USERS, expected, outcome

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _core(api: Api) -> dict[str, Any]:
    return {"version": await core_version(api)}


async def _profile(api: Api) -> dict[str, Any]:
    return {"version": await profile_version(api, "INTERNAL")}


async def _payments_set(api: Api) -> dict[str, Any]:
    bu = (await ids(api))["payments"]
    return {"bu": bu, "version": await bu_version(api, bu)}


async def _team(api: Api) -> dict[str, Any]:
    return {"team": await team(api)}


async def _completed(api: Api) -> dict[str, Any]:
    ctx = await _team(api)
    await api.ok(
        "mutation($i: TeamOnboardingItemCompleteInput!) { teamOnboardingItemComplete(input: $i) "
        "{ errors { code } } }",
        {"i": {"teamId": ctx["team"], "item": "RUNBOOK", "version": 0, "evidenceNote": "wiki"}},
    )
    return ctx


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


# (name, resource, action, org-level?, fixture, mutation, input from fixture context)
MUTATIONS: list[
    tuple[str, str, str, bool, Fixture, str, Callable[[dict[str, Any]], dict[str, Any]]]
] = [
    (
        "guardrailCoreUpdate",
        "guardrail_set",
        "update",
        True,
        _core,
        _m("guardrailCoreUpdate", "GuardrailCoreUpdateInput"),
        lambda c: {"values": {}, "version": c["version"], "note": "review"},
    ),
    (
        "guardrailProfileUpdate",
        "guardrail_set",
        "update",
        True,
        _profile,
        _m("guardrailProfileUpdate", "GuardrailProfileUpdateInput"),
        lambda c: {"tier": "INTERNAL", "values": {}, "version": c["version"], "note": "review"},
    ),
    (
        "guardrailBusinessUnitUpdate",
        "guardrail_set",
        "update",
        False,
        _payments_set,
        _m("guardrailBusinessUnitUpdate", "GuardrailBusinessUnitUpdateInput"),
        lambda c: {
            "businessUnitId": c["bu"],
            "values": {},
            "version": c["version"],
            "note": "review",
        },
    ),
    (
        "teamOnboardingItemComplete",
        "onboarding",
        "update",
        False,
        _team,
        _m("teamOnboardingItemComplete", "TeamOnboardingItemCompleteInput"),
        lambda c: {"teamId": c["team"], "item": "LOGGING", "version": 0, "evidenceNote": "ok"},
    ),
    (
        "teamOnboardingItemReopen",
        "onboarding",
        "update",
        False,
        _completed,
        _m("teamOnboardingItemReopen", "TeamOnboardingItemReopenInput"),
        lambda c: {"teamId": c["team"], "item": "RUNBOOK", "version": 1},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_guardrails_mutation_is_allowed_exactly_where_the_matrix_says(
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


QUERIES: list[tuple[str, str, Fixture, Callable[[dict[str, Any]], Any]]] = [
    (
        "guardrail_set",
        "query($b: ID!) { guardrailSet(businessUnitId: $b) { version } }",
        _payments_set,
        lambda c: {"b": c["bu"]},
    ),
    (
        "guardrail_set",
        "{ guardrailCore { version } }",
        _core,
        lambda c: {},
    ),
    (
        "onboarding",
        "query($t: ID!) { teamOnboarding(teamId: $t) { productionAccess { status } } }",
        _team,
        lambda c: {"t": c["team"]},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=["buSet", "core", "teamOnboarding"])
async def test_guardrails_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, fixture, variables = case
    ctx = await fixture(api)
    body = await api.gql(query, variables(ctx), as_user=USERS[role])
    visible = not body.get("errors") and all(v is not None for v in body["data"].values())
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
