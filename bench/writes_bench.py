"""Mixed writes with 1, 8 and 32 concurrent writers on PostgreSQL: the journaled audit path
against the lock-per-transaction (inline) one, in the same run.

Run: .venv/bin/python bench/writes_bench.py [--writers 1,8,32] [--seconds 5]
     [--modes journal,inline] [--processes 1]

Seeds with bulk Core inserts one BU, a team, 50 services and one person. Each writer then runs
the domain use cases in a loop, one unit of work each, exactly as a mutation does minus HTTP
and GraphQL: create a draft release (release + service lines + audit entry), edit it (the
release's row lock, optimistic version, before/after audit entry), and report test evidence on
a service's artifact (artifact made on first use, evidence row, audit entry), in turn. With
`journal`, a background sealer chains the journal every 0.2 s as the server's does.

With `--processes P` each level's writers are dealt to P processes (as a server's workers deal
requests), started together; one writer in one process stays the baseline. One process can
use one core whatever the number of writers, so this shows whether writes scale with the cores
the machine has, not only with the writers one event loop interleaves.

Per level and mode: writes/s, p50/p99 per write, this process's CPU per write and the
PostgreSQL backends' CPU per write (the bench database's backends, /proc), the machine's busy
cores, the process's RSS; then the whole chain is verified and the records counted against the
audit entries the committed writes made (nothing lost, nothing twice). Uses
SIGNALBOX_BENCH_DATABASE_URL (emptied first).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import resource
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text

from api.units import Units
from bench._harness import (
    DATABASE_URL,
    cpu_seconds,
    ensure_database,
    machine_busy_seconds,
    percentile,
    reset_schema,
    table,
)
from bench.cdevents_bench import AllowAll, chain_checked, seal_every
from bench.cdevents_bench import seed as seed_rows_in
from domain.compliance import repository as audit_repo
from domain.compliance.models import AuditRecord
from domain.governance import commands as gov
from domain.governance.releases import create_release, update_release
from domain.kernel.access import Actor
from domain.kernel.clock import SystemClock
from domain.kernel.db import Database
from domain.kernel.uow import UnitOfWork
from domain.migrations import upgrade_async
from domain.organization.models import Person
from domain.pipelines import commands as pipe
from domain.pipelines.evidence import report_evidence

NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
SEAL_EVERY = 0.2
HOLD = 2.0
"""Seconds a `--processes` writer process keeps its connections after the deadline."""


@dataclass
class Seed:
    bu: uuid.UUID
    services: list[uuid.UUID]
    actor: Actor


@dataclass
class Level:
    mode: str
    writers: int
    writes: int = 0
    entries: int = 0
    failures: int = 0
    seconds: float = 0.0
    timings: list[float] = field(default_factory=list)
    client_cpu: float = 0.0
    postgres_cpu: float = 0.0
    machine_busy: float = 0.0
    rss_mb: float = 0.0
    chain_ok: bool = False
    chain_detail: str = ""
    records_added: int = 0
    warm_entries: int = 0
    """Entries the warm-up of a `--processes` run made after the count before it."""

    @property
    def per_second(self) -> float:
        return self.writes / self.seconds if self.seconds else 0.0


async def seed(db: Database) -> Seed:
    person_id = uuid.uuid4()
    person = {
        "id": person_id,
        "username": "bench-writer",
        "display_name": "Bench Writer",
        "email": None,
        "kind": "human",
        "issuer": "bench",
        "subject": "bench-writer",
        "active": True,
        "created_at": NOW,
        "updated_at": NOW,
        "version": 1,
    }
    data = await seed_rows_in(db, (Person.__table__, [person]))
    actor = Actor(
        person_id=person_id,
        username="bench-writer",
        display_name="Bench Writer",
        subjects=(f"person:{person_id}",),
    )
    return Seed(data["bu"]["id"], [s["id"] for s in data["services"]], actor)


class Writer:
    """One client: create a release, edit it, report evidence; again, until the deadline."""

    def __init__(self, units: Units, seed: Seed, number: int, level: Level) -> None:
        self.units, self.seed, self.number, self.level = units, seed, number, level
        self.release: tuple[uuid.UUID, int] | None = None
        self.count = itertools.count()

    async def _create(self, uow: UnitOfWork) -> None:
        n = next(self.count)
        service = self.seed.services[(self.number + n) % len(self.seed.services)]
        release = await create_release(
            uow,
            gov.CreateRelease(
                bu_id=self.seed.bu,
                title=f"Writer {self.number} release {n}",
                release_type="standard",
                services=[gov.ServiceLine(service, f"1.{self.number}.{n}")],
            ),
        )
        self.release = (release.id, release.version)

    async def _edit(self, uow: UnitOfWork) -> None:
        assert self.release is not None
        release_id, version = self.release
        edited = await update_release(
            uow,
            gov.UpdateRelease(release_id, version, description=f"edit {next(self.count)}"),
        )
        self.release = (release_id, edited.version)

    async def _evidence(self, uow: UnitOfWork) -> None:
        n = next(self.count)
        service = self.seed.services[(self.number * 7 + n) % len(self.seed.services)]
        version = f"2.{self.number}.{n % 5}"  # an artifact per five reports: made, then found
        digest = "sha256:" + uuid.uuid5(uuid.NAMESPACE_URL, f"{service}{version}").hex * 2
        await report_evidence(
            uow,
            pipe.ReportEvidence(
                pipe.ArtifactRef(service, "app", version, digest),
                pipe.TestRun(suite="unit", passed=100 + n, failed=0, coverage_percent=81.5),
            ),
        )

    async def run(self, deadline: float) -> None:
        steps = (self._create, self._edit, self._evidence)
        for step in itertools.cycle(steps):
            if time.perf_counter() >= deadline:
                return
            began = time.perf_counter()
            try:
                async with self.units.open(self.seed.actor) as uow:
                    await step(uow)
                    entries = len(uow._entries)  # what this write hands the audit trail
                    await uow.commit()
            except Exception as exc:  # counted and reported: a bench must not hide failures
                self.level.failures += 1
                if self.level.failures <= 3:
                    print(f"  write failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                continue
            self.level.timings.append((time.perf_counter() - began) * 1000)
            self.level.writes += 1
            self.level.entries += entries


async def record_count(db: Database) -> int:
    async with db.read_session() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditRecord)) or 0)


async def backend_cpu(db: Database) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving this bench database."""
    async with db.read_session() as session:
        pids = (
            await session.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            )
        ).all()
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):  # gone, or not ours to read
            total += cpu_seconds(int(pid))
    return total


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def verify(db: Database) -> tuple[bool, str]:
    report = await chain_checked(db)
    return report.ok, f"{report.checked} records" if report.ok else str(report.reason)


