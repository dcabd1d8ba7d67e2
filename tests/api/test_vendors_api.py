"""Vendors through GraphQL: attestations, service links, vendor releases, their findings and
the calendar views, as the demo users see them.

The helpers here (`vendor`, `service`, `link`, `attest`, `vendor_release`) are shared with
test_vendors_permissions and test_vendors_ical; every test makes its own vendors and services.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.api.conftest import Api, ids, unique

ALL_KINDS = ["ISO27001", "PENETRATION_TEST", "SECURITY_TESTING", "SOC2"]
RELEASE_FIELDS = """id title releaseVersion startsAt endsAt status version flagged
  vendor { name } businessUnit { key }
  impactedServices { indirect service { id key } via { key } }
  findings { code kinds sentence service { id } freeze { id } }"""
ADD = """mutation($i: VendorAttestationAddInput!) { vendorAttestationAdd(input: $i) {
  vendorAttestation { id kind state version issuer reportReference vendor { id } createdBy { username } }
  errors { code field } } }"""
REVOKE = """mutation($i: VendorAttestationRevokeInput!) { vendorAttestationRevoke(input: $i) {
  vendorAttestation { id state revokeReason revokedBy { username } version } errors { code field } } }"""
LINK = """mutation($i: ServiceVendorLinkInput!) { serviceVendorLink(input: $i) {
  link { service { id } vendor { id } description } errors { code field } } }"""
UNLINK = """mutation($i: ServiceVendorUnlinkInput!) { serviceVendorUnlink(input: $i) {
  link { service { id } vendor { id } } errors { code field } } }"""
CREATE = f"""mutation($i: VendorReleaseCreateInput!) {{ vendorReleaseCreate(input: $i) {{
  vendorRelease {{ {RELEASE_FIELDS} }} errors {{ code field }} }} }}"""
UPDATE = """mutation($i: VendorReleaseUpdateInput!) { vendorReleaseUpdate(input: $i) {
  vendorRelease { id startsAt version } errors { code field } } }"""
CANCEL = """mutation($i: VendorReleaseCancelInput!) { vendorReleaseCancel(input: $i) {
  vendorRelease { id status cancelReason version } errors { code field } } }"""
NODE = f"""query($id: ID!) {{ node(id: $id) {{ ... on VendorRelease {{ {RELEASE_FIELDS} }}
  ... on VendorAttestation {{ id kind state }} }} }}"""


def iso(at: datetime) -> str:
    return at.isoformat()


def days(api: Api, n: float) -> datetime:
    return api.runtime.clock.now() + timedelta(days=n)


async def vendor(api: Api, bu: str = "payments") -> str:
    bu_id = (await ids(api))[bu]
    data = await api.ok(
        "mutation($i: VendorCreateInput!) { vendorCreate(input: $i) { vendor { id } errors { code } } }",
        {"i": {"businessUnitId": bu_id, "name": unique("Vendor"), "contactEmail": "v@example.com"}},
    )
    return str(data["vendorCreate"]["vendor"]["id"])


async def service(api: Api, bu: str = "payments", tier: str = "CRITICAL") -> str:
    bu_id = (await ids(api))[bu]
    team = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": bu_id, "key": unique("vt"), "name": "Vendor team"}},
    )
    data = await api.ok(
        "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } errors { code } } }",
        {
            "i": {
                "teamId": team["teamCreate"]["team"]["id"],
                "key": unique("vs"),
                "name": "Vendor-facing service",
                "tier": tier,
                "dataClassification": "INTERNAL",
            }
        },
    )
    return str(data["serviceCreate"]["service"]["id"])


async def link(api: Api, service_id: str, vendor_id: str) -> None:
    await api.ok(LINK, {"i": {"serviceId": service_id, "vendorId": vendor_id}})


async def attest(api: Api, vendor_id: str, kind: str, **kw: Any) -> dict[str, Any]:
    values = {
        "vendorId": vendor_id,
        "kind": kind,
        "issuedAt": iso(days(api, -30)),
        "expiresAt": iso(days(api, 300)),
        "issuer": "Audit & Co",
        "reportReference": "https://reports.example/r-1",
    }
    data = await api.ok(ADD, {"i": {**values, **kw}})
    return data["vendorAttestationAdd"]["vendorAttestation"]  # type: ignore[no-any-return]


async def vendor_release(
    api: Api, vendor_id: str, *, start: float = 20, **kw: Any
) -> dict[str, Any]:
    values = {
        "vendorId": vendor_id,
        "title": "Network certificate rotation",
        "releaseVersion": "4.2.0",
        "startsAt": iso(days(api, start)),
        "endsAt": iso(days(api, start) + timedelta(hours=2)),
    }
    data = await api.ok(CREATE, {"i": {**values, **kw}})
    return data["vendorReleaseCreate"]["vendorRelease"]  # type: ignore[no-any-return]


async def release_node(api: Api, release_id: str, as_user: str = "rmo") -> Any:
    body = await api.gql(NODE, {"id": release_id}, as_user=as_user)
    assert "errors" not in body, body
    return body["data"]["node"]


class TestAVendorReleaseIntoACriticalServiceWithoutACurrentAttestationIsFlagged:
    async def test_it_is_flagged_until_the_vendor_holds_current_attestations(
        self, api: Api
    ) -> None:
        v, s = await vendor(api), await service(api, tier="CRITICAL")
        await link(api, s, v)
        await attest(api, v, "SECURITY_TESTING")
        made = await vendor_release(api, v)
        assert made["flagged"] is True
        missing = [f for f in made["findings"] if f["code"] == "ATTESTATION_MISSING"]
        assert [f["service"]["id"] for f in missing] == [s]
        assert {"PENETRATION_TEST", "SOC2"} <= set(missing[0]["kinds"])
        assert "SECURITY_TESTING" not in missing[0]["kinds"]
        for kind in ALL_KINDS:
            await attest(api, v, kind, issuedAt=iso(days(api, -1)))
        cleared = await release_node(api, made["id"])
        assert [f for f in cleared["findings"] if f["code"].startswith("ATTESTATION")] == []

    async def test_an_attestation_expiring_before_the_release_ends_is_flagged(
        self, api: Api
    ) -> None:
        v, s = await vendor(api), await service(api)
        await link(api, s, v)
        for kind in ALL_KINDS:
            await attest(api, v, kind, expiresAt=iso(days(api, 10)))
        made = await vendor_release(api, v, start=9.99)
        codes = {f["code"] for f in made["findings"]}
        assert "ATTESTATION_EXPIRES_DURING_RELEASE" in codes

    async def test_a_revoked_attestation_flags_the_release_again(self, api: Api) -> None:
        v, s = await vendor(api), await service(api)
        await link(api, s, v)
        made = {kind: await attest(api, v, kind) for kind in ALL_KINDS}
        revoked = await api.ok(
            REVOKE, {"i": {"id": made["SOC2"]["id"], "version": 1, "reason": "Withdrawn"}}
        )
        att = revoked["vendorAttestationRevoke"]["vendorAttestation"]
        assert (att["state"], att["revokeReason"], att["revokedBy"]["username"]) == (
            "REVOKED",
            "Withdrawn",
            "rmo",
        )
        release = await vendor_release(api, v)
        (finding,) = [f for f in release["findings"] if f["code"] == "ATTESTATION_REVOKED"]
        assert finding["kinds"] == ["SOC2"]


class TestVendorFields:
    async def test_attestations_releases_and_dependent_services_of_a_vendor(self, api: Api) -> None:
        v, s = await vendor(api), await service(api, tier="INTERNAL")
        await link(api, s, v)
        att = await attest(api, v, "ISO27001")
        made = await vendor_release(api, v)
        data = await api.ok(
            """query($id: ID!) { node(id: $id) { ... on Vendor { attestationStatus
              attestations { id kind state } releases { nodes { id } }
              dependentServices { service { id } vendor { id } } } } }""",
            {"id": v},
        )
        node = data["node"]
        assert node["attestationStatus"] == "ATTESTED"
        assert node["attestations"] == [{"id": att["id"], "kind": "ISO27001", "state": "CURRENT"}]
        assert [n["id"] for n in node["releases"]["nodes"]] == [made["id"]]
        assert node["dependentServices"] == [{"service": {"id": s}, "vendor": {"id": v}}]
        services = await api.ok(
            "query($id: ID!) { node(id: $id) { ... on Service { vendors { vendor { id } } } } }",
            {"id": s},
        )
        assert services["node"]["vendors"] == [{"vendor": {"id": v}}]
        assert (await api.ok(NODE, {"id": att["id"]}))["node"]["state"] == "CURRENT"

    async def test_unlinking_removes_the_service_from_the_impact(self, api: Api) -> None:
        v, s = await vendor(api), await service(api)
        await link(api, s, v)
        again = await api.gql(LINK, {"i": {"serviceId": s, "vendorId": v}})
        assert again["data"]["serviceVendorLink"]["errors"] == [
            {"code": "VENDOR_LINK_EXISTS", "field": "vendorId"}
        ]
        made = await vendor_release(api, v)
        assert [i["service"]["id"] for i in made["impactedServices"]] == [s]
        await api.ok(UNLINK, {"i": {"serviceId": s, "vendorId": v}})
        assert (await release_node(api, made["id"]))["impactedServices"] == []


class TestVendorReleasesOnTheCalendar:
    async def test_listed_by_range_and_business_unit(self, api: Api) -> None:
        v = await vendor(api)
        made = await vendor_release(api, v, start=40)
        query = """query($f: VendorReleaseFilter) { vendorReleases(filter: $f, first: 500) {
          nodes { id } } }"""
        bus = await ids(api)
        inside = {"from": iso(days(api, 39)), "to": iso(days(api, 41)), "vendorId": v}
        found = await api.ok(query, {"f": {**inside, "businessUnitId": bus["payments"]}})
        assert [n["id"] for n in found["vendorReleases"]["nodes"]] == [made["id"]]
        elsewhere = await api.ok(query, {"f": {**inside, "businessUnitId": bus["retail"]}})
        assert elsewhere["vendorReleases"]["nodes"] == []
        before = {"from": iso(days(api, 30)), "to": iso(days(api, 39)), "vendorId": v}
        assert (await api.ok(query, {"f": before}))["vendorReleases"]["nodes"] == []

    async def test_the_calendar_slice_shows_it_next_to_our_own_windows(self, api: Api) -> None:
        v = await vendor(api)
        made = await vendor_release(api, v, start=50)
        query = """query($i: CalendarInput!) { calendar(input: $i) {
          vendorReleases { id title flagged } } }"""
        bus = await ids(api)
        window = {"from": iso(days(api, 49)), "to": iso(days(api, 51))}
        found = await api.ok(query, {"i": {**window, "businessUnitId": bus["payments"]}})
        assert made["id"] in [n["id"] for n in found["calendar"]["vendorReleases"]]
        other = await api.ok(query, {"i": {**window, "businessUnitId": bus["retail"]}})
        assert made["id"] not in [n["id"] for n in other["calendar"]["vendorReleases"]]

    async def test_another_unit_sees_it_once_its_service_uses_the_vendor(self, api: Api) -> None:
        v = await vendor(api)
        made = await vendor_release(api, v)
        assert await release_node(api, made["id"], as_user="retail-admin") is None
        retail_service = await service(api, bu="retail")
        await link(api, retail_service, v)
        seen = await release_node(api, made["id"], as_user="retail-admin")
        assert [i["service"]["id"] for i in seen["impactedServices"]] == [retail_service]
        # Payments people are told of the retail finding without the service being named.
        told = await release_node(api, made["id"], as_user="viewer")
        assert told["impactedServices"] == []
        assert told["findings"] and all(f["service"] is None for f in told["findings"])

    async def test_moved_and_cancelled_with_optimistic_versions(self, api: Api) -> None:
        v = await vendor(api)
        made = await vendor_release(api, v)
        start = days(api, 25)
        moved = await api.ok(
            UPDATE,
            {
                "i": {
                    "id": made["id"],
                    "version": 1,
                    "startsAt": iso(start),
                    "endsAt": iso(start + timedelta(hours=1)),
                }
            },
        )
        assert moved["vendorReleaseUpdate"]["vendorRelease"]["version"] == 2
        stale = await api.gql(UPDATE, {"i": {"id": made["id"], "version": 1, "title": "x"}})
        assert stale["data"]["vendorReleaseUpdate"]["errors"] == [
            {"code": "VERSION_CONFLICT", "field": "version"}
        ]
        done = await api.ok(CANCEL, {"i": {"id": made["id"], "version": 2, "reason": "Postponed"}})
        assert done["vendorReleaseCancel"]["vendorRelease"]["status"] == "CANCELLED"
        again = await api.gql(CANCEL, {"i": {"id": made["id"], "version": 3, "reason": "x"}})
        assert again["data"]["vendorReleaseCancel"]["errors"] == [
            {"code": "VENDOR_RELEASE_CANCELLED", "field": None}
        ]


class TestRefusals:
    async def test_bad_input_names_its_code_and_field(self, api: Api) -> None:
        v = await vendor(api)
        start = days(api, 3)
        body = await api.gql(
            CREATE,
            {
                "i": {
                    "vendorId": v,
                    "title": "T",
                    "releaseVersion": "1",
                    "startsAt": iso(start),
                    "endsAt": iso(start - timedelta(hours=1)),
                }
            },
        )
        assert body["data"]["vendorReleaseCreate"]["errors"] == [
            {"code": "INVALID_INTERVAL", "field": "endsAt"}
        ]
        body = await api.gql(
            ADD,
            {
                "i": {
                    "vendorId": v,
                    "kind": "SOC2",
                    "issuedAt": iso(days(api, 1)),
                    "expiresAt": iso(days(api, 9)),
                    "issuer": "A",
                    "reportReference": "r",
                }
            },
        )
        assert body["data"]["vendorAttestationAdd"]["errors"] == [
            {"code": "INVALID_ATTESTATION_PERIOD", "field": "issuedAt"}
        ]

    async def test_another_units_vendor_reads_as_not_found(self, api: Api) -> None:
        v = await vendor(api, bu="retail")
        body = await api.gql(
            CREATE,
            {
                "i": {
                    "vendorId": v,
                    "title": "T",
                    "releaseVersion": "1",
                    "startsAt": iso(days(api, 3)),
                    "endsAt": iso(days(api, 3.1)),
                }
            },
            as_user="release-manager",
        )
        assert body["data"]["vendorReleaseCreate"]["errors"] == [
            {"code": "NOT_FOUND", "field": "vendorId"}
        ]

    async def test_an_engineer_may_not_add_attestations(self, api: Api) -> None:
        v = await vendor(api)
        body = await api.gql(
            ADD,
            {
                "i": {
                    "vendorId": v,
                    "kind": "SOC2",
                    "issuedAt": iso(days(api, -1)),
                    "expiresAt": iso(days(api, 9)),
                    "issuer": "A",
                    "reportReference": "r",
                }
            },
            as_user="engineer",
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


class TestExpiringAttestations:
    async def test_listed_soonest_first_for_the_unit(self, api: Api) -> None:
        v = await vendor(api)
        late = await attest(api, v, "SOC2", expiresAt=iso(days(api, 20)))
        soon = await attest(api, v, "ISO27001", expiresAt=iso(days(api, 2)))
        await attest(api, v, "PENETRATION_TEST", expiresAt=iso(days(api, 200)))
        data = await api.ok(
            """query($bu: ID) { vendorAttestationsExpiring(withinDays: 30, businessUnitId: $bu,
              first: 500) { nodes { id vendor { id } } } }""",
            {"bu": (await ids(api))["payments"]},
            as_user="payments-admin",
        )
        mine = [
            n["id"] for n in data["vendorAttestationsExpiring"]["nodes"] if n["vendor"]["id"] == v
        ]
        assert mine == [soon["id"], late["id"]]
        body = await api.gql("{ vendorAttestationsExpiring(withinDays: 0) { nodes { id } } }")
        assert body["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "reason": "RANGE_TOO_LARGE",
            "field": "withinDays",
        }


class TestPaging:
    async def test_pages_of_a_vendors_releases_follow_each_other(self, api: Api) -> None:
        v = await vendor(api)
        made = [(await vendor_release(api, v, start=50 + n))["id"] for n in range(3)]
        query = """query($f: VendorReleaseFilter, $a: String) {
          vendorReleases(filter: $f, first: 2, after: $a) {
            nodes { id } pageInfo { hasNextPage endCursor } } }"""
        first = (await api.ok(query, {"f": {"vendorId": v}}))["vendorReleases"]
        assert first["pageInfo"]["hasNextPage"] is True
        rest = (await api.ok(query, {"f": {"vendorId": v}, "a": first["pageInfo"]["endCursor"]}))[
            "vendorReleases"
        ]
        assert [n["id"] for n in first["nodes"] + rest["nodes"]] == made
        nested = await api.ok(
            """query($id: ID!, $a: String) { node(id: $id) { ... on Vendor {
              releases(first: 1, after: $a) { nodes { id } } } } }""",
            {"id": v, "a": first["pageInfo"]["endCursor"]},
        )
        assert [n["id"] for n in nested["node"]["releases"]["nodes"]] == [made[2]]

    async def test_a_slice_longer_than_400_days_is_refused(self, api: Api) -> None:
        body = await api.gql(
            "query($f: VendorReleaseFilter) { vendorReleases(filter: $f) { nodes { id } } }",
            {"f": {"from": iso(days(api, 0)), "to": iso(days(api, 500))}},
        )
        assert body["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "reason": "RANGE_TOO_LARGE",
            "field": "to",
        }
