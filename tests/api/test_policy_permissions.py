"""Every role against the policy-iteration mutations and reads, per authz/PERMISSIONS.md.

As in test_defect_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried on fresh payments data and must run exactly where the matrix
ticks. Approving, rejecting and applying a proposal take what changing its target takes:
`guardrail_set/update` in payments for a payments target, at org scope for a tier profile. The
proposals are the demo engineer's, so nobody tried here decides on their own; the one applied
sets a payments guardrail to the value it already holds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_policy_support import (
    APPLY,
    APPROVE,
    CREATE,
    RECORD,
    REJECT,
    SUBMIT,
    moved,
    proposal_input,
    proposed,
    retrospective,
    submitted,
)

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]
UNCHANGED = {"key": "min_test_coverage_percent", "value": 75}
"""Payments' own value (demo/controls.py): applying it changes nothing another test sees."""
CRITICAL_PROFILE = {"scope": "TIER", "tier": "CRITICAL", "key": "min_test_coverage_percent"}


async def _team(api: Api) -> dict[str, Any]:
    [service] = await services(api, "payments")
    found = await api.ok(
        "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }", {"id": service}
    )
    return {"team": found["node"]["team"]["id"]}


async def _retro(api: Api) -> dict[str, Any]:
    ctx = await _team(api)
    return {**ctx, "retro": (await retrospective(api, ctx["team"]))["id"]}


async def _draft(api: Api) -> dict[str, Any]:
    ctx = await _retro(api)
    return {**ctx, "proposal": await proposed(api, ctx["retro"], **UNCHANGED)}


async def _submitted(api: Api) -> dict[str, Any]:
    ctx = await _retro(api)
    sent = await submitted(api, ctx["retro"], as_user="engineer", **UNCHANGED)
    return {**ctx, "proposal": sent}


async def _submitted_for_a_profile(api: Api) -> dict[str, Any]:
    ctx = await _retro(api)
    sent = await submitted(api, ctx["retro"], as_user="engineer", **CRITICAL_PROFILE, value=85)
    return {**ctx, "proposal": sent}


async def _approved(api: Api) -> dict[str, Any]:
    ctx = await _submitted(api)
    return {**ctx, "proposal": await moved(api, APPROVE, ctx["proposal"])}


def _move(c: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return {"id": c["proposal"]["id"], "version": c["proposal"]["version"], **kw}


MUTATIONS: list[tuple[str, str, str, bool, Fixture, str, Callable[[dict[str, Any]], Any]]] = [
    (
        "retrospectiveRecord",
        "retrospective",
        "create",
        False,
        _team,
        RECORD,
        lambda c: {"teamId": c["team"], "heldOn": "2026-01-05", "title": "Sprint 1"},
    ),
    (
        "policyProposalCreate",
        "policy_proposal",
        "create",
        False,
        _retro,
        CREATE,
        lambda c: proposal_input(c["retro"], **UNCHANGED),
    ),
    ("policyProposalSubmit", "policy_proposal", "submit", False, _draft, SUBMIT, _move),
    ("policyProposalApprove", "guardrail_set", "update", False, _submitted, APPROVE, _move),
    (
        "policyProposalReject",
        "guardrail_set",
        "update",
        False,
        _submitted,
        REJECT,
        lambda c: _move(c, reason="not now"),
    ),
    ("policyProposalApply", "guardrail_set", "update", False, _approved, APPLY, _move),
    (
        "policyProposalApprove (tier profile)",
        "guardrail_set",
        "update",
        True,
        _submitted_for_a_profile,
        APPROVE,
        _move,
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_policy_mutation_is_allowed_exactly_where_the_matrix_says(
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


@pytest.mark.parametrize("role", list(USERS))
async def test_a_retrospective_and_its_proposal_show_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    ctx = await _draft(api)
    for node_id, type_name, resource in (
        (ctx["retro"], "Retrospective", "retrospective"),
        (ctx["proposal"]["id"], "PolicyProposal", "policy_proposal"),
    ):
        body = await api.gql(
            f"query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ id }} }} }}",
            {"id": node_id},
            as_user=USERS[role],
        )
        visible = bool(not body.get("errors") and body["data"]["node"])
        assert visible is expected(role, resource, "read", org_level=False), (role, body)