def _writers_in_process(
    url: str, seed_: Seed, mode: str, numbers: list[int], start_at: float, seconds: float
) -> Level:
    """One process of a `--processes` run: its writers from `start_at` (wall clock) on."""
    return asyncio.run(_writers_here(url, seed_, mode, numbers, start_at, seconds))


async def _writers_here(
    url: str, seed_: Seed, mode: str, numbers: list[int], start_at: float, seconds: float
) -> Level:
    level = Level(mode, len(numbers))
    db = Database(url, pool_size=len(numbers) + 2, pool_timeout=30)
    units = Units(db, SystemClock(), AllowAll(), audit_append=mode)
    try:
        warm = Level(mode, len(numbers))
        soon = time.perf_counter() + 0.5
        await asyncio.gather(*(Writer(units, seed_, 1000 + n, warm).run(soon) for n in numbers))
        await asyncio.sleep(max(0.0, start_at - time.time()))
        cpu_before = time.process_time()
        deadline = time.perf_counter() + (start_at + seconds - time.time())
        await asyncio.gather(*(Writer(units, seed_, n, level).run(deadline) for n in numbers))
        level.client_cpu = time.process_time() - cpu_before
        level.rss_mb = rss_mb()
        level.warm_entries = warm.entries
        # The connections stay until the parent has read their backends' CPU (`_in_processes`).
        await asyncio.sleep(max(0.0, start_at + seconds + HOLD - time.time()))
    finally:
        await db.dispose()
    return level


async def _in_processes(
    url: str, seed_: Seed, level: Level, processes: int, seconds: float, db: Database
) -> None:
    """The level's writers dealt to `processes` processes; CPU and memory summed over them."""
    loop = asyncio.get_running_loop()
    start_at = time.time() + 10  # the processes start (imports) and warm up before
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        parts = [
            loop.run_in_executor(
                pool,
                _writers_in_process,
                url,
                seed_,
                level.mode,
                list(range(p, level.writers, processes)),
                start_at,
                seconds,
            )
            for p in range(processes)
        ]
        await asyncio.sleep(max(0.0, start_at - time.time()))
        pg_before, busy_before = await backend_cpu(db), machine_busy_seconds()
        began = time.perf_counter()
        # Read after the deadline, while the processes' connections are still open.
        await asyncio.sleep(max(0.0, start_at + seconds + HOLD / 4 - time.time()))
        level.postgres_cpu = await backend_cpu(db) - pg_before
        level.machine_busy = (machine_busy_seconds() - busy_before) / (time.perf_counter() - began)
        done = await asyncio.gather(*parts)
    level.seconds = seconds
    for part in done:
        level.writes += part.writes
        level.entries += part.entries
        level.failures += part.failures
        level.timings += part.timings
        level.client_cpu += part.client_cpu
        level.rss_mb += part.rss_mb
        level.warm_entries += part.warm_entries


