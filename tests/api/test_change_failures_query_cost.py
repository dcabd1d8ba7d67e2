"""Where changes fail, with every figure's rows and the suggestions of the types that stand
out, costs the same statements for a short history as for one five times as long."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_change_failures_support import QUERY, flips_and_deployments, history
from tests.api.test_policy_support import world
from tests.api.test_query_cost import fewest


class TestChangeFailuresCostConstantStatements:
    async def test_the_rows_behind_the_figures_do_not_grow_with_them(self, api: Api) -> None:
        small, large = await world(api), await world(api)
        h = await history(api, small, flips_and_deployments())
        await history(api, large, flips_and_deployments(20, 15, 50, 5))

        def ask(bu: str):  # type: ignore[no-untyped-def]
            return lambda: api.ok(
                QUERY, {"s": {"businessUnitId": bu}, "since": h.since.isoformat()}
            )

        await ask(small.bu)()  # warm: token, person and grant lookups
        _, few = await fewest(api, ask(small.bu))
        data, many = await fewest(api, ask(large.bu))
        found = data["changeFailures"]
        assert found["overall"]["changes"] == 70
        [stand] = found["standingOut"]
        assert stand["changeType"] == "config" and stand["suggestions"]
        assert many == few, (few, many)
