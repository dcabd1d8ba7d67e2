"""A database that goes away: fast, retryable 503s, never a hang, and recovery on its own.

The test runs its own throwaway PostgreSQL cluster, so stopping it disturbs nothing else.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from demo.organization import load_demo
from tests.api.conftest import Api, settings_for
from tests.conftest import skip_or_fail

PG_BIN = Path(os.environ.get("SIGNALBOX_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
QUERY = "{ businessUnits { nodes { key } } }"


class Cluster:
    def __init__(self, root: Path, port: int) -> None:
        self.data = root / "data"
        self.sockets = root / "sockets"
        self.port = port

    def pg(self, *args: str) -> None:
        command = " ".join([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args])
        subprocess.run(
            ["su", "postgres", "-c", command], check=True, capture_output=True, timeout=60
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses='' -c fsync=off"
        self.pg("-w", "-o", f'"{options}"', "-l", str(self.data.parent / "log"), "start")

    def stop(self) -> None:
        self.pg("-w", "-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@/postgres?host={self.sockets}&port={self.port}"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists() or shutil.which("su") is None:
        skip_or_fail(
            "the outage test needs root and PostgreSQL server binaries to run its own cluster"
        )
    root = Path(tempfile.mkdtemp(prefix="signalbox-outage-"))
    os.chmod(root, 0o755)
    c = Cluster(root, port=55432 + os.getpid() % 1000)
    c.sockets.mkdir()
    shutil.chown(root, "postgres")
    shutil.chown(c.sockets, "postgres")
    subprocess.run(
        ["su", "postgres", "-c", f"{PG_BIN / 'initdb'} -D {c.data} -A trust -U postgres --no-sync"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    c.start()
    try:
        yield c
    finally:
        try:
            c.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


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
