"""A page of the ledger with each entry's service, team, BU and release costs the same
statements for one entry as for six: DataLoaders read the nodes in batches."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_change_ledger_support import LEDGER, projected
from tests.api.test_incident_attribution_support import ago, deployed, production
from tests.api.test_query_cost import fewest


class TestTheLedgerCostsConstantStatements:
    async def test_a_page_of_the_ledger_does_not_grow_with_its_entries(self, api: Api) -> None:
        [service] = await services(api, "payments")
        env = await production(api)
        start = ago(api, 600)
        for n in range(6):
            await deployed(api, service, env, ago(api, 100 - n))
        await projected(api, start)

        def ask(n: int):  # type: ignore[no-untyped-def]
            return lambda: api.ok(LEDGER, {"f": {"serviceId": service}, "n": n})

        await ask(1)()  # warm: token, person and grant lookups
        _, one = await fewest(api, ask(1))
        data, six = await fewest(api, ask(6))
        assert len(data["changeLedger"]["nodes"]) == 6
        assert six == one, (one, six)
