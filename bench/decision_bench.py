"""The promotion decision: latency of the pure decision over a warm snapshot, of taking the
snapshot from the database, and of the whole GraphQL round trip, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/decision_bench.py [--judgements 20000] [--snapshots 200]
                                              [--dialects sqlite,postgresql]
                                              [--postgres-url URL]  (emptied first)
                                              [--curve 10,30,100] [--cold 100]

Builds the world of tests/api/test_promotion_decision.py on a fresh database with the demo
data (a service with onboarding, tested DR procedures, an active reviewed pipeline that CI
ran, security and test evidence, an approved release with its EU sign-offs, two approvals)
and asks "may it go to production now?":

- judge: `judge.judge` over a snapshot already gathered (the warm cache the target speaks
  of). The production decision has 20 gates; the 30-gate rows add ten per-service gates, as
  a release shipping three services carries (onboarding, vendor, DR of each), once as
  outcomes already judged and once judged at every asking;
- snapshot: `gather.take_snapshot` (every read of every context, one session);
- graphql: the `promotionDecision` query end to end through the ASGI app (no network), cold
  (snapshot taken each time) and from the warm snapshot cache (snapshots younger than 2 s).

The curve (issue 19): the decision with 10, 30 and 100 gates. The production decision has 25
gates of its own; more come, as a release shipping more services carries them, from the
production gates (onboarding, vendor attestations, DR, parity, NFRs: five each) of other
services of the BU, asked about in the same batch (`take_snapshots`: real gates over their real
facts); 10 is the first ten gates of the plan. Per point: the judgement over gathered
snapshots, the snapshots gathered from the database (wall and CPU of the process), and the
cold decision (gathered and judged). The GraphQL rows have the query's own 25 gates.

Prints p50/p99 per row, the process's resident memory (current and high-water) after each
dialect, and tables for bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.endpoints.decisions import decision_cache
from api.graphql.relay import from_global_id
from bench._harness import fresh_database, percentile, table
from demo.organization import load_demo
from domain.kernel.gates import GateOutcome
from domain.migrations import upgrade_async
from domain.pipelines.decision_rules import Decision, decide
from domain.pipelines.gather import Ask, take_snapshot, take_snapshots
from domain.pipelines.judge import gate_plan, judge
from domain.pipelines.judge_production import production_gates
from domain.pipelines.snapshot import Snapshot
from tests.api.conftest import Api, settings_for
from tests.api.governance_support import services
from tests.api.test_promotion_decision import ASK, ask, scan, world

PG_URL = "postgresql+asyncpg://root@/signalbox_decisionbench?host=/var/run/postgresql"


async def _allowed_world(api: Api) -> dict[str, Any]:
    from tests.api.governance_support import SIGN, move

    w = await world(api)
    await scan(api, w, critical=0)
    for requirement, signer in (("data_sovereignty", "legal"), ("privacy_impact", "compliance")):
        await api.gql(
            SIGN,
            {"i": {"releaseId": w["release"]["id"], "requirement": requirement}},
            as_user=signer,
        )
    await move(api, w["release"], "Approve")
    return w


def _judge_padded(s: Snapshot, judged: bool) -> Callable[[Snapshot, datetime], Decision]:
    """The judgement with ten more gates, as a release shipping three services would carry
    (the onboarding, vendor attestations and DR gates of each): already `judged` outcomes, as
    this row measured before the decision was split into gather and judge, or judged at every
    asking like the snapshot's own clock-dependent gates."""
    extra = production_gates(s)[:3] * 4
    if judged:
        extra = [g if isinstance(g, GateOutcome) else g(s.taken_at) for g in extra]
    plan = gate_plan(s) + tuple(extra[:10])

    def padded(s: Snapshot, now: datetime) -> Decision:
        outcomes = [g if isinstance(g, GateOutcome) else g(now) for g in plan]
        return decide(outcomes, s.bypasses, s.release_id, s.environment_id, now)

    return padded


def _row(dialect: str, label: str, gates: int, times: list[float], digits: int) -> list[str]:
    p50, p99 = percentile(times, 50), percentile(times, 99)
    return [dialect, label, str(gates), f"{p50:.{digits}f}", f"{p99:.{digits}f}"]


async def _snapshots(runtime: Any, a: Ask, snapshots: int) -> tuple[Snapshot, list[float]]:
    taken: list[float] = []
    snap = None
    for _ in range(snapshots):
        async with runtime.db.read_session() as session:
            start = time.perf_counter()
            snap = await take_snapshot(session, a, runtime.clock.now())
            taken.append((time.perf_counter() - start) * 1000)
    assert snap is not None
    return snap, taken


def _judgements(dialect: str, snap: Snapshot, now: datetime, judgements: int) -> list[list[str]]:
    rows = []
    for label, how in (
        ("judge", judge),
        ("judge (30 gates)", _judge_padded(snap, judged=True)),
        ("judge (30 gates, 10 judged when asked)", _judge_padded(snap, judged=False)),
    ):
        times = []
        for _ in range(judgements):
            start = time.perf_counter()
            decision = how(snap, now)
            times.append((time.perf_counter() - start) * 1000)
        rows.append(_row(dialect, label, len(decision.outcomes), times, 3))
    return rows


async def _round_trips(dialect: str, api: Api, w: dict[str, Any], rounds: int) -> list[list[str]]:
    rows = []
    token = api.token("ci")
    cache = decision_cache(api.runtime)
    for label, cold in (
        ("graphql promotionDecision, cold", True),
        ("graphql promotionDecision, warm cache", False),
    ):
        times = []
        for _ in range(rounds):
            if cold:
                cache.clear()
            start = time.perf_counter()
            body = await api.gql(ASK, {"i": ask(w)}, token=token)
            times.append((time.perf_counter() - start) * 1000)
        assert "errors" not in body, body
        rows.append(_row(dialect, label, len(body["data"]["promotionDecision"]["gates"]), times, 1))
    return rows


