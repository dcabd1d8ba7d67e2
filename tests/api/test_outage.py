"""A database that goes away: fast, retryable 503s, never a hang, and recovery on its own.

The test runs its own throwaway PostgreSQL cluster, so stopping it disturbs nothing else.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from demo.organization import load_demo
from tests.api.conftest import Api, settings_for, unique
from tests.api.test_idempotency_exactly_once import TEAM_CREATE
from tests.conftest import skip_or_fail
from tests.support.pg_cluster import Cluster, cluster_unavailable, throwaway_cluster

QUERY = "{ businessUnits { nodes { key } } }"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    why = cluster_unavailable()
    if why is not None:
        skip_or_fail(f"the outage test {why}")
    with throwaway_cluster(port=55432 + os.getpid() % 1000) as c:
        yield c


@pytest.fixture
async def outage_api(cluster: Cluster, tmp_path: Path) -> AsyncIterator[Api]:
    settings = settings_for(
        cluster.url, tmp_path, auto_migrate=True, db_pool_size=2, db_pool_timeout_seconds=1
    )
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        await load_demo(app.state.runtime)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://t"
        ) as http:
            yield Api(app=app, http=http, runtime=app.state.runtime)


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
