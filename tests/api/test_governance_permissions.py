"""Every governance mutation against every role, through GraphQL, per authz/PERMISSIONS.md.

As in test_permission_matrix: the demo users hold their roles in payments (rmo and auditor
org-wide); each use case is tried in payments, or at org scope for org-level things, and
must run exactly where the matrix has a tick. The domain adds one refusal the matrix cannot
say: an org admin signs off only when it also holds an approver grant of the discipline.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import (
    OPEN,
    RULE_CREATE,
    SIGN,
    TEMPLATE_CREATE,
    fill_missing,
    move,
    payload,
    person,
    release,
    services,
    submitted,
)
from tests.api.test_permission_matrix import USERS, expected, outcome

Ctx = dict[str, Any]
Fixture = Callable[[Api], Awaitable[Ctx]]
WINDOW = {"plannedStart": "2031-05-13T10:00:00+00:00", "plannedEnd": "2031-05-13T11:00:00+00:00"}
QUIET_SECTIONS = [
    {
        "key": "notes",
        "title": "Notes",
        "fields": [{"key": "extra", "label": "Extra", "required": False}],
    }
]


async def _bu(api: Api) -> Ctx:
    return {"bu": (await ids(api))["payments"]}


async def _services(api: Api) -> Ctx:
    return {**await _bu(api), "services": await services(api, "payments")}


async def _draft(api: Api) -> Ctx:
    return {**await _bu(api), "release": await release(api)}


async def _filled_draft(api: Api) -> Ctx:
    return {**await _bu(api), "release": await fill_missing(api, await release(api))}


async def _submitted(api: Api) -> Ctx:
    # Owned by the engineer, so every role that may approve is someone other than the owner.
    return {**await _bu(api), "release": await submitted(api, as_user="engineer")}


async def _approved(api: Api) -> Ctx:
    rel = await submitted(api, **WINDOW)
    done = await move(api, rel, "Approve", as_user="rmo")
    assert done["errors"] == [], done
    return {**await _bu(api), "release": done["release"]}


async def _scheduled(api: Api) -> Ctx:
    ctx = await _approved(api)
    done = await api.gql(
        "mutation($i: ReleaseScheduleInput!) { releaseSchedule(input: $i) { release { id version } errors { code } } }",
        {"i": {"id": ctx["release"]["id"], "version": ctx["release"]["version"]}},
    )
    p = payload(done)
    assert p["errors"] == [], p
    return {**ctx, "release": p["release"]}


async def _deploying(api: Api) -> Ctx:
    ctx = await _scheduled(api)
    done = await move(api, ctx["release"], "Start", as_user="rmo")
    assert done["errors"] == [], done
    return {**ctx, "release": done["release"]}


async def _template(api: Api) -> Ctx:
    ctx = await _bu(api)
    made = payload(await api.gql(TEMPLATE_CREATE, {"i": _template_input(ctx["bu"])}))
    return {**ctx, "template": made["documentTemplate"]["id"]}


def _template_input(bu: str | None) -> dict[str, Any]:
    # Hotfixes of internal services only, and nothing required: other tests stay unaffected.
    return {
        "businessUnitId": bu,
        "key": unique("t"),
        "name": "T",
        "releaseTypes": ["HOTFIX"],
        "tiers": ["INTERNAL"],
        "sections": QUIET_SECTIONS,
    }


async def _board(api: Api) -> Ctx:
    ctx = await _bu(api)
    data = await api.ok(
        "mutation($i: BoardCreateInput!) { boardCreate(input: $i) { board { id version } errors { code } } }",
        {"i": _board_input(ctx["bu"], await _demo_members(api))},
    )
    return {**ctx, "board": data["boardCreate"]["board"]}


async def _demo_members(api: Api) -> list[dict[str, str]]:
    data = await api.ok("{ people(first: 500) { nodes { id username } } }")
    by_name = {n["username"]: n["id"] for n in data["people"]["nodes"]}
    return [{"personId": by_name[u], "discipline": "ENGINEERING"} for u in USERS.values()]


def _board_input(bu: str, members: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "businessUnitId": bu,
        "key": unique("b"),
        "name": "B",
        "quorum": 1,
        "approvalsNeeded": 1,
        "members": members,
    }


async def _session_ready(api: Api) -> Ctx:
    ctx = await _board(api)
    owner = await person(api)
    ctx["release"] = await submitted(api, ownerId=owner["id"])
    return ctx


async def _session(api: Api) -> Ctx:
    ctx = await _session_ready(api)
    opened = payload(
        await api.gql(
            OPEN, {"i": {"releaseId": ctx["release"]["id"], "boardId": ctx["board"]["id"]}}
        )
    )
    return {**ctx, "session": opened["goNoGoSession"]}


async def _rule(api: Api) -> Ctx:
    """A sign-off rule for a region nobody else uses, required of a security approver."""
    prefix = f"zz-{uuid.uuid4().hex[:8]}"
    made = payload(
        await api.gql(
            RULE_CREATE,
            {
                "i": {
                    "key": unique("r"),
                    "name": "R",
                    "requirement": "security_review",
                    "discipline": "SECURITY",
                    "validityDays": 30,
                    "condition": {"regionPrefixes": [prefix]},
                }
            },
        )
    )
    return {**await _bu(api), "rule": made["signOffRule"], "prefix": prefix}


async def _sign_ready(api: Api) -> Ctx:
    ctx = await _rule(api)
    ctx["release"] = await submitted(api, regions=[f"{ctx['prefix']}-1"])
    return ctx


async def _signed(api: Api) -> Ctx:
    ctx = await _sign_ready(api)
    given = payload(
        await api.gql(
            SIGN,
            {"i": {"releaseId": ctx["release"]["id"], "requirement": "security_review"}},
            as_user="approver",
        )
    )
    return {**ctx, "sign_off": given["signOff"]["id"]}


def _move(verb: str) -> str:
    return f"mutation($i: ReleaseMoveInput!) {{ release{verb}(input: $i) {{ errors {{ code }} }} }}"


def _rel(c: Ctx) -> dict[str, Any]:
    return {"id": c["release"]["id"], "version": c["release"]["version"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


# (name, resource, action, org-level?, fixture, mutation, input from fixture context)
MUTATIONS: list[tuple[str, str, str, bool, Fixture, str, Callable[[Ctx], dict[str, Any]]]] = [
    (
        "releaseCreate",
        "release",
        "create",
        False,
        _services,
        _m("releaseCreate", "ReleaseCreateInput"),
        lambda c: {
            "businessUnitId": c["bu"],
            "title": "R",
            "services": [{"serviceId": c["services"][0], "artifactVersion": "1.0"}],
        },
    ),
    (
        "releaseUpdate",
        "release",
        "update",
        False,
        _draft,
        _m("releaseUpdate", "ReleaseUpdateInput"),
        lambda c: {**_rel(c), "title": "Edited"},
    ),
    ("releaseSubmit", "release", "submit", False, _filled_draft, _move("Submit"), _rel),
    ("releaseApprove", "release", "approve", False, _submitted, _move("Approve"), _rel),
    ("releaseReject", "release", "approve", False, _submitted, _move("Reject"), _rel),
    (
        "releaseSchedule",
        "release",
        "approve",
        False,
        _approved,
        _m("releaseSchedule", "ReleaseScheduleInput"),
        _rel,
    ),
    ("releaseStart", "release", "deploy", False, _scheduled, _move("Start"), _rel),
    ("releaseComplete", "release", "deploy", False, _deploying, _move("Complete"), _rel),
    ("releaseRollBack", "release", "deploy", False, _deploying, _move("RollBack"), _rel),
    ("releaseCancel", "release", "approve", False, _draft, _move("Cancel"), _rel),
    (
        "documentTemplateCreate(bu)",
        "document_template",
        "create",
        False,
        _bu,
        _m("documentTemplateCreate", "DocumentTemplateCreateInput"),
        lambda c: _template_input(c["bu"]),
    ),
    (
        "documentTemplateCreate(org)",
        "document_template",
        "create",
        True,
        _bu,
        _m("documentTemplateCreate", "DocumentTemplateCreateInput"),
        lambda c: _template_input(None),
    ),
    (
        "documentTemplateUpdate",
        "document_template",
        "update",
        False,
        _template,
        _m("documentTemplateUpdate", "DocumentTemplateUpdateInput"),
        lambda c: {"id": c["template"], "version": 1, "name": "Revised"},
    ),
    (
        "boardCreate",
        "board",
        "create",
        False,
        _bu,
        _m("boardCreate", "BoardCreateInput"),
        lambda c: _board_input(c["bu"], []),
    ),
    (
        "boardUpdate",
        "board",
        "update",
        False,
        _board,
        _m("boardUpdate", "BoardUpdateInput"),
        lambda c: {"id": c["board"]["id"], "version": c["board"]["version"], "quorum": 2},
    ),
    (
        "goNoGoOpen",
        "go_no_go",
        "create",
        False,
        _session_ready,
        _m("goNoGoOpen", "GoNoGoOpenInput"),
        lambda c: {"releaseId": c["release"]["id"], "boardId": c["board"]["id"]},
    ),
    (
        "goNoGoVote",
        "go_no_go",
        "vote",
        False,
        _session,
        _m("goNoGoVote", "GoNoGoVoteInput"),
        lambda c: {"sessionId": c["session"]["id"], "choice": "GO"},
    ),
    (
        "goNoGoClose",
        "go_no_go",
        "update",
        False,
        _session,
        _m("goNoGoClose", "GoNoGoCloseInput"),
        lambda c: {"id": c["session"]["id"], "version": c["session"]["version"]},
    ),
    (
        "signOffRuleCreate",
        "sign_off_rule",
        "create",
        True,
        _bu,
        _m("signOffRuleCreate", "SignOffRuleCreateInput"),
        lambda c: {
            "key": unique("r"),
            "name": "R",
            "requirement": "x_review",
            "discipline": "LEGAL",
            "validityDays": 30,
            "condition": {"regionPrefixes": [f"zz-{uuid.uuid4().hex[:8]}"]},
        },
    ),
    (
        "signOffRuleUpdate",
        "sign_off_rule",
        "update",
        True,
        _rule,
        _m("signOffRuleUpdate", "SignOffRuleUpdateInput"),
        lambda c: {"id": c["rule"]["id"], "version": c["rule"]["version"], "name": "Renamed"},
    ),
    (
        "signOffGive",
        "sign_off",
        "sign",
        False,
        _sign_ready,
        _m("signOffGive", "SignOffGiveInput"),
        lambda c: {"releaseId": c["release"]["id"], "requirement": "security_review"},
    ),
    (
        "signOffRevoke",
        "sign_off",
        "revoke",
        False,
        _signed,
        _m("signOffRevoke", "SignOffRevokeInput"),
        lambda c: {"id": c["sign_off"]},
    ),
]

DOMAIN_REFUSALS = {("signOffGive", "org_admin"): "NOT_AN_APPROVER"}
"""Casbin allows these; the domain refuses them with a code of its own (see the docstring)."""


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, org_level, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    refusal = DOMAIN_REFUSALS.get((name, role))
    if refusal is not None:
        assert expected(role, resource, action, org_level=org_level)
        assert payload(body)["errors"][0]["code"] == refusal, body
        return
    assert outcome(body) is expected(role, resource, action, org_level=org_level), (
        name,
        role,
        body,
    )


QUERIES = [
    ("release", "{ releases { nodes { id } } }", lambda d: d["releases"]["nodes"]),
    ("board", "{ boards { nodes { id } } }", lambda d: d["boards"]["nodes"]),
    (
        "document_template",
        "{ documentTemplates { nodes { id } } }",
        lambda d: d["documentTemplates"]["nodes"],
    ),
    ("sign_off_rule", "{ signOffRules { nodes { id } } }", lambda d: d["signOffRules"]["nodes"]),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_query_family_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    body = await api.gql(query, as_user=USERS[role])
    assert "errors" not in body, body
    assert bool(rows(body["data"])) is expected(role, resource, "read", org_level=False)
