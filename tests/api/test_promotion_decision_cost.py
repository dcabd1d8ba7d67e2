"""The cold decision snapshot reads a bounded number of statements, whatever the release ships.

Gathering reads each context once, in batches, and computes the effective guardrails once:
before the decision was split into gather and judge, the same snapshot took 78 statements
(the guardrails were computed five times and the release assessed twice).
"""

from __future__ import annotations

from typing import Any

from api.graphql.relay import from_global_id
from domain.pipelines.gather import Ask, take_snapshot
from tests.api.conftest import Api
from tests.api.governance_support import fill_missing, move, release, services
from tests.api.test_promotion_decision import scan, world
from tests.api.test_query_cost import counting

MOST = 40
"""Statements a cold production snapshot with a release may read (78 before the split; 40 since
the release's readiness review and its items are read, in one statement, for production)."""


async def _statements(api: Api, w: dict[str, Any]) -> int:
    ask = Ask(
        from_global_id(w["service"]),
        from_global_id(w["env"]["id"]),
        w["version"],
        from_global_id(w["release"]["id"]),
    )
    async with api.runtime.db.read_session() as session:
        with counting(api) as statements:
            await take_snapshot(session, ask, api.runtime.clock.now())
    return len(statements)


class TestTheColdSnapshotReadsABoundedNumberOfStatements:
    async def test_a_production_snapshot_reads_the_same_few_statements_for_one_or_three_services(
        self, api: Api
    ) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        one = await _statements(api, w)
        others = await services(api, "payments", 2)
        shipped = [w["service"], *others]
        rel = await fill_missing(api, await release(api, service_ids=shipped, changeTypes=["UI"]))
        three = await _statements(
            api, {**w, "release": (await move(api, rel, "Submit"))["release"]}
        )
        assert one <= MOST, one
        assert three == one