async def run_level(
    url: str, seed_: Seed, mode: str, writers: int, seconds: float, processes: int = 1
) -> Level:
    level = Level(mode, writers)
    db = Database(url, pool_size=writers + 2, pool_timeout=30)
    sealer_db = Database(url, pool_size=1, pool_timeout=30)
    units = Units(db, SystemClock(), AllowAll(), audit_append=mode)
    stop = asyncio.Event()
    sealing = (
        asyncio.create_task(seal_every(sealer_db, stop, SEAL_EVERY)) if mode == "journal" else None
    )
    before = await record_count(db)
    try:
        if min(processes, writers) > 1:
            await _in_processes(url, seed_, level, min(processes, writers), seconds, db)
            return level
        # Warm-up: every connection of the pool opened, statements prepared.
        warm = Level(mode, writers)
        await asyncio.gather(
            *(
                Writer(units, seed_, 1000 + w, warm).run(time.perf_counter() + 0.5)
                for w in range(writers)
            )
        )
        await audit_repo.seal_pending(db.engine)
        before = await record_count(db)
        pg_before, busy_before = await backend_cpu(db), machine_busy_seconds()
        cpu_before = time.process_time()
        began = time.perf_counter()
        deadline = began + seconds
        await asyncio.gather(
            *(Writer(units, seed_, w, level).run(deadline) for w in range(writers))
        )
        level.seconds = time.perf_counter() - began
        level.client_cpu = time.process_time() - cpu_before
        level.postgres_cpu = await backend_cpu(db) - pg_before
        level.machine_busy = (machine_busy_seconds() - busy_before) / level.seconds
        level.rss_mb = rss_mb()
        return level
    finally:
        stop.set()
        if sealing is not None:
            await sealing
        await audit_repo.seal_pending(db.engine)
        level.records_added = await record_count(db) - before - level.warm_entries
        level.chain_ok, level.chain_detail = await verify(db)
        await db.dispose()
        await sealer_db.dispose()


async def bench(
    url: str, writer_levels: list[int], modes: list[str], seconds: float, processes: int = 1
) -> list[Level]:
    await upgrade_async(url)
    seeding = Database(url, pool_size=2)
    try:
        seed_ = await seed(seeding)
    finally:
        await seeding.dispose()
    results = []
    for writers in writer_levels:
        for mode in modes:  # alternating, so drift in the machine's load hits both alike
            level = await run_level(url, seed_, mode, writers, seconds, processes)
            print(
                f"{mode:7} {writers:2} writers: {level.per_second:6.0f} writes/s "
                f"p50 {percentile(level.timings, 50):6.1f} ms p99 "
                f"{percentile(level.timings, 99):6.1f} ms; failures {level.failures}; "
                f"chain {'intact' if level.chain_ok else 'BROKEN'} ({level.chain_detail}); "
                f"records {level.records_added} for {level.entries} entries",
                flush=True,
            )
            results.append(level)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="1,8,32")
    parser.add_argument("--modes", default="journal,inline")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--processes", type=int, default=1, help="writers dealt to P processes")
    args = parser.parse_args()
    if not 1 <= args.processes <= 64:
        parser.error("--processes takes 1 to 64")
    url = os.environ.get("SIGNALBOX_BENCH_DATABASE_URL", DATABASE_URL)
    ensure_database(url)
    reset_schema(url)
    levels = [int(w) for w in args.writers.split(",")]
    modes = args.modes.split(",")
    started = time.time()
    results = asyncio.run(bench(url, levels, modes, args.seconds, args.processes))
    print()
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"load average at the end {os.getloadavg()[0]:.2f}, {time.time() - started:.0f} s, "
        f"writers in {args.processes} process(es)"
    )
    single = {r.mode: r.per_second for r in results if r.writers == min(levels)}
    rows = []
    for r in results:
        ms = 1000 / r.writes if r.writes else 0.0
        rows.append(
            [
                r.mode,
                str(r.writers),
                f"{r.per_second:.0f}",
                f"{r.per_second / single[r.mode]:.2f}x" if single.get(r.mode) else "-",
                f"{percentile(r.timings, 50):.1f}",
                f"{percentile(r.timings, 99):.1f}",
                f"{r.client_cpu * ms:.2f}",
                f"{r.postgres_cpu * ms:.2f}",
                f"{r.machine_busy:.2f}",
                f"{r.rss_mb:.0f}",
                "intact" if r.chain_ok else "BROKEN",
                f"{r.records_added}/{r.entries}",
                str(r.failures),
            ]
        )
    print(
        table(
            [
                "audit path",
                "writers",
                "writes/s",
                "vs 1 writer",
                "p50 ms",
                "p99 ms",
                "client CPU ms/write",
                "PostgreSQL CPU ms/write",
                "busy cores",
                "RSS MB",
                "chain",
                "records/entries",
                "failures",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
