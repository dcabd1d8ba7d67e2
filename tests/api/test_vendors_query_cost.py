"""N+1 cannot hide in vendors: vendor releases → vendor, attestations, impacted services and
findings cost the same number of statements for one release as for many."""

from __future__ import annotations

from tests.api.conftest import Api, unique
from tests.api.test_query_cost import counting
from tests.api.test_vendors_api import LINK, attest, vendor_release

NESTED = """
query($bu: ID!, $first: Int) {
  vendorReleases(filter: {businessUnitId: $bu}, first: $first) { nodes {
    title flagged businessUnit { key } createdBy { username }
    vendor { name attestations { kind state createdBy { username } }
      releases { nodes { id } }
      dependentServices { service { key vendors { vendor { name } } } } }
    impactedServices { indirect service { key } via { key } }
    findings { code kinds service { key } freeze { id } } } }
}"""


async def _ok(api: Api, mutation: str, i: dict[str, object], path: tuple[str, str]) -> str:
    data = await api.ok(mutation, {"i": i})
    return str(data[path[0]][path[1]]["id"])


async def _seed(api: Api, count: int) -> str:
    """A fresh BU with `count` vendors, each used by a critical service that has a consumer,
    each with one attestation and one release."""
    bu = await _ok(
        api,
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) { businessUnit { id } errors { code } } }",
        {"key": unique("vcost"), "name": "Vendor cost"},
        ("businessUnitCreate", "businessUnit"),
    )
    team = await _ok(
        api,
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"businessUnitId": bu, "key": unique("t"), "name": "T"},
        ("teamCreate", "team"),
    )

    async def service(tier: str) -> str:
        return await _ok(
            api,
            "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } errors { code } } }",
            {
                "teamId": team,
                "key": unique("s"),
                "name": "S",
                "tier": tier,
                "dataClassification": "INTERNAL",
            },
            ("serviceCreate", "service"),
        )

    for n in range(count):
        vendor = await _ok(
            api,
            "mutation($i: VendorCreateInput!) { vendorCreate(input: $i) { vendor { id } errors { code } } }",
            {"businessUnitId": bu, "name": unique("V"), "contactEmail": "v@example.com"},
            ("vendorCreate", "vendor"),
        )
        used, consumer = await service("CRITICAL"), await service("INTERNAL")
        await api.ok(LINK, {"i": {"serviceId": used, "vendorId": vendor}})
        await api.ok(
            "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { errors { code } } }",
            {"i": {"consumerId": consumer, "providerId": used}},
        )
        await attest(api, vendor, "SOC2")
        await vendor_release(api, vendor, start=60 + n)
    return bu


class TestNestedVendorQueriesCostConstantStatements:
    async def test_statement_count_does_not_grow_with_releases(self, api: Api) -> None:
        bu = await _seed(api, 5)
        small_vars = {"bu": bu, "first": 1}
        large_vars = {"bu": bu, "first": 50}
        await api.ok(NESTED, small_vars)  # warm: token, person and grant lookups are cached
        with counting(api) as small:
            await api.ok(NESTED, small_vars)
        with counting(api) as large:
            data = await api.ok(NESTED, large_vars)
        nodes = data["vendorReleases"]["nodes"]
        assert len(nodes) == 5
        assert all(n["flagged"] for n in nodes)
        assert all([i["indirect"] for i in n["impactedServices"]] == [False, True] for n in nodes)
        assert len(large) == len(small), (len(small), len(large))
