"""Conflict check of one new window against 100,000 planned ones, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/calendar_bench.py [--windows 100000] [--checks 200]
                                             [--dialects sqlite,postgresql]

Seeds with bulk Core inserts (not the use cases): one BU, 2,000 services with 3,000
dependency edges, 20 environments, 300 shared resources, an approved recurring quarter-end
freeze, and N windows over two years (1-8 hours, 1-3 services, one resource in three, an
environment in two). Then times `domain.calendar.conflicts.detect` (the check planning runs:
dependency neighbours, the overlap UNION, the facts of the hits, freezes, alignment) for
random new windows, and prints p50/p99 and the query plans. PostgreSQL uses its own database
`signalbox_calbench` (created when missing); SQLite a temp file.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text

from bench._harness import ensure_database, percentile, reset_schema, table
from domain.calendar.conflicts import detect
from domain.calendar.models import DeploymentWindow, Freeze, WindowResource, WindowService
from domain.calendar.rules import WindowFacts
from domain.kernel.access import Scope
from domain.kernel.db import Database
from domain.migrations import upgrade_async
from domain.organization.models import BusinessUnit, Service, ServiceDependency, Team

PG_URL = "postgresql+asyncpg://root@/signalbox_calbench?host=/var/run/postgresql"
START = datetime(2027, 1, 1, tzinfo=UTC)
SPAN_HOURS = 2 * 365 * 24
BATCH = 5000


def rows_of(n_windows: int, rng: random.Random) -> dict[str, Any]:
    now = START
    bu = uuid.uuid4()
    team = uuid.uuid4()
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    services = [uuid.uuid4() for _ in range(2000)]
    edges = set()
    while len(edges) < 3000:
        a, b = rng.sample(services, 2)
        edges.add((a, b))
    envs = [f"env-{i}" for i in range(20)]
    resources = [f"resource-{i}" for i in range(300)]
    windows, ws, wr = [], [], []
    for i in range(n_windows):
        wid = uuid.uuid4()
        starts = START + timedelta(hours=rng.randrange(SPAN_HOURS))
        ends = starts + timedelta(hours=rng.randint(1, 8))
        windows.append(
            {
                "id": wid,
                "bu_id": bu,
                "kind": "release",
                "release_id": None,
                "title": f"w{i}",
                "environment": rng.choice(envs) if rng.random() < 0.5 else None,
                "starts_at": starts,
                "ends_at": ends,
                "status": "planned",
                "created_by_id": None,
                **stamp,
            }
        )
        for s in rng.sample(services, rng.randint(1, 3)):
            ws.append(
                {
                    "id": uuid.uuid4(),
                    "window_id": wid,
                    "service_id": s,
                    "starts_at": starts,
                    "ends_at": ends,
                }
            )
        if rng.random() < 1 / 3:
            wr.append(
                {
                    "id": uuid.uuid4(),
                    "window_id": wid,
                    "resource": rng.choice(resources),
                    "starts_at": starts,
                    "ends_at": ends,
                }
            )
    return {
        "bu": {"id": bu, "key": "bench", "name": "Bench", "description": "", **stamp},
        "team": {
            "id": team,
            "bu_id": bu,
            "key": "bench",
            "name": "Bench",
            "description": "",
            **stamp,
        },
        "services": [
            {
                "id": s,
                "bu_id": bu,
                "team_id": team,
                "key": f"svc-{i}",
                "name": f"S{i}",
                "tier": rng.choice(["critical", "customer_facing", "internal"]),
                "data_classification": "internal",
                "regions": [],
                **stamp,
            }
            for i, s in enumerate(services)
        ],
        "edges": [
            {
                "id": uuid.uuid4(),
                "consumer_id": a,
                "provider_id": b,
                "kind": "runtime",
                "created_at": now,
            }
            for a, b in edges
        ],
        "windows": windows,
        "ws": ws,
        "wr": wr,
        "freeze": {
            "id": uuid.uuid4(),
            "title": "Quarter-end close",
            "reason": "",
            "scope": "tier",
            "bu_id": None,
            "tiers": ["critical"],
            "environments": [],
            "starts_at": datetime(2027, 3, 28, 23, tzinfo=UTC),
            "ends_at": datetime(2027, 3, 29, 22, tzinfo=UTC),
            "tzid": "Europe/Amsterdam",
            "rrule": "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1",
            "effective_until": None,
            "status": "approved",
            "proposed_by_id": None,
            "decided_at": now,
            **stamp,
        },
        "service_ids": services,
        "envs": envs,
        "resources": resources,
        "bu_id": bu,
    }


async def seed(db: Database, data: dict[str, Any]) -> float:
    began = time.perf_counter()
    async with db.engine.begin() as conn:
        await conn.execute(insert(BusinessUnit.__table__), [data["bu"]])
        await conn.execute(insert(Team.__table__), [data["team"]])
        for table_, rows in (
            (Service.__table__, data["services"]),
            (ServiceDependency.__table__, data["edges"]),
            (DeploymentWindow.__table__, data["windows"]),
            (WindowService.__table__, data["ws"]),
            (WindowResource.__table__, data["wr"]),
            (Freeze.__table__, [data["freeze"]]),
        ):
            for i in range(0, len(rows), BATCH):
                await conn.execute(insert(table_), rows[i : i + BATCH])
        await conn.execute(text("ANALYZE"))
    return time.perf_counter() - began


def probes(data: dict[str, Any], n: int, rng: random.Random) -> list[WindowFacts]:
    out = []
    for _ in range(n):
        starts = START + timedelta(hours=rng.randrange(SPAN_HOURS))
        out.append(
            WindowFacts(
                id=uuid.uuid4(),
                starts_at=starts,
                ends_at=starts + timedelta(hours=rng.randint(1, 8)),
                environment=rng.choice(data["envs"]),
                service_ids=frozenset(rng.sample(data["service_ids"], rng.randint(1, 3))),
                resources=frozenset([rng.choice(data["resources"])]),
                release_id=None,
                bu_id=data["bu_id"],
            )
        )
    return out


async def measure(
    db: Database, data: dict[str, Any], checks: list[WindowFacts]
) -> tuple[list[float], list[int]]:
    everywhere = Scope(everywhere=True)
    timings, found = [], []
    async with db.read_session() as session:  # warm the pools and statement caches
        for probe in checks[:10]:
            await detect(session, probe, bu_id=data["bu_id"], readable=everywhere, now=START)
    for probe in checks:
        async with db.read_session() as session:
            began = time.perf_counter()
            conflicts = await detect(
                session, probe, bu_id=data["bu_id"], readable=everywhere, now=START
            )
            timings.append((time.perf_counter() - began) * 1000)
            found.append(len(conflicts))
    return timings, found


async def explain(db: Database, probe: WindowFacts) -> list[str]:
    """The plan of the overlap UNION, as the dialect shows it: the very statement the check
    sends, prefixed with EXPLAIN on its way to the driver."""
    from sqlalchemy import event, select, union

    from domain.calendar.repository import WINDOW, WR, WS, _overlapping

    services = sorted(probe.service_ids, key=str)
    stmt = union(
        select(WS.c.window_id).where(
            WS.c.service_id.in_(services), _overlapping(WS, probe.starts_at, probe.ends_at)
        ),
        select(WINDOW.c.id).where(
            WINDOW.c.environment == probe.environment,
            _overlapping(WINDOW, probe.starts_at, probe.ends_at),
        ),
        select(WR.c.window_id).where(
            WR.c.resource.in_(sorted(probe.resources)),
            _overlapping(WR, probe.starts_at, probe.ends_at),
        ),
    )
    prefix = (
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) "
        if db.dialect == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )

    def add_explain(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> Any:
        return prefix + statement, params

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", add_explain, retval=True)
    try:
        async with db.engine.connect() as conn:
            rows = (await conn.execute(stmt)).all()
    finally:
        event.remove(engine, "before_cursor_execute", add_explain)
    return [" | ".join(str(c) for c in row) for row in rows]


async def run(dialect: str, n_windows: int, n_checks: int) -> dict[str, Any]:
    rng = random.Random(20261127)
    if dialect == "postgresql":
        url = PG_URL  # created and emptied by main(), outside the event loop
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='calbench-')}/bench.db"
    await upgrade_async(url)
    db = Database(url, pool_size=5, pool_timeout=10)
    try:
        data = rows_of(n_windows, rng)
        seconds = await seed(db, data)
        checks = probes(data, n_checks, rng)
        timings, found = await measure(db, data, checks)
        plan = await explain(db, checks[0])
    finally:
        await db.dispose()
    return {
        "dialect": dialect,
        "windows": n_windows,
        "rows": len(data["ws"]) + len(data["wr"]),
        "seed_s": seconds,
        "p50": percentile(timings, 50),
        "p99": percentile(timings, 99),
        "mean": statistics.fmean(timings),
        "max": max(timings),
        "conflicts": statistics.fmean(found),
        "plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--windows", type=int, default=100_000)
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--dialects", default="sqlite,postgresql")
    args = parser.parse_args()
    results = []
    for dialect in args.dialects.split(","):
        if dialect == "postgresql":
            ensure_database(PG_URL)
            reset_schema(PG_URL)
        results.append(asyncio.run(run(dialect, args.windows, args.checks)))
    print(f"Python {platform.python_version()}, {platform.machine()}, {args.checks} checks each\n")
    print(
        table(
            [
                "dialect",
                "windows",
                "service/resource rows",
                "seed (bulk Core)",
                "check p50 ms",
                "check p99 ms",
                "mean ms",
                "max ms",
                "conflicts per check",
            ],
            [
                [
                    r["dialect"],
                    f"{r['windows']:,}",
                    f"{r['rows']:,}",
                    f"{r['seed_s']:.1f} s",
                    f"{r['p50']:.2f}",
                    f"{r['p99']:.2f}",
                    f"{r['mean']:.2f}",
                    f"{r['max']:.2f}",
                    f"{r['conflicts']:.1f}",
                ]
                for r in results
            ],
        )
    )
    for r in results:
        print(f"\n{r['dialect']} plan of the overlap UNION:\n")
        print("\n".join("    " + line for line in r["plan"]))


if __name__ == "__main__":
    main()
