"""CDEvents ingestion throughput on SQLite and PostgreSQL: decode, validate, store, act, audit.

Run: .venv/bin/python bench/cdevents_bench.py [--events 2000] [--dialects sqlite,postgresql]
     [--clients 1,16] [--modes journal,inline]

Seeds with bulk Core inserts one BU with 50 services and 5 environments. Then, one unit of
work per event exactly as `POST /cdevents` runs it (minus HTTP and authentication): the
CloudEvents binary-mode decode (`api.endpoints.cdevents.decode`, the cloudevents SDK), validation
against the shipped CDEvents schemas (of the version each event names),
the idempotency look-up, the insert, the type's effect and the audit entry, then the commit.
The mix: 30% service.deployed (a deployment report resolving service and environment), 20%
testsuiterun.finished (test_run evidence, an artifact made on first use), 20%
pipelinerun.finished (kept unresolved: no pipeline of that name), 10% incident.detected +
10% incident.resolved, 10% custom types (stored, ignored). A second pass replays 500 of
them (duplicates). Prints events per second and p50/p99 latency per event, and a table for
bench/README.md.

With `--clients 16` the events are dealt to 16 concurrent clients (one connection each, one
unit of work per event as before). With `--batch 8` (and `--clients`) a client ingests 8
consecutive events in one transaction, each in a savepoint of its own (an experiment: what
grouping events that arrive together would give; the endpoint runs one transaction per
request). On PostgreSQL each client count runs once per audit path
(`--modes`): `journal` (entries journaled, a background sealer chaining them every 0.2 s as the
server's does) and `inline` (each transaction chains its own entries under the chain lock, the
path before the journal); the chain is verified and counted afterwards. SQLite chains inline.
PostgreSQL uses its own database `signalbox_cdevbench` (created when missing), or
SIGNALBOX_BENCH_CDEVENTS_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson
from sqlalchemy import insert

from api.endpoints.cdevents import decode
from api.units import audit_appender
from bench._harness import (
    ensure_database,
    machine_busy_seconds,
    percentile,
    reset_schema,
    table,
)
from domain.compliance import repository as audit_repo
from domain.compliance.rules import ChainReport, ChainVerifier
from domain.environments.models import Environment
from domain.kernel.access import Actor, Scope
from domain.kernel.audit import AuditAppender
from domain.kernel.clock import SystemClock
from domain.kernel.db import Database
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.migrations import upgrade_async
from domain.organization.models import BusinessUnit, Service, Team
from domain.pipelines.cdevents import ingest_event
from domain.pipelines.cdevents_schemas import CdEventSchemas, shipped

PG_URL = os.environ.get(
    "SIGNALBOX_BENCH_CDEVENTS_URL",
    "postgresql+asyncpg://root@/signalbox_cdevbench?host=/var/run/postgresql",
)
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
ACTOR = Actor(person_id=None, username="bench-ci", display_name="Bench CI", subjects=("bench",))


class AllowAll:
    def check(self, actor: Any, action: Any, resource: Any, bu_id: Any) -> str:
        return "bench: allow all"

    def scope(self, actor: Any, action: Any, resource: Any) -> Scope:
        return Scope(everywhere=True)

    def roles(self, actor: Any, bu_id: Any) -> frozenset[str]:
        return frozenset({"org_admin"})


def seed_rows() -> dict[str, Any]:
    stamp = {"created_at": NOW, "updated_at": NOW, "version": 1}
    bu, team = uuid.uuid4(), uuid.uuid4()
    return {
        "bu": {"id": bu, "key": "bench", "name": "Bench", "description": "", **stamp},
        "team": {"id": team, "bu_id": bu, "key": "t", "name": "T", "description": "", **stamp},
        "services": [
            {
                "id": uuid.uuid4(),
                "bu_id": bu,
                "team_id": team,
                "key": f"svc-{i:02d}",
                "name": f"Service {i}",
                "tier": "internal",
                "data_classification": "internal",
                "regions": [],
                **stamp,
            }
            for i in range(50)
        ],
        "environments": [
            {
                "id": uuid.uuid4(),
                "key": f"env-{i}",
                "name": f"Env {i}",
                "kind": "staging",
                "bu_id": bu,
                "final_staging": False,
                "owner_person_ids": [],
                "capacity": 1,
                "status": "active",
                **stamp,
            }
            for i in range(5)
        ],
    }


async def seed(db: Database, *extra: tuple[Any, list[dict[str, Any]]]) -> dict[str, Any]:
    """The seed rows inserted (bulk Core), and `extra` (table, rows) after them."""
    data = seed_rows()
    async with db.engine.begin() as conn:
        await conn.execute(insert(BusinessUnit.__table__), [data["bu"]])
        await conn.execute(insert(Team.__table__), [data["team"]])
        await conn.execute(insert(Service.__table__), data["services"])
        await conn.execute(insert(Environment.__table__), data["environments"])
        for table_, rows in extra:
            await conn.execute(insert(table_), rows)
    return data


def purl(n: int) -> str:
    return f"pkg:oci/app@sha256%3A{n:064x}?tag=1.{n}.0"


def make_event(i: int, rng: random.Random) -> dict[str, Any]:
    roll = rng.random()
    svc, env = f"svc-{rng.randrange(50):02d}", f"env-{rng.randrange(5)}"
    ctx = {
        "specversion": "0.5.1",
        "id": f"e-{i}",
        "source": "/bench",
        "timestamp": "2026-11-27T09:00:00Z",
    }
    custom: dict[str, Any] | None = None
    if roll < 0.3:
        kind, subject, content = (
            "service.deployed.0.3.0",
            svc,
            {"environment": {"id": env}, "artifactId": purl(i % 400)},
        )
    elif roll < 0.5:
        kind, subject = "testsuiterun.finished.0.3.0", f"run-{i}"
        content = {
            "outcome": "success",
            "environment": {"id": env},
            "testSuite": {"id": "unit", "name": "unit"},
        }
        custom = {
            "artifactId": purl(i % 400),
            "service": svc,
            "passed": 100,
            "failed": 0,
            "coveragePercent": 80,
        }
    elif roll < 0.7:
        kind, subject, content = (
            "pipelinerun.finished.0.2.0",
            f"run-{i}",
            {"pipelineName": "build", "outcome": "success"},
        )
    elif roll < 0.8:
        kind, subject = "incident.detected.0.3.0", f"INC-{i % 200}"
        content = {"environment": {"id": env}, "service": {"id": svc}, "description": "latency"}
    elif roll < 0.9:
        kind, subject = "incident.resolved.0.3.0", f"INC-{i % 200}"
        content = {"environment": {"id": env}, "service": {"id": svc}}
    else:
        ctx["type"] = "dev.cdeventsx.bench-thing.created.0.1.0"
        return {"context": ctx, "subject": {"id": f"x-{i}", "content": {"n": i}}}
    ctx["type"] = f"dev.cdevents.{kind}"
    body: dict[str, Any] = {
        "context": ctx,
        "subject": {"id": subject, "source": "/bench", "content": content},
    }
    if custom is not None:
        body["customData"] = custom
    return body


def wire(body: dict[str, Any]) -> tuple[dict[str, str], bytes]:
    ctx = body["context"]
    headers = {
        "content-type": "application/json",
        "ce-id": ctx["id"],
        "ce-source": ctx["source"],
        "ce-type": ctx["type"],
        "ce-specversion": "1.0",
    }
    return headers, orjson.dumps(body)


async def ingest_all(
    db: Database,
    messages: list[tuple[dict[str, str], bytes]],
    schemas: CdEventSchemas,
    appender: AuditAppender | None = None,
    batch: int = 1,
) -> list[float]:
    """One unit of work per event; with `batch` > 1, per `batch` consecutive events, each in a
    savepoint of its own (its refusal undoes only its writes), one commit (an experiment: what
    grouping events that arrive together would give). A latency is its unit's."""
    clock, authorizer, timings = SystemClock(), AllowAll(), []
    appender = appender or audit_appender(db.dialect)
    for start in range(0, len(messages), batch):
        group = messages[start : start + batch]
        began = time.perf_counter()
        async with UnitOfWork(
            db.write_session(),
            actor=ACTOR,
            clock=clock,
            authorizer=authorizer,
            audit_appender=appender,
        ) as uow:
            for headers, body in group:
                c = decode(headers, body, "bench")
                if batch == 1:
                    await ingest_event(uow, c, schemas)
                    continue
                with contextlib.suppress(DomainError):  # refused: the others go on
                    async with uow.savepoint():
                        await ingest_event(uow, c, schemas)
            await uow.commit()
        timings.extend([(time.perf_counter() - began) * 1000] * len(group))
    return timings


