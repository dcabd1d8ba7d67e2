"""docs/production.md, step by step, against PostgreSQL with the real `signalbox` command.

An empty database is migrated, the first org_admin created, a token minted, the server started
in production mode and asked a GraphQL query; the database is dumped and restored into a second
one, whose audit chain `signalbox audit verify` finds intact. The two scratch databases are
named after the test database (`<name>_guide`, `<name>_guide_restore`) and dropped afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy.engine import URL

from tests.conftest import scratch_postgres
from tests.support.ports import free_port

SIGNALBOX = Path(sys.executable).parent / "signalbox"
QUERY = "{ businessUnits { nodes { key } } }"


@pytest.fixture(scope="module")
def databases() -> Iterator[tuple[URL, URL]]:
    """Two empty scratch databases beside the test database: the guide's and its restore."""
    with scratch_postgres("guide", "guide_restore") as (guide, restore):
        yield guide, restore


def libpq_args(url: URL) -> list[str]:
    """pg_dump/pg_restore connection options for a SQLAlchemy URL."""
    host = url.host or str(url.query.get("host", ""))
    args = ["--host", host] if host else []
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


class Guide:
    def __init__(self, data_dir: Path, database: URL) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALBOX_")}
        self.env.update(
            SIGNALBOX_ENV="production",
            SIGNALBOX_SECRET_KEY=Fernet.generate_key().decode(),
            SIGNALBOX_ALLOW_LOCAL_ISSUER="true",
            SIGNALBOX_AUTO_MIGRATE="false",
            SIGNALBOX_DATA_DIR=str(data_dir),
            SIGNALBOX_DATABASE_URL=database.render_as_string(hide_password=False),
            SIGNALBOX_LOG_JSON="false",
        )
        if database.password:
            self.env["PGPASSWORD"] = database.password

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [SIGNALBOX, *args], env={**self.env, **env}, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, f"signalbox {' '.join(args)}: {result.stderr}"
        return result

    def serve_and_ask(self, token: str, log: Path) -> tuple[dict[str, object], str]:
        """`signalbox serve` in production with two workers, both started, asked QUERY;
        stopped with SIGTERM. Returns the answer and what the processes logged."""
        port = free_port()
        with log.open("w") as sink:
            server = subprocess.Popen(
                [SIGNALBOX, "serve", "--port", str(port), "--workers", "2"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        try:
            with httpx.Client(timeout=30, trust_env=False) as http:  # loopback, no proxy
                self.until_serving(server, http, f"http://127.0.0.1:{port}", log)
                answer = http.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": QUERY},
                    headers={"authorization": f"Bearer {token}"},
                )
            assert answer.status_code == 200, answer.text
            body = answer.json()
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        return body, log.read_text()

    @staticmethod
    def until_serving(
        server: subprocess.Popen[bytes], http: httpx.Client, base: str, log: Path
    ) -> None:
        """Both workers logged their start and the socket answers `/readyz`. A worker logs its
        start in the application's lifespan, before uvicorn listens on the shared socket, so
        the log alone leaves a moment in which a connection is refused."""
        deadline = time.monotonic() + 300  # a loaded machine, not a speed target
        while time.monotonic() < deadline:
            assert server.poll() is None, f"signalbox serve exited:\n{log.read_text()}"
            if log.read_text().count("worker started") == 2:
                try:
                    if http.get(f"{base}/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
            time.sleep(0.5)
        raise AssertionError(f"signalbox serve did not start in 300 s:\n{log.read_text()}")


class TestTheProductionGuide:
    def test_from_an_empty_database_to_a_verified_restore(
        self, databases: tuple[URL, URL], tmp_path: Path
    ) -> None:
        guide_db, restore_db = databases
        guide = Guide(tmp_path / "data", guide_db)

        assert "migrated to head" in guide.run("migrate").stderr
        created = guide.run(
            "users", "create", "--email", "ada@example.com", "--name", "Ada Lovelace",
            "--role", "org_admin",
        )  # fmt: skip
        assert created.stdout.strip() == "created ada org_admin@org"
        token = guide.run("token", "create", "--user", "ada", "--ttl", "10m").stdout.strip()

        body, logs = guide.serve_and_ask(token, tmp_path / "serve.log")
        assert body == {"data": {"businessUnits": {"nodes": []}}}
        # Both worker processes log (uvicorn applies the logging config in each one).
        assert logs.count("worker started") == 2 and logs.count("worker stopped") == 2
        assert "signalbox.access" in logs and "POST /graphql 200" in logs
        assert "Traceback" not in logs and token not in logs
        assert "Policy" not in logs  # casbin keeps its policy to itself

        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            pytest.skip("pg_dump/pg_restore are not installed: the backup steps cannot run")
        dump = tmp_path / "signalbox.dump"
        pg_env = {**os.environ, **({"PGPASSWORD": guide_db.password} if guide_db.password else {})}
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", *libpq_args(guide_db),
             guide_db.database or ""],
            env=pg_env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={restore_db.database}",
             *libpq_args(restore_db), str(dump)],
            env=pg_env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        restored_url = restore_db.render_as_string(hide_password=False)
        verified = guide.run("audit", "verify", SIGNALBOX_DATABASE_URL=restored_url)
        assert verified.stdout.startswith("audit trail intact: ")
        records = int(verified.stdout.split(": ")[1].split()[0])
        assert records >= 2  # at least the administrator and their grant
        listed = guide.run("users", "list", SIGNALBOX_DATABASE_URL=restored_url).stdout
        assert "org_admin@org" in listed
