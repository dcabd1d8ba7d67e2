"""Two server processes on one PostgreSQL: a vote cast on A reaches a subscriber on B.

Both are real `uvicorn` processes (the CLI's factory, api.app:create_app) on loopback ports,
over the test database the `api` fixture migrated and loaded the demo into once, sharing its
local issuer's key. B hears of the vote only through PostgreSQL LISTEN/NOTIFY.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import Api
from tests.api.test_live_updates import (
    CLOSE,
    SUBSCRIBE,
    VOTE,
    WAIT,
    Client,
    gql,
    next_state,
    open_session,
)
from tests.support.ports import free_port

STARTUP = 120.0  # generous: a loaded 2-core machine starts a server slowly
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def _process(
    api: Api, log: Path, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    settings = api.runtime.settings
    env = {
        **os.environ,
        "SIGNALBOX_DATABASE_URL": settings.effective_database_url,
        "SIGNALBOX_DATA_DIR": str(settings.data_dir),
        "SIGNALBOX_ENV": "test",
        "SIGNALBOX_AUTO_MIGRATE": "false",
        "SIGNALBOX_LOG_JSON": "false",
        "SIGNALBOX_OUTBOX_DELIVERY_ENABLED": "false",
        **(extra_env or {}),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield process, f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _text(log: Path) -> str:
    return log.read_text(errors="replace")


async def _ready(process: subprocess.Popen[bytes], host: str, log: Path) -> None:
    async with httpx.AsyncClient(base_url=f"http://{host}", timeout=2, trust_env=False) as http:
        try:
            async with asyncio.timeout(STARTUP):
                while True:
                    if process.poll() is not None:
                        raise AssertionError(f"the server exited:\n{_text(log)}")
                    try:
                        if (await http.get("/readyz")).status_code == 200:
                            return
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.1)
        except TimeoutError:
            raise AssertionError(f"the server did not start:\n{_text(log)}") from None


@asynccontextmanager
async def two_servers(api: Api, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    with (
        _process(api, tmp_path / "a.log") as (a, host_a),
        _process(api, tmp_path / "b.log") as (b, host_b),
    ):
        await asyncio.gather(
            _ready(a, host_a, tmp_path / "a.log"), _ready(b, host_b, tmp_path / "b.log")
        )
        yield host_a, host_b


@pytest.mark.postgres_only
class TestAVoteCrossesProcesses:
    async def test_a_vote_cast_on_one_process_reaches_a_subscriber_on_another(
        self, api: Api, tmp_path: Path
    ) -> None:
        session = await open_session(api)
        async with two_servers(api, tmp_path) as (host_a, host_b), Client.connect(host_b) as viewer:
            assert (await viewer.init({"token": api.token("viewer")}))["type"] == "connection_ack"
            await viewer.subscribe("1", SUBSCRIBE, {"id": session["id"]})
            assert (await next_state(viewer))["votes"] == []

            loop = asyncio.get_running_loop()
            cast_at = loop.time()
            await gql(
                host_a,
                api,
                VOTE,
                {"i": {"sessionId": session["id"], "choice": "NO_GO", "rationale": "Pen test."}},
                "legal",
            )
            seen = await next_state(viewer)  # bounded: WAIT seconds
            assert loop.time() - cast_at < WAIT
            assert [(v["voter"]["username"], v["choice"]) for v in seen["votes"]] == [
                ("legal", "NO_GO")
            ]

            await gql(
                host_a, api, CLOSE, {"i": {"id": session["id"], "version": seen["version"]}}, "rmo"
            )
            closed = await next_state(viewer)
            assert (closed["status"], closed["outcome"]) == (
                "CLOSED",
                closed["currentDecision"]["outcome"],
            )
            assert await viewer.receive() == {"id": "1", "type": "complete"}
