"""N+1 cannot hide in pipelines: pipelines → versions, reviews, runs cost the same at any size."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_pipeline_definitions_support import (
    V1,
    V2,
    approve,
    canonical_hash,
    pipeline,
    register,
    report,
    team,
)
from tests.api.test_query_cost import counting

NESTED = """
query($t: ID!, $first: Int) {
  pipelines(teamId: $t, first: $first) { nodes { key drift team { key } businessUnit { key }
    services { key }
    activeVersion { number author { username } reviews { verdict reviewer { username } } }
    latestRun { runId matchedVersion { number } }
    versions { nodes { number status pipeline { key } reviews { verdict } } }
    runs { nodes { runId drift activeVersion { number } reportedBy { username } } } } }
}"""

BATCH_POINTS = 20
"""pipelines, team, BU, service ids, services, active version, latest run, version pages, run
pages, reviews (two depths), people (author, reviewer, reportedBy: up to three depths),
versions by id (matched, active), the version's pipeline: 17, plus a little interleaving."""


class TestNestedPipelineQueriesCostConstantStatements:
    async def test_statement_count_does_not_grow_with_pipelines(self, api: Api) -> None:
        acquiring = (await team(api))["id"]
        for _ in range(5):
            made = await pipeline(api)
            v1 = (await register(api, made["id"], V1))["definitionVersion"]
            await approve(api, v1["id"])
            await register(api, made["id"], V2)
            await report(api, made["id"], canonical_hash(V1))
            await report(api, made["id"], canonical_hash(V2))
        small_vars = {"t": acquiring, "first": 1}
        large_vars = {"t": acquiring, "first": 50}
        await api.ok(NESTED, small_vars)  # warm: token, person and grant lookups are cached
        with counting(api) as small:
            await api.ok(NESTED, small_vars)
        with counting(api) as large:
            data = await api.ok(NESTED, large_vars)
        nodes = data["pipelines"]["nodes"]
        assert len(nodes) >= 5
        assert sum(1 for n in nodes if n["drift"] == "DRIFT") >= 5
        # Loaders reached at several depths may batch once or twice depending on how the
        # concurrent resolvers interleave; the count is bounded by the batch points, never by
        # the number of rows.
        assert len(small) <= BATCH_POINTS, len(small)
        assert len(large) <= BATCH_POINTS, len(large)
