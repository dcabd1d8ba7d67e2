"""What the benchmarks share: the bench database, server subprocesses, the load generator.

Not a benchmark itself. Every load run is bounded in time (wrk -d, or the fallback loader's
own deadline) and every server is a subprocess this module starts and stops by its pid.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgresql+asyncpg://root@/signalbox_bench?host=/var/run/postgresql"
DATABASE_URL = os.environ.get("SIGNALBOX_BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)


def asyncpg_dsn(url: str) -> str:
    """The SQLAlchemy URL without the driver, as asyncpg takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def ensure_database(url: str = DATABASE_URL) -> None:
    """Create the bench database when it is missing (local PostgreSQL, `createdb` as postgres)."""
    import asyncpg

    async def probe() -> bool:
        try:
            conn = await asyncpg.connect(asyncpg_dsn(url), timeout=5)
        except asyncpg.InvalidCatalogNameError:
            return False
        await conn.close()
        return True

    if asyncio.run(probe()):
        return
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name, owner = parsed.database, parsed.username or "root"
    subprocess.run(["su", "postgres", "-c", f"createdb -O {owner} {name}"], check=True)


def reset_schema(url: str = DATABASE_URL) -> None:
    """Start from an empty database, so every run measures the same rows."""
    import asyncpg

    async def reset() -> None:
        conn = await asyncpg.connect(asyncpg_dsn(url), timeout=5)
        try:
            await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()

    asyncio.run(reset())


def fresh_database(dialect: str, postgres_url: str, prefix: str) -> str:
    """The URL of an empty database for one run: a new SQLite file, or `postgres_url`
    created if absent and emptied."""
    if dialect == "postgresql":
        ensure_database(postgres_url)
        reset_schema(postgres_url)
        return postgres_url
    return f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix=prefix)}/bench.db"


