"""One viewer's flood against a real server process, and what the others see meanwhile.

Shared by `tests/api/test_flood.py` (a bounded flood that must leave the others whole) and
`bench/flood_bench.py` (the full minute, reporting the figures): the attacks of issue 14 sent
back to back by one viewer over 8 connections (its in-flight share), another user's light
query and `/healthz` probed on a steady beat, and the server's memory read from
`/proc/<pid>/status` (VmRSS sampled, VmHWM the kernel's high-water mark).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

LIGHT = "query Light { businessUnits(first: 5) { nodes { key name } } }"
NESTED = (
    "query Heavy{n} { teams(first: 100) { nodes { key name description "
    "services(first: 100) { nodes { key name description } } } } }"
)
TEAM_CREATE = (
    "mutation Create{n}($input: TeamCreateInput!) "
    "{ teamCreate(input: $input) { team { id } errors { code } } }"
)
BODY_TEXT = 900_000
"""Just under the 1 MiB body limit: a comment or a text this long fits in one request."""


def attack(n: int) -> dict[str, Any]:
    """The n-th request of the flood: each kind varied by `n`, so no cache answers it."""
    kind = n % 7
    if kind == 0:  # a comment as long as the body allows, around a light query
        return {"query": f"# {n} {'x' * BODY_TEXT}\n{LIGHT}"}
    if kind == 1:  # nested connections at the largest page, long texts included
        return {"query": NESTED.replace("{n}", str(n))}
    if kind == 2:  # the validation bomb: 15 KB of one field repeated
        return {"query": f"query Bomb{n} {{ businessUnits {{ nodes {{ {'key ' * 3_700} }} }} }}"}
    if kind == 3:  # near the token limit, every name distinct: a heavy parse to keep
        fields = " ".join(f"f{n}x{i}" for i in range(4_900))
        return {"query": f"query Wide{n} {{ {fields} }}"}
    if kind == 4:  # a text as long as the body allows, in the variables
        team = {"businessUnitId": "QnVzaW5lc3NVbml0OjA=", "key": f"k{n}", "name": "x"}
        return {
            "query": TEAM_CREATE.replace("{n}", str(n)),
            "variables": {"input": {**team, "description": "y" * BODY_TEXT}},
        }
    if kind == 5:  # deep introspection
        inner = "ofType { " * 20 + "name" + " }" * 20
        return {"query": f"query Intro{n} {{ __schema {{ types {{ {inner} }} }} }}"}
    return {"query": f"# {n}\n{LIGHT}"}


@dataclass
class Probe:
    """Answers by HTTP status (0: no answer) and their latencies in seconds."""

    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def send(self, request: Callable[[], Awaitable[httpx.Response]]) -> None:
        started = time.perf_counter()
        try:
            response = await request()
        except httpx.HTTPError as error:
            self.statuses[0] += 1
            self.failures.append(repr(error))
            return
        self.latencies.append(time.perf_counter() - started)
        self.statuses[response.status_code] += 1
        if response.status_code != 200 or "errors" in response.json():
            self.failures.append(f"{response.status_code}: {response.text[:300]}")


@dataclass
class Memory:
    """The server's resident memory in bytes: before the flood, sampled during it, the peak."""

    pid: int
    before: int = 0
    samples: list[int] = field(default_factory=list)

    def read(self, key: str = "VmRSS") -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {key} in /proc/{self.pid}/status")

    @property
    def high_water(self) -> int:
        """The most the process ever held resident (the kernel's VmHWM)."""
        return self.read("VmHWM")


@dataclass
class Flood:
    """What one flood saw."""

    viewer: Counter[int]
    other: Probe
    health: Probe
    memory: Memory


async def _steady(interval: float, deadline: float, probe: Probe, send: Any) -> None:
    while time.monotonic() < deadline:
        await probe.send(send)
        await asyncio.sleep(interval)


async def _sample(interval: float, deadline: float, memory: Memory) -> None:
    while time.monotonic() < deadline:
        memory.samples.append(memory.read())
        await asyncio.sleep(interval)


async def flood(url: str, pid: int, viewer: str, other: str, seconds: float) -> Flood:
    """`viewer` floods for `seconds` while `other`'s light query and /healthz are probed every
    0.25 s and the memory of `pid` every 0.1 s. Every loop ends at the deadline."""
    memory = Memory(pid)
    viewer_statuses: Counter[int] = Counter()
    counter = iter(range(10**9))
    limits = httpx.Limits(max_connections=32)
    async with (
        httpx.AsyncClient(base_url=url, timeout=60, trust_env=False, limits=limits) as client,
        httpx.AsyncClient(base_url=url, timeout=60, trust_env=False) as probes,
    ):
        other_probe, health = Probe(), Probe()
        headers = {"Authorization": f"Bearer {other}"}
        light = {"query": LIGHT}
        await other_probe.send(lambda: probes.post("/graphql", json=light, headers=headers))
        memory.before = memory.read()
        deadline = time.monotonic() + seconds

        async def attacker() -> None:
            flooding = {"Authorization": f"Bearer {viewer}"}
            while time.monotonic() < deadline:
                try:
                    body = attack(next(counter))
                    sent = await client.post("/graphql", json=body, headers=flooding)
                    viewer_statuses[sent.status_code] += 1
                except httpx.HTTPError:
                    viewer_statuses[0] += 1

        await asyncio.gather(
            *(attacker() for _ in range(8)),
            _steady(
                0.25,
                deadline,
                other_probe,
                lambda: probes.post("/graphql", json=light, headers=headers),
            ),
            _steady(0.25, deadline, health, lambda: probes.get("/healthz")),
            _sample(0.1, deadline, memory),
        )
        return Flood(viewer_statuses, other_probe, health, memory)
