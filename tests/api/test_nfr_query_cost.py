"""A page of services with their NFRs and staging runs costs the same statements for one service
as for many: the effective requirements and the runs come through DataLoaders."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.governance_support import services
from tests.api.test_query_cost import counting

NESTED = """query($team: ID!, $n: Int!) { node(id: $team) { ... on Team {
  services(first: $n) { nodes { key
    nfrs { key target source }
    nfrRuns(first: 5) { nodes { name figures { key value } environment { key } } } } } } } }"""
SET = """mutation($i: ServiceNfrsSetInput!) { serviceNfrsSet(input: $i) { errors { code } } }"""
RECORD = """mutation($i: NfrRunRecordInput!) { nfrRunRecord(input: $i) { errors { code } } }"""


class TestServicesWithTheirNfrsCostConstantStatements:
    async def test_statement_count_does_not_grow_with_the_services(self, api: Api) -> None:
        ids = await services(api, "payments", 6, tier="CRITICAL")
        staging = await environment(api)
        finished = (api.runtime.clock.now() - timedelta(hours=1)).isoformat()
        for n, sid in enumerate(ids):
            await api.ok(SET, {"i": {"serviceId": sid, "nfrs": [{"key": "peak_rps", "target": n}]}})
            run = {
                "serviceId": sid,
                "environmentId": staging["id"],
                "artifactVersion": "1.0.0",
                "name": f"load-{n}",
                "finishedAt": finished,
                "figures": [{"key": "peak_rps", "value": 10 * n}],
            }
            await api.ok(RECORD, {"i": run})
        team = (
            await api.ok(
                "query($id: ID!) { node(id: $id) { ... on Service { team { id } } } }",
                {"id": ids[0]},
            )
        )["node"]["team"]["id"]
        await api.ok(NESTED, {"team": team, "n": 1})  # warm: token, person and grant lookups
        with counting(api) as one:
            await api.ok(NESTED, {"team": team, "n": 1})
        with counting(api) as six:
            data = await api.ok(NESTED, {"team": team, "n": 6})
        found = data["node"]["services"]["nodes"]
        assert [len(s["nfrs"]) for s in found] == [7] * 6
        assert [len(s["nfrRuns"]["nodes"]) for s in found] == [1] * 6
        assert len(six) == len(one), (len(one), len(six))
