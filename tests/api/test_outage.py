"""A database that goes away: fast, retryable 503s, never a hang, and recovery on its own.

The test runs its own throwaway PostgreSQL cluster, so stopping it disturbs nothing else.

The restart under writes (issue 15): 10 `teamCreate`s a second for 12 s, each with its own
Idempotency-Key and retried with it until answered, while PostgreSQL is down for 3 s in the
middle. Afterwards every acknowledged write is stored, none ran twice, nothing is stored that
was not acknowledged, every failure on the way was the one retryable answer (503 UNAVAILABLE,
JSON, Retry-After), and the audit chain verifies. The same loop, longer, is
bench/idempotency_outage_bench.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Api, serving_demo, unique
from tests.api.test_idempotency_exactly_once import TEAM_CREATE
from tests.support.keyed_writes import stored, write_through_outage
from tests.support.pg_cluster import Cluster, cluster_for

pytestmark = pytest.mark.fault
QUERY = "{ businessUnits { nodes { key } } }"
PREFIX = "restart"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with cluster_for("the outage test", 55432) as c:
        yield c


@pytest.fixture
async def outage_api(cluster: Cluster, tmp_path: Path) -> AsyncIterator[Api]:
    kw = {"db_pool_size": 2, "db_pool_timeout_seconds": 1}
    async with serving_demo(cluster.url, tmp_path, **kw) as api:
        yield api


class TestDatabaseOutage:
    async def test_requests_fail_fast_while_down_and_recover_when_it_returns(
        self, outage_api: Api, cluster: Cluster
    ) -> None:
        token = outage_api.token("rmo")
        assert (await outage_api.post(QUERY, token=token)).status_code == 200
        cluster.stop()
        try:
            async with asyncio.timeout(20):  # a hang detector, not a speed target
                down = await outage_api.post(QUERY, token=token)
                ready = await outage_api.http.get("/readyz")
            assert down.status_code == 503
            assert down.headers["retry-after"]
            assert down.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"] == "unreachable"
        finally:
            cluster.start()
        for _ in range(60):
            response = await outage_api.post(QUERY, token=token)
            if response.status_code == 200:
                break
            await asyncio.sleep(0.5)
        assert response.status_code == 200
        assert "payments" in response.text
        assert (await outage_api.http.get("/readyz")).status_code == 200

    async def test_an_exhausted_pool_answers_503_instead_of_waiting(self, outage_api: Api) -> None:
        token = outage_api.token("rmo")
        engine = outage_api.runtime.db.engine
        held = [await engine.connect() for _ in range(4)]  # pool size 2 plus overflow 2
        try:
            async with asyncio.timeout(20):
                response = await outage_api.post(QUERY, token=token)
            assert response.status_code == 503
            assert response.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        finally:
            for conn in held:
                await conn.close()
        assert (await outage_api.post(QUERY, token=token)).status_code == 200

    async def test_a_keyed_write_while_down_is_503_json_and_its_retry_runs_once(
        self, outage_api: Api, cluster: Cluster
    ) -> None:
        token = outage_api.token("rmo")
        bu = await outage_api.ok("{ businessUnits { nodes { id key } } }", token=token)
        payments = next(n["id"] for n in bu["businessUnits"]["nodes"] if n["key"] == "payments")
        variables = {"input": {"businessUnitId": payments, "key": unique("down"), "name": "D"}}
        headers = {"idempotency-key": unique("k")}
        cluster.stop()
        try:
            async with asyncio.timeout(20):
                down = await outage_api.post(TEAM_CREATE, variables, token=token, headers=headers)
            assert down.status_code == 503, down.text
            assert down.headers["retry-after"]
            assert down.json()["errors"][0]["extensions"]["code"] == "UNAVAILABLE"
        finally:
            cluster.start()
        answers = []
        for _ in range(60):
            response = await outage_api.post(TEAM_CREATE, variables, token=token, headers=headers)
            answers.append(response)
            if response.status_code == 200:
                break
            await asyncio.sleep(0.5)
        assert {r.status_code for r in answers} <= {200, 409, 503}
        assert response.json()["data"]["teamCreate"]["errors"] == []
        assert "idempotent-replayed" not in response.headers
        again = await outage_api.post(TEAM_CREATE, variables, token=token, headers=headers)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json() == response.json()


class TestARestartUnderKeyedWrites:
    async def test_loses_nothing_duplicates_nothing_and_only_asks_for_retries(
        self, outage_api: Api, cluster: Cluster
    ) -> None:
        async with asyncio.timeout(150):  # a hang detector: the loop takes about 12 s
            tally = await write_through_outage(
                outage_api,
                cluster,
                seconds=12,
                rate=10,
                outage=3,
                prefix=PREFIX,
                give_up_after=60,
            )
        after = await stored(outage_api, PREFIX)

        assert tally.given_up == 0
        assert len(tally.acknowledged) == tally.started
        assert set(tally.acknowledged) == after.keys, "lost, or stored unacknowledged"
        assert not tally.refused, f"a retry ran the mutation again: {tally.refused}"
        assert after.audited_twice == []
        assert tally.failures, "the outage was never seen: the test proves nothing"
        not_retryable = {str(f): n for f, n in tally.failures.items() if not f.retryable}
        assert not_retryable == {}
        assert after.chain.ok, after.chain.detail
        assert tally.first_success_after_back is not None
