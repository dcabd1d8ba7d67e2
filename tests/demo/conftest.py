"""A live Signalbox server loaded with the demo, as `make run` makes it: `signalbox migrate`,
`signalbox demo` and `signalbox serve` in their own processes, on a free loopback port.

On SQLite (the embedded default) and on PostgreSQL, in a database of its own: the demo commits
a whole enterprise, which must not leak into the database the rest of the suite shares
(SIGNALBOX_TEST_POSTGRES_URL). That database is SIGNALBOX_TEST_DEMO_POSTGRES_URL when set, else
a scratch database beside the suite's (`<name>_demo`), created and dropped here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import reset_postgres, scratch_postgres
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SIGNALBOX = Path(sys.executable).parent / "signalbox"
DEMO_POSTGRES = os.environ.get("SIGNALBOX_TEST_DEMO_POSTGRES_URL")
READY_TIMEOUT_S = 90
CLI_TIMEOUT_S = 300


@dataclass(frozen=True)
class DemoServer:
    base: str
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SIGNALBOX), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_S,
        )

    def token(self, username: str) -> str:
        made = self.cli("token", "create", "--user", username, "--ttl", "2h")
        assert made.returncode == 0, made.stderr
        return made.stdout.strip()


def _wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"signalbox serve exited with {server.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{base}/readyz was not ready within {READY_TIMEOUT_S}s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def demo_postgres() -> Iterator[str]:
    """The demo's own PostgreSQL database (see the module's docstring)."""
    if DEMO_POSTGRES:
        yield DEMO_POSTGRES
        return
    with scratch_postgres("demo") as (url,):
        yield url.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    data = tmp_path_factory.mktemp("demo-server")
    env = {
        **os.environ,
        "SIGNALBOX_DATA_DIR": str(data),
        "SIGNALBOX_ENV": "development",
        "SIGNALBOX_LOG_JSON": "false",
        "SIGNALBOX_OUTBOX_DELIVERY_ENABLED": "false",
    }
    for name in ("SIGNALBOX_DATABASE_URL", "SIGNALBOX_OIDC_ISSUER", "SIGNALBOX_DEMO_TOKENS"):
        env.pop(name, None)
    if request.param == "postgresql":
        url = request.getfixturevalue("demo_postgres")
        asyncio.run(reset_postgres(url))
        env["SIGNALBOX_DATABASE_URL"] = url
    server = DemoServer("", env)
    for args in (["migrate"], ["demo"]):
        done = server.cli(*args)
        assert done.returncode == 0, done.stderr
    port = free_port()
    process = subprocess.Popen(
        [str(SIGNALBOX), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield DemoServer(base, env)
    finally:
        _stop(process)
