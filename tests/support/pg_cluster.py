"""A throwaway PostgreSQL cluster of its own, to stop and start under load without disturbing
any other database (the outage tests and bench/idempotency_outage_bench.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import skip_or_fail

PG_BIN = Path(os.environ.get("SIGNALBOX_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


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


def cluster_unavailable() -> str | None:
    """Why no cluster can be run here, or None."""
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists() or shutil.which("su") is None:
        return "needs root and PostgreSQL server binaries to run its own cluster"
    return None


@contextmanager
def throwaway_cluster(port: int) -> Iterator[Cluster]:
    """A new cluster on `port` (a socket only), started; stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="signalbox-outage-"))
    os.chmod(root, 0o755)
    c = Cluster(root, port=port)
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


@contextmanager
def cluster_for(test: str, base_port: int) -> Iterator[Cluster]:
    """A throwaway cluster for `test` on a port near `base_port` (apart per process); the test
    is skipped where none can run, and fails so under CI."""
    why = cluster_unavailable()
    if why is not None:
        skip_or_fail(f"{test} {why}")
    with throwaway_cluster(port=base_port + os.getpid() % 1000) as c:
        yield c