OWN = 25
"""The gates of the production decision the world asks for."""
PER_SERVICE = 5
"""The production gates each further service adds (onboarding, vendor, DR, parity, NFRs)."""


def rss_mib() -> tuple[float, float]:
    """The process's resident memory now and its high-water mark, in MiB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    now = pages * resource.getpagesize() / 2**20
    return now, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _judge_curve(snaps: list[Snapshot], gates: int) -> Callable[[datetime], Decision]:
    """The first snapshot's decision with `gates` gates: its own plan (trimmed to `gates`), then
    the production gates of the other snapshots' services, judged at the asking time as the
    snapshot's own clock-dependent gates are."""
    own, others = snaps[0], snaps[1:]
    plan = list(gate_plan(own)) + [g for o in others for g in production_gates(o)]

    def decision(now: datetime) -> Decision:
        outcomes = [g if isinstance(g, GateOutcome) else g(now) for g in plan[:gates]]
        return decide(outcomes, own.bypasses, own.release_id, own.environment_id, now)

    return decision


async def _curve(
    dialect: str, runtime: Any, asks: list[Ask], points: list[int], judgements: int, cold: int
) -> list[list[str]]:
    """Per number of gates: the judgement, the snapshots gathered in one batch (wall and CPU
    time) and the cold decision (gathered, then judged)."""
    rows = []
    for gates in points:
        batch = asks[: 1 + max(0, math.ceil((gates - OWN) / PER_SERVICE))]
        walls, cpus, colds = [], [], []
        snaps: list[Snapshot] = []
        for _ in range(cold):
            async with runtime.db.read_session() as session:
                start, cpu = time.perf_counter(), time.thread_time()
                now = runtime.clock.now()
                snaps = await take_snapshots(session, batch, now)
                gathered = time.perf_counter()
                cpus.append((time.thread_time() - cpu) * 1000)
                decision = _judge_curve(snaps, gates)(now)
                end = time.perf_counter()
            walls.append((gathered - start) * 1000)
            colds.append((end - start) * 1000)
        assert len(decision.outcomes) == gates, (gates, len(decision.outcomes))
        judged = _judge_curve(snaps, gates)
        now, times = runtime.clock.now(), []
        for _ in range(judgements):
            start = time.perf_counter()
            judged(now)
            times.append((time.perf_counter() - start) * 1000)
        label = f"{len(batch)} service{'s' if len(batch) > 1 else ''}"
        rows += [
            _row(dialect, f"judge ({label})", gates, times, 3),
            _row(dialect, f"snapshot ({label}, one batch)", gates, walls, 1),
            _row(dialect, f"snapshot CPU ({label})", gates, cpus, 1),
            _row(dialect, f"cold decision: snapshot + judge ({label})", gates, colds, 1),
        ]
    return rows


async def run(
    dialect: str,
    url: str,
    judgements: int,
    snapshots: int,
    points: list[int] | None = None,
    cold: int = 100,
) -> tuple[list[list[str]], list[list[str]]]:
    await upgrade_async(url)
    app = create_app(settings_for(url, Path(tempfile.mkdtemp(prefix="decisionbench-data-"))))
    async with LifespanManager(app) as manager:
        runtime = app.state.runtime
        await load_demo(runtime)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            api = Api(app=app, http=http, runtime=runtime)
            w = await _allowed_world(api)
            a = Ask(
                from_global_id(w["service"]),
                from_global_id(w["env"]["id"]),
                w["version"],
                from_global_id(w["release"]["id"]),
            )
            snap, taken = await _snapshots(runtime, a, snapshots)
            now = runtime.clock.now()
            rows = _judgements(dialect, snap, now, judgements)
            gates = len(judge(snap, now).outcomes)
            rows.append(_row(dialect, "snapshot (database)", gates, taken, 1))
            rows += await _round_trips(dialect, api, w, max(20, snapshots // 2))
            curve = []
            if points:
                more = max(0, math.ceil((max(points) - OWN) / PER_SERVICE))
                others = await services(api, "payments", more) if more else []
                asks = [a] + [Ask(from_global_id(o), a.environment_id, "1.0.0") for o in others]
                curve = await _curve(dialect, runtime, asks, points, judgements, cold)
            now_mib, peak_mib = rss_mib()
            curve.append(
                [
                    dialect,
                    "process RSS now / high-water (MiB)",
                    "",
                    f"{now_mib:.0f}",
                    f"{peak_mib:.0f}",
                ]
            )
    return rows, curve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judgements", type=int, default=20_000)
    parser.add_argument("--snapshots", type=int, default=200)
    parser.add_argument("--dialects", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=PG_URL, help="emptied before the run")
    parser.add_argument("--curve", default="10,30,100", help="gates per point ('' for none)")
    parser.add_argument("--cold", type=int, default=100, help="cold decisions per point")
    args = parser.parse_args()
    points = [int(p) for p in args.curve.split(",") if p]
    rows, curve = [], []
    for dialect in args.dialects.split(","):
        url = fresh_database(dialect, args.postgres_url, "decisionbench-")
        point, line = asyncio.run(
            run(dialect, url, args.judgements, args.snapshots, points, args.cold)
        )
        rows += point
        curve += line
    print(f"Python {platform.python_version()}, {platform.machine()}\n")
    print(table(["dialect", "what", "gates", "p50 ms", "p99 ms"], rows))
    if curve:
        print("\nThe curve:\n")
        print(table(["dialect", "what", "gates", "p50 ms", "p99 ms"], curve))


if __name__ == "__main__":
    main()