async def ingest_concurrently(
    db: Database,
    messages: list[tuple[dict[str, str], bytes]],
    schemas: CdEventSchemas,
    clients: int,
    appender: AuditAppender,
    batch: int = 1,
) -> list[float]:
    """The messages dealt round-robin to `clients` concurrent clients; every latency."""
    shares = [messages[k::clients] for k in range(clients)]
    done = await asyncio.gather(
        *(ingest_all(db, share, schemas, appender, batch) for share in shares)
    )
    return [t for timings in done for t in timings]


async def seal_every(db: Database, stop: asyncio.Event, seconds: float = 0.2) -> None:
    """The server's background sealer (api.audit_sealing), on a connection of its own."""
    while not stop.is_set():
        await audit_repo.seal_pending(db.engine)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)


async def chain_checked(db: Database) -> ChainReport:
    """The whole chain verified (what is journaled sealed first, as any reader does)."""
    verifier = ChainVerifier()
    async with db.snapshot_session() as session:
        async for record in audit_repo.stream_records(session):
            if not verifier.feed(record):
                break
    return verifier.report()


async def run_concurrent(
    url: str, n: int, clients: int, mode: str, offset: int, batch: int = 1
) -> dict[str, Any]:
    """`n` new events from `clients` concurrent clients on the audit path `mode`."""
    db = Database(url, pool_size=clients + 1, pool_timeout=30)
    sealer_db = Database(url, pool_size=1, pool_timeout=30)
    appender = audit_appender(db.dialect, mode)
    schemas = shipped()
    rng = random.Random(offset)
    messages = [wire(make_event(offset + i, rng)) for i in range(n)]
    warm = [wire(make_event(offset + n + i, rng)) for i in range(clients * 3)]
    stop = asyncio.Event()
    sealing = (
        asyncio.create_task(seal_every(sealer_db, stop))
        if mode == "journal" and db.dialect == "postgresql"
        else None
    )
    try:
        await ingest_concurrently(db, warm, schemas, clients, appender, batch)
        cpu_before, busy_before = time.process_time(), machine_busy_seconds()
        began = time.perf_counter()
        timings = await ingest_concurrently(db, messages, schemas, clients, appender, batch)
        elapsed = time.perf_counter() - began
        cpu = time.process_time() - cpu_before
        busy = (machine_busy_seconds() - busy_before) / elapsed
    finally:
        stop.set()
        if sealing is not None:
            await sealing
    chain = await chain_checked(db)
    await db.dispose()
    await sealer_db.dispose()
    return {
        "clients": clients,
        "batch": batch,
        "mode": mode if db.dialect == "postgresql" else "inline",
        "events": n,
        "per_second": n / elapsed,
        "p50": percentile(timings, 50),
        "p99": percentile(timings, 99),
        "cpu_ms": cpu / n * 1000,
        "busy": busy,
        "intact": chain.ok,
        "records": chain.checked,
    }


