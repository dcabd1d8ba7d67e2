"""A page of policy proposals with their origin, people, business unit and before-and-after
figures, and a BU's retrospectives with their proposals, cost the same statements for one as
for many: DataLoaders read in batches (the figures of a page: four statements)."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.test_policy_support import (
    APPLY,
    APPROVE,
    SUBMIT,
    moved,
    proposed,
    retrospective,
    world,
)
from tests.api.test_query_cost import fewest

PROPOSALS = """query($b: ID!, $n: Int!) { policyProposals(filter: {businessUnitId: $b}, first: $n) {
  nodes { status retrospective { title team { key } } postMortem { title }
    proposedBy { username } decidedBy { username } businessUnit { key }
    beforeAfter(days: 7) { before { deployments bypasses } after { incidents } } } } }"""
RETROSPECTIVES = """query($b: ID!, $n: Int!) {
  retrospectives(filter: {businessUnitId: $b}, first: $n) {
  nodes { title team { key } recordedBy { username } proposals { status proposedBy { username } } }
} }"""


class TestPolicyReadsCostConstantStatements:
    async def test_a_page_of_proposals_does_not_grow_with_its_proposals(self, api: Api) -> None:
        w = await world(api)
        for n in range(5):
            retro = await retrospective(api, w.team, title=f"Sprint {n}")
            made = await proposed(api, retro["id"], as_user=w.engineer)
            if n % 2 == 0:  # the first one too: the page of one counts its figures
                sent = await moved(api, SUBMIT, made, as_user=w.engineer)
                approved = await moved(api, APPROVE, sent, as_user=w.admin)
                await moved(api, APPLY, approved, as_user=w.admin)

        async def page(n: int) -> dict[str, object]:
            return await api.ok(PROPOSALS, {"b": w.bu, "n": n})

        await page(1)  # warm: token, person and grant lookups
        _, one = await fewest(api, lambda: page(1))
        data, five = await fewest(api, lambda: page(5))
        nodes = data["policyProposals"]["nodes"]  # type: ignore[index]
        assert len(nodes) == 5 and all(n["retrospective"] for n in nodes)
        assert [n["beforeAfter"] is not None for n in nodes] == [True, False, True, False, True]
        assert five == one, (one, five)

    async def test_retrospectives_with_their_proposals_do_not_grow_with_them(
        self, api: Api
    ) -> None:
        w = await world(api)
        for n in range(4):
            retro = await retrospective(api, w.team, title=f"Sprint {n}")
            for _ in range(2):
                await proposed(api, retro["id"], as_user=w.engineer)

        async def page(n: int) -> dict[str, object]:
            return await api.ok(RETROSPECTIVES, {"b": w.bu, "n": n})

        await page(1)
        _, one = await fewest(api, lambda: page(1))
        data, four = await fewest(api, lambda: page(4))
        nodes = data["retrospectives"]["nodes"]  # type: ignore[index]
        assert [len(n["proposals"]) for n in nodes] == [2, 2, 2, 2]
        assert four == one, (one, four)
