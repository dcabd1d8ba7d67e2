"""Importing a batch of history costs the same statements for two records as for forty: the
batch is read, checked, inserted and projected into the ledger in set statements."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.history_support import IMPORT, daily
from tests.api.test_incident_attribution_support import production
from tests.api.test_query_cost import counting


async def _statements(api: Api, count: int) -> int:
    """The fewest statements of three imports of `count` records, each of a fresh service."""
    env = await production(api)
    counts = []
    for _ in range(3):
        [service] = await services(api, "payments")
        records = daily(env, api.runtime.clock.now() - timedelta(days=60), count)
        with counting(api) as statements:
            body = await api.ok(IMPORT, {"i": {"serviceId": service, "records": records}})
        assert body["deploymentHistoryImport"]["result"]["added"] == count, body
        counts.append(len(statements))
    return min(counts)


class TestAnImportCostsConstantStatements:
    async def test_forty_records_cost_what_two_do(self, api: Api) -> None:
        await _statements(api, 1)  # warm: token, person and grant lookups
        assert await _statements(api, 40) == await _statements(api, 2)
