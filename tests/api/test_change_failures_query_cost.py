"""Where changes fail, with every figure's rows and the suggestions of the types that stand
out, costs the same statements for a short history as for one five times as long."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_change_failures_support import (
    PROPOSE,
    QUERY,
    flips_and_deployments,
    history,
    propose_input,
)
from tests.api.test_policy_support import payload, world
from tests.api.test_query_cost import fewest

PROPOSALS = """query($b: ID!, $n: Int!) { policyProposals(filter: {businessUnitId: $b}, first: $n) {
  nodes { originId changeFailureAnalysis { changeType figures businessUnit { key }
    createdBy { username } } } } }"""


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

    async def test_proposals_with_their_analyses_do_not_grow_with_them(self, api: Api) -> None:
        w = await world(api)
        h = await history(api, w, flips_and_deployments())
        for control in ("PEER_REVIEW", "READINESS_REVIEW", "TEST_COVERAGE"):
            body = await api.gql(
                PROPOSE, {"i": propose_input(w, h, control=control)}, as_user=w.engineer
            )
            assert payload(body)["errors"] == [], body

        async def page(n: int) -> dict[str, object]:
            return await api.ok(PROPOSALS, {"b": w.bu, "n": n})

        await page(1)  # warm
        _, one = await fewest(api, lambda: page(1))
        data, three = await fewest(api, lambda: page(3))
        nodes = data["policyProposals"]["nodes"]  # type: ignore[index]
        assert [n["changeFailureAnalysis"]["changeType"] for n in nodes] == ["config"] * 3
        assert three == one, (one, three)
