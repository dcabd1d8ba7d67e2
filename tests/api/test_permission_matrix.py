"""Every role against every mutation and query family, through GraphQL, per authz/PERMISSIONS.md.

The demo users hold their roles in the payments BU (rmo and auditor org-wide); each use case
is tried in payments, or at org scope for org-level things, and must be allowed exactly where
the matrix has a tick.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique

MATRIX = Path(__file__).resolve().parents[2] / "authz" / "PERMISSIONS.md"
USERS = {
    "org_admin": "rmo",
    "bu_admin": "payments-admin",
    "release_manager": "release-manager",
    "engineer": "engineer",
    "approver": "approver",
    "sre": "sre",
    "auditor": "auditor",
    "viewer": "viewer",
    "ci": "ci",
}
ORG_WIDE = {"org_admin", "auditor"}


def load_matrix() -> dict[tuple[str, str], set[str]]:
    lines = MATRIX.read_text().splitlines()
    header = next(line for line in lines if line.startswith("| resource/action"))
    roles = [c.strip() for c in header.strip("|").split("|")][1:]
    allowed: dict[tuple[str, str], set[str]] = {}
    for line in lines:
        match = re.match(r"^\| `(\w+)/(\w+)` \|(.*)\|\s*$", line)
        if match:
            cells = [c.strip() for c in match.group(3).split("|")]
            allowed[(match.group(1), match.group(2))] = {
                r for r, c in zip(roles, cells, strict=True) if c == "✓"
            }
    return allowed


ALLOWED = load_matrix()


def expected(role: str, resource: str, action: str, *, org_level: bool) -> bool:
    if org_level and role not in ORG_WIDE:
        return False
    return role in ALLOWED.get((resource, action), set())


def outcome(body: dict[str, Any]) -> bool:
    """True when the use case ran; False when refused as FORBIDDEN or NOT_FOUND."""
    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        return False
    payload = next(iter(body["data"].values()))
    if payload["errors"]:
        assert payload["errors"][0]["code"] == "NOT_FOUND", payload
        return False
    return True


Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _payments(api: Api) -> dict[str, Any]:
    return {"bu": (await ids(api))["payments"]}


async def _team(api: Api) -> dict[str, Any]:
    ctx = await _payments(api)
    data = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": ctx["bu"], "key": unique("m"), "name": "M"}},
    )
    return {**ctx, "team": data["teamCreate"]["team"]["id"]}


async def _services(api: Api) -> dict[str, Any]:
    ctx = await _team(api)
    made = []
    for _ in range(2):
        data = await api.ok(
            "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } errors { code } } }",
            {
                "i": {
                    "teamId": ctx["team"],
                    "key": unique("m"),
                    "name": "M",
                    "tier": "INTERNAL",
                    "dataClassification": "INTERNAL",
                }
            },
        )
        made.append(data["serviceCreate"]["service"]["id"])
    return {**ctx, "consumer": made[0], "provider": made[1]}


async def _edge(api: Api) -> dict[str, Any]:
    ctx = await _services(api)
    await api.ok(
        "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { errors { code } } }",
        {"i": {"consumerId": ctx["consumer"], "providerId": ctx["provider"]}},
    )
    return ctx


async def _vendor(api: Api) -> dict[str, Any]:
    ctx = await _payments(api)
    data = await api.ok(
        "mutation($i: VendorCreateInput!) { vendorCreate(input: $i) { vendor { id } errors { code } } }",
        {"i": {"businessUnitId": ctx["bu"], "name": unique("v"), "contactEmail": "v@example.com"}},
    )
    return {**ctx, "vendor": data["vendorCreate"]["vendor"]["id"]}


async def _person(api: Api) -> dict[str, Any]:
    ctx = await _payments(api)
    data = await api.ok(
        "mutation($i: PersonCreateInput!) { personCreate(input: $i) { person { id } errors { code } } }",
        {"i": {"username": unique("p"), "displayName": "P"}},
    )
    return {**ctx, "person": data["personCreate"]["person"]["id"]}


async def _grant(api: Api) -> dict[str, Any]:
    ctx = await _person(api)
    data = await api.ok(
        "mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) { roleGrant { id } errors { code } } }",
        {"i": {"personId": ctx["person"], "role": "VIEWER", "businessUnitId": ctx["bu"]}},
    )
    return {**ctx, "grant": data["roleGrantCreate"]["roleGrant"]["id"]}


# (name, resource, action, org-level?, fixture, mutation, input from fixture context)
MUTATIONS: list[
    tuple[str, str, str, bool, Fixture, str, Callable[[dict[str, Any]], dict[str, Any]]]
] = [
    (
        "businessUnitCreate",
        "business_unit",
        "create",
        True,
        _payments,
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) { errors { code } } }",
        lambda c: {"key": unique("bu"), "name": "B"},
    ),
    (
        "businessUnitUpdate",
        "business_unit",
        "update",
        False,
        _payments,
        "mutation($i: BusinessUnitUpdateInput!) { businessUnitUpdate(input: $i) { errors { code } } }",
        lambda c: {"id": c["bu"], "version": c["version"], "description": unique("d")},
    ),
    (
        "teamCreate",
        "team",
        "create",
        False,
        _payments,
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { errors { code } } }",
        lambda c: {"businessUnitId": c["bu"], "key": unique("t"), "name": "T"},
    ),
    (
        "teamUpdate",
        "team",
        "update",
        False,
        _team,
        "mutation($i: TeamUpdateInput!) { teamUpdate(input: $i) { errors { code } } }",
        lambda c: {"id": c["team"], "version": 1, "name": "Renamed"},
    ),
    (
        "serviceCreate",
        "service",
        "create",
        False,
        _team,
        "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { errors { code } } }",
        lambda c: {
            "teamId": c["team"],
            "key": unique("s"),
            "name": "S",
            "tier": "INTERNAL",
            "dataClassification": "INTERNAL",
        },
    ),
    (
        "serviceUpdate",
        "service",
        "update",
        False,
        _services,
        "mutation($i: ServiceUpdateInput!) { serviceUpdate(input: $i) { errors { code } } }",
        lambda c: {"id": c["consumer"], "version": 1, "tier": "CRITICAL"},
    ),
    (
        "serviceDependencyAdd",
        "service_dependency",
        "create",
        False,
        _services,
        "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { errors { code } } }",
        lambda c: {"consumerId": c["consumer"], "providerId": c["provider"]},
    ),
    (
        "serviceDependencyRemove",
        "service_dependency",
        "delete",
        False,
        _edge,
        "mutation($i: ServiceDependencyInput!) { serviceDependencyRemove(input: $i) { errors { code } } }",
        lambda c: {"consumerId": c["consumer"], "providerId": c["provider"]},
    ),
    (
        "vendorCreate",
        "vendor",
        "create",
        False,
        _payments,
        "mutation($i: VendorCreateInput!) { vendorCreate(input: $i) { errors { code } } }",
        lambda c: {"businessUnitId": c["bu"], "name": unique("v"), "contactEmail": "v@example.com"},
    ),
    (
        "vendorUpdate",
        "vendor",
        "update",
        False,
        _vendor,
        "mutation($i: VendorUpdateInput!) { vendorUpdate(input: $i) { errors { code } } }",
        lambda c: {"id": c["vendor"], "version": 1, "attestationStatus": "ATTESTED"},
    ),
    (
        "personCreate",
        "person",
        "create",
        True,
        _payments,
        "mutation($i: PersonCreateInput!) { personCreate(input: $i) { errors { code } } }",
        lambda c: {"username": unique("u"), "displayName": "U"},
    ),
    (
        "roleGrantCreate",
        "role_grant",
        "grant",
        False,
        _person,
        "mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) { errors { code } } }",
        lambda c: {"personId": c["person"], "role": "VIEWER", "businessUnitId": c["bu"]},
    ),
    (
        "roleGrantRevoke",
        "role_grant",
        "revoke",
        False,
        _grant,
        "mutation($i: RoleGrantRevokeInput!) { roleGrantRevoke(input: $i) { errors { code } } }",
        lambda c: {"id": c["grant"]},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, org_level, fixture, mutation, make_input = case
    ctx = await fixture(api)
    if name == "businessUnitUpdate":
        data = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on BusinessUnit { version } } }",
            {"id": ctx["bu"]},
        )
        ctx["version"] = data["node"]["version"]
    body = await api.gql(mutation, {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=org_level), (
        name,
        role,
        body,
    )


QUERIES = [
    ("business_unit", "{ businessUnits { nodes { key } } }", lambda d: d["businessUnits"]["nodes"]),
    ("team", "{ teams { nodes { key } } }", lambda d: d["teams"]["nodes"]),
    ("service", "{ services { nodes { key } } }", lambda d: d["services"]["nodes"]),
    ("vendor", "{ vendors { nodes { name } } }", lambda d: d["vendors"]["nodes"]),
    ("person", "{ people { nodes { username } } }", lambda d: d["people"]["nodes"]),
    (
        "role_grant",
        '{ people(search: "engineer") { nodes { grants { role } } } }',
        lambda d: [g for p in d["people"]["nodes"] for g in p["grants"]],
    ),
    (
        "audit_trail",
        "{ auditRecords(first: 1) { nodes { seq } } }",
        lambda d: d["auditRecords"]["nodes"],
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_query_family_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    body = await api.gql(query, as_user=USERS[role])
    if body.get("errors"):
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        visible = False
    else:
        visible = bool(rows(body["data"]))
    may_read = expected(role, resource, "read", org_level=False)
    if resource == "role_grant" and role != "org_admin" and role != "auditor":
        # The engineer's grant lives in payments; BU-scoped readers see it there.
        may_read = may_read
    assert visible is may_read, (resource, role, body)
