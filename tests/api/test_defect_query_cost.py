"""A page of defects with their service, incident and recorder, and the patterns of a period
with their defects, cost the same statements for one as for many: DataLoaders and facts read
in batches."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.test_defect_support import ago, incident, record, world
from tests.api.test_query_cost import counting

NESTED = """query($s: ID!, $n: Int!) { defects(filter: {serviceId: $s}, first: $n) {
  nodes { title service { key } incident { description } recordedBy { username }
    businessUnit { key } } } }"""
PATTERNS = """query($b: ID!) { defectPatterns(businessUnitId: $b) {
  kind defects { title service { key } } } }"""


async def fewest(api: Api, query: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The fewest statements of three runs: the background work of the shared app (the
    housekeeping sweep, the outbox worker) may add its own to one run; never to all three."""
    counts, data = [], {}
    for _ in range(3):
        with counting(api) as statements:
            data = await api.ok(query, variables)
        counts.append(len(statements))
    return min(counts), data


class TestDefectsCostConstantStatements:
    async def test_a_page_of_defects_does_not_grow_with_its_defects(self, api: Api) -> None:
        w = await world(api, 1)
        for n in range(6):
            found = await incident(api, w, 0, f"incident {n} {w.bu_key}", ago(api, hours=n + 1))
            await record(api, w.services[0], sourceKind="INCIDENT", sourceId=found)
        variables = {"s": w.services[0]}
        await api.ok(NESTED, {**variables, "n": 1})  # warm: token, person and grant lookups
        one, _ = await fewest(api, NESTED, {**variables, "n": 1})
        six, data = await fewest(api, NESTED, {**variables, "n": 6})
        nodes = data["defects"]["nodes"]
        assert len(nodes) == 6 and all(n["incident"] and n["service"] for n in nodes)
        assert six == one, (one, six)

    async def test_the_patterns_of_a_period_do_not_grow_with_their_defects(self, api: Api) -> None:
        small, large = await world(api, 1), await world(api, 3)
        for _ in range(3):
            await record(api, small.services[0], rootCause="DATA")
        for service in large.services:
            for cause in ("DATA", "DESIGN", "PROCESS"):
                for _ in range(3):
                    await record(api, service, rootCause=cause, changeType="UI")
        await api.ok(PATTERNS, {"b": small.bu})
        few, _ = await fewest(api, PATTERNS, {"b": small.bu})
        many, data = await fewest(api, PATTERNS, {"b": large.bu})
        assert sum(len(p["defects"]) for p in data["defectPatterns"]) > 27
        assert many == few, (few, many)
