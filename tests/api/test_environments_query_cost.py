"""N+1 cannot hide in environments: environments → reservations → snapshots cost the same at
any size."""

from __future__ import annotations

from tests.api.conftest import Api, unique
from tests.api.environments_support import REPORT, digest, environment, reserve
from tests.api.test_query_cost import counting

NESTED = """
query($d: String!, $first: Int) {
  environments(filter: {productDomain: $d}, first: $first) { nodes { key businessUnit { key }
    ownerTeam { key } owners { username }
    reservations { nodes { status queuePosition holder { label } requestedBy { username }
      environment { key } } }
    currentSnapshot { images { service digest } reportedBy { username } }
    snapshots { nodes { helmChart images { service digest } } } } }
}"""


BATCH_POINTS = 16
"""environments, BU, team, people (owners, requestedBy, reportedBy), reservations, queue
positions (2), reservation.environment, current snapshot, images (current, history), snapshots."""


async def _seed(api: Api, count: int) -> str:
    domain = unique("cost")
    for n in range(count):
        env = await environment(api, productDomain=domain, capacity=1)
        await reserve(api, env, 0, 4)
        await reserve(api, env, 2, 6)
        for m in range(2):
            await api.ok(
                REPORT,
                {
                    "i": {
                        "environmentId": env["id"],
                        "images": [{"service": "api", "digest": digest(f"{n}-{m}")}],
                    }
                },
                as_user="ci",
            )
    return domain


class TestNestedEnvironmentQueriesCostConstantStatements:
    async def test_statement_count_does_not_grow_with_environments(self, api: Api) -> None:
        domain = await _seed(api, 5)
        small_vars = {"d": domain, "first": 1}
        large_vars = {"d": domain, "first": 50}
        await api.ok(NESTED, small_vars)  # warm: token, person and grant lookups are cached
        with counting(api) as small:
            await api.ok(NESTED, small_vars)
        with counting(api) as large:
            data = await api.ok(NESTED, large_vars)
        nodes = data["environments"]["nodes"]
        assert len(nodes) == 5
        assert all(
            [r["status"] for r in n["reservations"]["nodes"]] == ["GRANTED", "QUEUED"]
            for n in nodes
        )
        assert all(r["reservations"]["nodes"][1]["queuePosition"] == 1 for r in nodes)
        assert all(len(n["snapshots"]["nodes"]) == 2 for n in nodes)
        # Loaders reached at several depths (people, image digests) may batch once or twice
        # depending on how the concurrent resolvers interleave, so the count varies a little
        # between runs; it is bounded by the batch points, never by the number of rows (an
        # N+1 anywhere here would cost 5 or more statements per level).
        assert len(small) <= BATCH_POINTS, len(small)
        assert len(large) <= BATCH_POINTS, len(large)
