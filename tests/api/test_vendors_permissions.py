"""Every role against every vendors mutation and query family, per authz/PERMISSIONS.md.

As in test_environments_permissions: the demo users hold their roles in payments (rmo and
auditor org-wide); each mutation is tried on a fresh payments vendor and service and must run
exactly where the matrix ticks. Cancelling a vendor release is `vendor_release/update` (the
matrix has no delete for it); linking a service to a vendor is `service_dependency/create`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_vendors_api import attest, days, iso, link, service, vendor, vendor_release

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _vendor(api: Api) -> dict[str, Any]:
    return {"vendor": await vendor(api)}


async def _attested(api: Api) -> dict[str, Any]:
    ctx = await _vendor(api)
    return {**ctx, "attestation": (await attest(api, ctx["vendor"], "SOC2"))["id"]}


async def _vendor_and_service(api: Api) -> dict[str, Any]:
    return {**await _vendor(api), "service": await service(api)}


async def _linked(api: Api) -> dict[str, Any]:
    ctx = await _vendor_and_service(api)
    await link(api, ctx["service"], ctx["vendor"])
    return ctx


async def _released(api: Api) -> dict[str, Any]:
    ctx = await _vendor(api)
    return {**ctx, "release": (await vendor_release(api, ctx["vendor"]))["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[Api, dict[str, Any]], Any]]] = [
    (
        "vendorAttestationAdd",
        "vendor_attestation",
        "create",
        _vendor,
        _m("vendorAttestationAdd", "VendorAttestationAddInput"),
        lambda api, c: {
            "vendorId": c["vendor"],
            "kind": "SOC2",
            "issuedAt": iso(days(api, -1)),
            "expiresAt": iso(days(api, 90)),
            "issuer": "Audit & Co",
            "reportReference": "r-1",
        },
    ),
    (
        "vendorAttestationRevoke",
        "vendor_attestation",
        "revoke",
        _attested,
        _m("vendorAttestationRevoke", "VendorAttestationRevokeInput"),
        lambda api, c: {"id": c["attestation"], "version": 1, "reason": "Withdrawn"},
    ),
    (
        "serviceVendorLink",
        "service_dependency",
        "create",
        _vendor_and_service,
        _m("serviceVendorLink", "ServiceVendorLinkInput"),
        lambda api, c: {"serviceId": c["service"], "vendorId": c["vendor"]},
    ),
    (
        "serviceVendorUnlink",
        "service_dependency",
        "delete",
        _linked,
        _m("serviceVendorUnlink", "ServiceVendorUnlinkInput"),
        lambda api, c: {"serviceId": c["service"], "vendorId": c["vendor"]},
    ),
    (
        "vendorReleaseCreate",
        "vendor_release",
        "create",
        _vendor,
        _m("vendorReleaseCreate", "VendorReleaseCreateInput"),
        lambda api, c: {
            "vendorId": c["vendor"],
            "title": "Rotation",
            "releaseVersion": "1.0",
            "startsAt": iso(days(api, 20)),
            "endsAt": iso(days(api, 20.1)),
        },
    ),
    (
        "vendorReleaseUpdate",
        "vendor_release",
        "update",
        _released,
        _m("vendorReleaseUpdate", "VendorReleaseUpdateInput"),
        lambda api, c: {"id": c["release"], "version": 1, "title": "Renamed"},
    ),
    (
        "vendorReleaseCancel",
        "vendor_release",
        "update",
        _released,
        _m("vendorReleaseCancel", "VendorReleaseCancelInput"),
        lambda api, c: {"id": c["release"], "version": 1, "reason": "Postponed"},
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_vendors_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(api, ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


QUERIES = [
    (
        "vendor_attestation",
        "{ vendorAttestationsExpiring(withinDays: 366, first: 1) { nodes { id } } }",
        lambda d: d["vendorAttestationsExpiring"]["nodes"],
    ),
    (
        "vendor_release",
        "{ vendorReleases(first: 1) { nodes { id } } }",
        lambda d: d["vendorReleases"]["nodes"],
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_vendors_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    ctx = await _released(api)
    await attest(api, ctx["vendor"], "ISO27001", expiresAt=iso(days(api, 10)))
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
