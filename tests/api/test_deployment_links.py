"""A deployment names what it carried out: the allowed promotion it is linked to, or the
unauthorized change it was recorded as; read through DataLoaders, so a page of deployments
reads the same statements whatever its length."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.deployments_support import plan
from tests.api.promotion_support import allowed_promotion
from tests.api.test_query_cost import counting
from tests.api.unauthorized_support import CREATE, deployment, open_changes

LINKS = """query($id: ID!) { node(id: $id) { ... on Deployment {
  promotion { id status } unauthorizedChange { id status } } } }"""
PAGE = """query($env: ID!) { deployments(filter: {environmentId: $env}, first: 50) {
  nodes { id promotion { id } unauthorizedChange { id } } } }"""


async def _links(api: Api, deployment_id: str, as_user: str = "rmo") -> dict[str, Any]:
    return (await api.ok(LINKS, {"id": deployment_id}, as_user=as_user))["node"]  # type: ignore[no-any-return]


class TestADeploymentNamesWhatItCarriedOut:
    async def test_with_the_allowed_promotion_it_names_the_promotion(self, api: Api) -> None:
        w, promotion = await allowed_promotion(api)
        body = await api.gql(CREATE, {"i": deployment(w)}, as_user="engineer")
        assert body["data"]["deploymentCreate"]["errors"] == [], body
        found = await _links(api, body["data"]["deploymentCreate"]["deployment"]["id"])
        assert found["promotion"]["id"] == promotion["id"]
        assert found["unauthorizedChange"] is None

    async def test_without_one_it_names_its_unauthorized_change(self, api: Api) -> None:
        dep = await plan(api)
        found = await _links(api, dep["id"])
        assert found["promotion"] is None
        (change,) = [
            c for c in await open_changes(api) if (c["deployment"] or {}).get("id") == dep["id"]
        ]
        assert found["unauthorizedChange"] == {"id": change["id"], "status": "OPEN"}

    async def test_a_viewer_of_another_bu_sees_neither(self, api: Api) -> None:
        dep = await plan(api)
        body = await api.gql(LINKS, {"id": dep["id"]}, as_user="retail-admin")
        assert body["data"]["node"] is None, body


class TestAPageOfDeploymentsReadsItsLinksInBatches:
    async def test_three_deployments_read_as_many_statements_as_one(self, api: Api) -> None:
        w, _ = await allowed_promotion(api)
        counts = []
        for extra in (0, 2):
            made = [
                (await api.ok(CREATE, {"i": deployment(w)}, as_user="engineer"))
                for _ in range(1 + extra)
            ]
            assert all(m["deploymentCreate"]["errors"] == [] for m in made)
            with counting(api) as statements:
                page = await api.ok(PAGE, {"env": w["env"]["id"]})
            nodes = page["deployments"]["nodes"]
            assert len(nodes) == sum(1 + e for e in (0, 2)[: len(counts) + 1])
            assert all(n["promotion"] or n["unauthorizedChange"] for n in nodes)
            counts.append(len(statements))
        assert counts[0] == counts[1], counts