def private_data_dir() -> Path:
    """A data directory only this user may read (the local issuer's key lives there), removed
    when the process exits."""
    data_dir = Path(tempfile.mkdtemp(prefix="signalbox-bench-"))
    os.chmod(data_dir, 0o700)
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    return data_dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def server(
    name: str,
    argv: list[str],
    *,
    port: int,
    env: Mapping[str, str] | None = None,
    ready_path: str = "/healthz",
    startup_timeout: float = 60.0,
) -> Iterator[Server]:
    """Run `argv` (a uvicorn server on 127.0.0.1:port) until the block ends."""
    log = Path(tempfile.mkstemp(prefix=f"bench-{name}-", suffix=".log")[1])
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    failed = True
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited at start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(base + ready_path, timeout=1.0).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start in {startup_timeout:g} s")
            time.sleep(0.2)
        yield Server(name, base, process, log)
        failed = False
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if failed:
            print(f"{name}'s log: {log}", file=sys.stderr)
        else:
            log.unlink(missing_ok=True)


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent busy since boot (Linux /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int
    server_cpu: float  # CPU seconds the server process used per wall second (1.0 = a core)
    machine_busy: float = 0.0  # busy cores of the whole machine meanwhile (everything)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def loader_name() -> str:
    choice = os.environ.get("BENCH_LOADER", "auto")
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    return choice


def load(
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    duration: float,
    connections: int,
    server_pid: int,
) -> LoadResult:
    """POST `body` to `url` for `duration` seconds over `connections` keep-alive connections."""
    before, busy_before = cpu_seconds(server_pid), machine_busy_seconds()
    if loader_name() == "wrk":
        result = _wrk(url, body, headers, duration=duration, connections=connections)
    else:
        result = _python_loader(url, body, headers, duration=duration, connections=connections)
    result.server_cpu = (cpu_seconds(server_pid) - before) / result.seconds
    result.machine_busy = (machine_busy_seconds() - busy_before) / result.seconds
    return result


def wait_for_quiet(max_busy: float = 0.3, limit: float = 120.0) -> float:
    """Wait (at most `limit` s) until the machine is nearly idle; returns the last busy cores.

    Other work on a 2-core machine skews every figure, so runs start from a quiet machine
    when one can be had; the tables print how busy it was either way.
    """
    deadline = time.monotonic() + limit
    while True:
        start = machine_busy_seconds()
        time.sleep(1.0)
        busy = machine_busy_seconds() - start
        if busy <= max_busy or time.monotonic() > deadline:
            return busy


_WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = io.open(os.getenv("BENCH_BODY_FILE")):read("*a")
{headers}
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, 0))
end
"""


def _wrk(
    url: str, body: bytes, headers: Mapping[str, str], *, duration: float, connections: int
) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        body_file = Path(tmp) / "body.json"
        body_file.write_bytes(body)
        script = Path(tmp) / "post.lua"
        lines = "\n".join(
            f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()
        )
        script.write_text(_WRK_SCRIPT.format(headers=lines))
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{duration:g}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                url,
            ],
            env={**os.environ, "BENCH_BODY_FILE": str(body_file)},
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
    match = re.search(r"^BENCH (.*)$", out, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    requests, duration_us, p50_us, p99_us, non_2xx, errors, timeouts, _ = map(
        int, match.group(1).split()
    )
    return LoadResult(
        requests=requests,
        seconds=duration_us / 1e6,
        p50_ms=p50_us / 1000,
        p99_ms=p99_us / 1000,
        non_2xx=non_2xx,
        errors=errors + timeouts,
        server_cpu=0.0,
    )


def _python_loader(
    url: str, body: bytes, headers: Mapping[str, str], *, duration: float, connections: int
) -> LoadResult:
    """The fallback when wrk is not installed: httpx in its own process (bench/_load.py)."""
    spec = json.dumps(
        {
            "url": url,
            "body": body.decode(),
            "headers": dict(headers),
            "duration": duration,
            "connections": connections,
        }
    )
    out = subprocess.run(
        [PYTHON, str(BENCH_DIR / "_load.py")],
        input=spec,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout
    data = json.loads(out)
    return LoadResult(**data, server_cpu=0.0)


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


# -- memory per process (Linux /proc) ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Memory:
    """Resident memory of one process, in MiB: now (VmRSS) and its high-water mark (VmHWM)."""

    rss_mb: float
    peak_mb: float


def memory(pid: int | None = None) -> Memory:
    """RSS and peak RSS of process `pid` (None: this process), read from /proc/PID/status.

    The peak is the kernel's high-water mark since the process started or since
    `reset_peak_memory` last cleared it; a server subprocess's figures come from its pid.
    """
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    kib: dict[str, int] = {}
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            kib[name] = int(value.split()[0])
    return Memory(rss_mb=kib["VmRSS"] / 1024, peak_mb=kib["VmHWM"] / 1024)


def reset_peak_memory(pid: int | None = None) -> bool:
    """Restart the peak (VmHWM) from the current RSS, so the next `memory()` shows the peak of
    what ran in between; False where the kernel refuses (before Linux 4.0, another user's)."""
    try:
        Path(f"/proc/{pid or 'self'}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def bench_settings(database_url: str, data_dir: Path, **overrides: object) -> object:
    """Production settings for an in-process Signalbox on the bench database: a fresh secret
    key and the built-in local issuer (tokens minted from `data_dir`), nothing auto-migrated."""
    from cryptography.fernet import Fernet

    from api.settings import Environment, Settings

    values: dict[str, object] = {
        "env": Environment.PRODUCTION,
        "database_url": database_url,
        "data_dir": data_dir,
        "auto_migrate": False,
        "secret_key": Fernet.generate_key().decode(),
        "allow_local_issuer": True,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def release_free_memory() -> None:
    """Collect garbage and hand freed heap back to the kernel (glibc's malloc_trim), so an RSS
    taken next is what the process holds, not what it once held."""
    import contextlib
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: RSS keeps the freed heap
        ctypes.CDLL("libc.so.6").malloc_trim(0)
