"""Fairness under a flood and under heavy queries: what one viewer can do to the others.

    .venv/bin/python bench/fairness_bench.py [--seconds 10] [--heavy 20]

Starts `signalbox serve` (one worker, production settings, log level WARNING) over a temp
SQLite database holding the demo enterprise, then, each phase bounded by `--seconds`:

1. **flood**: the demo's `viewer` sends light queries as fast as 8 connections allow, while
   `rmo` sends one light query every 0.1 s and /healthz is probed every 0.1 s. Reports the
   viewer's answers by status, the first refusal, rmo's answers and latencies, /healthz's.
2. **heavy**: `--heavy` connections each send, back to back, the heaviest documents the limits
   let through (nested connections at the largest page, and a wide document near the token
   limit, each varied by a comment so no cache answers), spread over as many demo users as
   there are connections (so the in-flight cap of one subject does not refuse them); rmo's
   light query and /healthz probed as above. Run once with the limits on (the default) and
   once with SIGNALBOX_RATE_LIMIT_ENABLED=false, to show what the event loop alone does.

Prints a Markdown table. Every loop is bounded by its deadline; the server is a subprocess
stopped by its pid (bench/_harness.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h
from bench.graphql_bench import mint_token, signalbox_argv

LIGHT = "query Light { businessUnits(first: 5) { nodes { key name } } }"
NESTED = (
    "query Heavy{n} {{ teams(first: 100) {{ nodes {{ key name description "
    "services(first: 100) {{ nodes {{ key name }} }} }} }} }} # {n}"
)
WIDE_FIELDS = " ".join(f"f{i}: key" for i in range(25))  # aliases: at most 30
HEAVY_USERS = ("viewer", "engineer", "sre", "approver", "release-manager")


@dataclass
class Probe:
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def summary(self) -> str:
        ok = self.statuses.get(200, 0)
        total = sum(self.statuses.values())
        if not self.latencies:
            return f"{ok}/{total} ok"
        p50 = h.percentile(self.latencies, 50) * 1000
        p99 = h.percentile(self.latencies, 99) * 1000
        worst = max(self.latencies) * 1000
        return f"{ok}/{total} ok; p50 {p50:.0f} ms, p99 {p99:.0f} ms, max {worst:.0f} ms"


async def timed(probe: Probe, send: Callable[[], Awaitable[httpx.Response]]) -> int:
    started = time.perf_counter()
    try:
        status = (await send()).status_code
    except httpx.HTTPError:
        status = 0
    probe.latencies.append(time.perf_counter() - started)
    probe.statuses[status] += 1
    return status


async def every(interval: float, deadline: float, probe: Probe, send: Callable[[], Any]) -> None:
    while time.monotonic() < deadline:
        await timed(probe, send)
        await asyncio.sleep(interval)


async def back_to_back(deadline: float, probe: Probe, send: Callable[[], Any]) -> None:
    while time.monotonic() < deadline:
        await timed(probe, send)


def gql(client: httpx.AsyncClient, token: str, query: str) -> Callable[[], Any]:
    headers = {"Authorization": f"Bearer {token}"}
    return lambda: client.post("/graphql", json={"query": query}, headers=headers)


async def flood(url: str, tokens: dict[str, str], seconds: float) -> dict[str, Probe]:
    probes = {name: Probe() for name in ("viewer flood", "rmo light", "/healthz")}
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        viewer = gql(client, tokens["viewer"], LIGHT)
        await asyncio.gather(
            *(back_to_back(deadline, probes["viewer flood"], viewer) for _ in range(8)),
            every(0.1, deadline, probes["rmo light"], gql(client, tokens["rmo"], LIGHT)),
            every(0.1, deadline, probes["/healthz"], lambda: client.get("/healthz")),
        )
    return probes


def heavy_document(n: int) -> str:
    if n % 2:
        return NESTED.format(n=n)
    return f"query Wide{n} {{ teams(first: 100) {{ nodes {{ {WIDE_FIELDS} }} }} }} # {n}"


async def heavy(url: str, tokens: dict[str, str], seconds: float, count: int) -> dict[str, Probe]:
    probes = {name: Probe() for name in (f"{count} heavy", "rmo light", "/healthz")}
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        def worker(i: int) -> Callable[[], Any]:
            token = tokens[HEAVY_USERS[i % len(HEAVY_USERS)]]
            headers = {"Authorization": f"Bearer {token}"}
            return lambda: client.post(
                "/graphql", json={"query": heavy_document(next(counter))}, headers=headers
            )

        await asyncio.gather(
            *(back_to_back(deadline, probes[f"{count} heavy"], worker(i)) for i in range(count)),
            every(0.1, deadline, probes["rmo light"], gql(client, tokens["rmo"], LIGHT)),
            every(0.1, deadline, probes["/healthz"], lambda: client.get("/healthz")),
        )
    return probes


async def seed(env: dict[str, str]) -> None:
    """Migrate the temp SQLite database and load the demo enterprise (its people)."""
    from api.composition import build_runtime
    from api.settings import Settings
    from demo.organization import load_demo

    settings = Settings(**{k.removeprefix("SIGNALBOX_").lower(): v for k, v in env.items()})
    runtime = build_runtime(settings)
    try:
        await runtime.start()
        await load_demo(runtime)
    finally:
        await runtime.stop()


def seeded_demo() -> tuple[Path, dict[str, str]]:
    """A temp data directory (removed at exit) whose SQLite database holds the demo, and the
    environment of a production server over it (one worker, log level WARNING)."""
    data_dir = h.private_data_dir()
    env = {
        "SIGNALBOX_DATABASE_URL": "",
        "SIGNALBOX_DATA_DIR": str(data_dir),
        "SIGNALBOX_ENV": "production",
        "SIGNALBOX_SECRET_KEY": Fernet.generate_key().decode(),
        "SIGNALBOX_ALLOW_LOCAL_ISSUER": "true",
        "SIGNALBOX_LOG_LEVEL": "WARNING",
        "SIGNALBOX_WORKERS": "1",
    }
    asyncio.run(seed(env))
    return data_dir, env


def run_phase(
    data_dir: Path, env: dict[str, str], phase: Callable[[str], Awaitable[dict[str, Probe]]]
) -> dict[str, Probe]:
    port = h.free_port()
    env = {**env, "SIGNALBOX_PORT": str(port)}
    with h.server("signalbox", signalbox_argv(), port=port, env=env) as server:
        return asyncio.run(phase(server.url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--heavy", type=int, default=20)
    args = parser.parse_args()
    data_dir, env = seeded_demo()
    tokens = {user: mint_token(data_dir, user) for user in (*HEAVY_USERS, "rmo")}
    off = {**env, "SIGNALBOX_RATE_LIMIT_ENABLED": "false"}
    phases = [
        ("flood, limits on", env, lambda url: flood(url, tokens, args.seconds)),
        ("flood, limits off", off, lambda url: flood(url, tokens, args.seconds)),
        ("heavy, limits on", env, lambda url: heavy(url, tokens, args.seconds, args.heavy)),
        ("heavy, limits off", off, lambda url: heavy(url, tokens, args.seconds, args.heavy)),
    ]
    rows = []
    for name, phase_env, phase in phases:
        probes = run_phase(data_dir, phase_env, phase)
        load, light, health = probes.values()
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(load.statuses.items()))
        rows.append([name, statuses, light.summary(), health.summary()])
        print(f"done: {name}", file=sys.stderr)
    header = ["phase", "the load's answers by status", "rmo's light query", "/healthz"]
    print(h.table(header, rows))
    print(
        f"\n{args.seconds:g} s per phase; load: 8 connections of `viewer` (flood) or "
        f"{args.heavy} connections over {len(HEAVY_USERS)} users (heavy); probes every 0.1 s; "
        f"load average at the end {os.getloadavg()[0]:.1f}."
    )


if __name__ == "__main__":
    main()