async def run(dialect: str, n: int) -> dict[str, Any]:
    if dialect == "postgresql":
        url = PG_URL
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/cdevbench.db"
    await upgrade_async(url)
    db = Database(url, pool_size=5, pool_timeout=10)
    try:
        await seed(db)
        schemas = shipped()
        rng = random.Random(7)
        messages = [wire(make_event(i, rng)) for i in range(n)]
        await ingest_all(db, [wire(make_event(n + i, rng)) for i in range(20)], schemas)  # warm-up
        began = time.perf_counter()
        timings = await ingest_all(db, messages, schemas)
        elapsed = time.perf_counter() - began
        replay = messages[:500]
        began = time.perf_counter()
        replay_timings = await ingest_all(db, replay, schemas)
        replay_elapsed = time.perf_counter() - began
    finally:
        await db.dispose()
    return {
        "dialect": dialect,
        "events": n,
        "per_second": n / elapsed,
        "p50": percentile(timings, 50),
        "p99": percentile(timings, 99),
        "replay_per_second": len(replay) / replay_elapsed,
        "replay_p50": percentile(replay_timings, 50),
        "schemas": schemas is not None,
    }


async def run_clients(
    url: str, n: int, clients: list[int], modes: list[str], batches: list[int]
) -> list[dict[str, Any]]:
    """Each client count on each audit path, alternating, over one seeded database."""
    await upgrade_async(url)
    db = Database(url, pool_size=2)
    try:
        await seed(db)
    finally:
        await db.dispose()
    results, offset = [], 0
    for count, mode, batch in itertools.product(clients, modes, batches):
        offset += n * 2
        result = await run_concurrent(url, n, count, mode, offset, batch)
        print(
            f"{result['mode']:7} {count:2} clients, {batch} per transaction: "
            f"{result['per_second']:.0f} events/s (p50 {result['p50']:.1f} ms, "
            f"p99 {result['p99']:.1f} ms, {result['cpu_ms']:.1f} ms CPU/event, "
            f"{result['busy']:.2f} busy cores); "
            f"chain {'intact' if result['intact'] else 'BROKEN'}, {result['records']} records",
            flush=True,
        )
        results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--dialects", default="sqlite,postgresql")
    parser.add_argument(
        "--clients", default="", help="e.g. 1,16: concurrent clients instead of the replay run"
    )
    parser.add_argument("--modes", default="journal,inline")
    parser.add_argument(
        "--batch", default="1", help="e.g. 1,8: events per transaction with --clients"
    )
    args = parser.parse_args()
    if args.clients:
        counts = [int(c) for c in args.clients.split(",")]
        rows = []
        for dialect in args.dialects.split(","):
            if dialect == "postgresql":
                ensure_database(PG_URL)
                reset_schema(PG_URL)
                url, modes = PG_URL, args.modes.split(",")
            else:
                url, modes = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/cdevbench.db", ["inline"]
            batches = [int(b) for b in args.batch.split(",")]
            for r in asyncio.run(run_clients(url, args.events, counts, modes, batches)):
                rows.append(
                    [
                        dialect,
                        r["mode"],
                        str(r["clients"]),
                        str(r["batch"]),
                        f"{r['per_second']:.0f}",
                        f"{r['p50']:.1f}",
                        f"{r['p99']:.1f}",
                        f"{r['cpu_ms']:.1f}",
                        f"{r['busy']:.2f}",
                        "intact" if r["intact"] else "BROKEN",
                    ]
                )
        print()
        print(
            table(
                [
                    "database",
                    "audit path",
                    "clients",
                    "events per transaction",
                    "events/s",
                    "p50 ms",
                    "p99 ms",
                    "client CPU ms/event",
                    "busy cores",
                    "chain",
                ],
                rows,
            )
        )
        return
    results = []
    for dialect in args.dialects.split(","):
        if dialect == "postgresql":
            ensure_database(PG_URL)
            reset_schema(PG_URL)
        results.append(asyncio.run(run(dialect, args.events)))
    print(
        f"python {platform.python_version()} on {platform.machine()}: "
        "one client, one unit of work per event"
    )
    for r in results:
        print(
            f"{r['dialect']}: {r['per_second']:.0f} events/s "
            f"(p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms); "
            f"replays {r['replay_per_second']:.0f}/s; schemas {'on' if r['schemas'] else 'off'}"
        )
    print()
    print(
        table(
            ["database", "events", "events/s", "p50 ms", "p99 ms", "replays/s"],
            [
                [
                    r["dialect"],
                    str(r["events"]),
                    f"{r['per_second']:.0f}",
                    f"{r['p50']:.2f}",
                    f"{r['p99']:.2f}",
                    f"{r['replay_per_second']:.0f}",
                ]
                for r in results
            ],
        )
    )


if __name__ == "__main__":
    main()
