"""N+1 cannot hide in governance: releases → services → sign-offs cost the same at any size."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.governance_support import OPEN, new_bu, payload, release, services, submitted
from tests.api.test_query_cost import counting

NESTED = """
query($bu: ID!, $first: Int) {
  releases(filter: {businessUnitId: $bu}, first: $first) { nodes { id title owner { username }
    businessUnit { key } authors { username }
    services { artifactVersion service { key tier team { key } } }
    signOffs { requirement status signer { username } }
    completeness { complete missing { templateKey field } }
    goNoGoSessions { status board { key members { person { username } } }
      votes { choice voter { username } } currentDecision { outcome } } } }
}"""


async def _seed(api: Api, count: int) -> str:
    """A fresh BU whose releases each ship two EU personal-data services."""
    bu = await new_bu(api)
    board = payload(
        await api.gql(
            "mutation($i: BoardCreateInput!) { boardCreate(input: $i) { board { id } errors { code } } }",
            {
                "i": {
                    "businessUnitId": bu,
                    "key": "cab",
                    "name": "CAB",
                    "quorum": 1,
                    "approvalsNeeded": 1,
                }
            },
        )
    )["board"]
    for n in range(count):
        shipped = await services(api, bu, 2, data="PERSONAL", regions=["eu-west-1"])
        rel = await release(api, bu, service_ids=shipped, as_user="rmo")
        if n % 2 == 0:
            rel = await submitted(api, rel, as_user="rmo")
            await api.ok(OPEN, {"i": {"releaseId": rel["id"], "boardId": board["id"]}})
    return bu


class TestNestedGovernanceQueriesCostConstantStatements:
    async def test_statement_count_does_not_grow_with_releases(self, api: Api) -> None:
        bu = await _seed(api, 6)
        small_vars = {"bu": bu, "first": 1}
        large_vars = {"bu": bu, "first": 50}
        await api.ok(NESTED, small_vars)  # warm: token, person and grant lookups are cached
        with counting(api) as small:
            await api.ok(NESTED, small_vars)
        with counting(api) as large:
            data = await api.ok(NESTED, large_vars)
        nodes = data["releases"]["nodes"]
        assert len(nodes) == 6
        assert all(len(n["services"]) == 2 for n in nodes)
        assert all(
            {s["requirement"] for s in n["signOffs"]} == {"data_sovereignty", "privacy_impact"}
            for n in nodes
        )
        assert sum(len(n["goNoGoSessions"]) for n in nodes) == 3
        assert len(large) == len(small), (len(small), len(large))
        assert len(large) <= 20
