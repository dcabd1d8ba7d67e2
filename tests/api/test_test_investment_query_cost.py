"""testInvestment with every row behind its figures (defects, test runs, deployments) costs the
same statements for one service as for three."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_query_cost import fewest
from tests.api.test_test_investment_support import INVESTMENT, history


class TestTheTableCostsConstantStatements:
    async def test_the_rows_behind_the_figures_do_not_grow_with_the_services(
        self, api: Api
    ) -> None:
        one, three = await history(api), [await history(api) for _ in range(3)]

        def ask(h):  # type: ignore[no-untyped-def]
            return lambda: api.ok(INVESTMENT, h.ask())

        def ask_all():  # type: ignore[no-untyped-def]
            v = {**three[0].ask(), "s": None}
            return api.ok(INVESTMENT, v)

        await ask(one)()  # warm: token, person and grant lookups
        _, few = await fewest(api, ask(one))
        data, many = await fewest(api, ask_all)
        assert len(data["testInvestment"]["rows"]) >= 6
        assert many == few, (few, many)
