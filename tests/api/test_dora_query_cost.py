"""The four keys with every row behind them (deployments, failures with their incidents,
restores) cost the same statements for one failed deployment as for four."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_change_ledger_support import projected
from tests.api.test_dora_api import DORA
from tests.api.test_incident_attribution_support import ago, deployed, incident, production
from tests.api.test_query_cost import fewest


async def _history(api: Api, failures: int) -> str:
    """A service whose every deployment is followed by an incident."""
    [service] = await services(api, "payments")
    env = await production(api)
    for n in range(failures):
        await deployed(api, service, env, ago(api, 100 - 10 * n))
        await incident(api, service, "SEV3", detectedAt=ago(api, 95 - 10 * n).isoformat())
    return service


class TestTheFourKeysCostConstantStatements:
    async def test_the_rows_behind_the_figures_do_not_grow_with_them(self, api: Api) -> None:
        start = ago(api, 600)
        one, four = await _history(api, 1), await _history(api, 4)
        await projected(api, start)

        def ask(service: str):  # type: ignore[no-untyped-def]
            return lambda: api.ok(DORA, {"s": {"serviceId": service}, "since": start.isoformat()})

        await ask(one)()  # warm: token, person and grant lookups
        _, few = await fewest(api, ask(one))
        data, many = await fewest(api, ask(four))
        failures = data["doraMetrics"]["rows"]["failures"]
        assert len(failures) == 4 and all(f["incidents"] for f in failures)
        assert many == few, (few, many)
