"""How the audit-trail verification grows: 10k and 1M records on PostgreSQL, 10k and 100k on SQLite.

    .venv/bin/python bench/audit_verify_bench.py [--postgresql 10000,1000000]
                                                 [--sqlite 10000,100000] [--quick]
                                                 [--export-limit 100000]

Seeds a validly chained trail fast: records generated in batches, numbered and hashed with
`domain.compliance.rules.link` (the very function the append path uses), then COPY (asyncpg,
PostgreSQL) or executemany (SQLite) into `audit_records`. The sizes grow in one database: the
trail is extended from one size to the next, and every step is measured at each size:

- verify: `domain.compliance.service.verify_audit_trail` in a system unit of work, which is
  what `signalbox audit verify` runs without a checkpoint log (SQLAlchemy, keyset batches);
- export + offline verify (up to --export-limit records): `export_audit_trail` to a JSON Lines
  file, then the standalone `domain/compliance/verify_export.py` over that file;
- the references, in the same run: the same keyset reads on the raw driver (asyncpg, or
  sqlite3), rows only; and on PostgreSQL the same rows through the same `ChainVerifier` without
  SQLAlchemy (the check's own floor).

For each: seconds, records/s, and the process's peak RSS growth over the step (the kernel's
high-water mark is reset before each step, bench._harness.reset_peak_memory), which must stay
flat as the trail grows: every path streams. Bounded: sizes are capped at 2,000,000.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h
from domain.compliance import rules

SEED_BATCH = 10_000
READ_BATCH = 1000  # what domain.compliance.repository.STREAM_BATCH reads per statement
MAX_RECORDS = 2_000_000
START = datetime(2025, 1, 1, tzinfo=UTC)
ACTIONS = (
    ("release.create", "release"),
    ("release.update", "release"),
    ("window.plan", "deployment_window"),
    ("promotion.decide", "promotion"),
    ("evidence.attach", "evidence"),
    ("flag.change", "flag"),
    ("vote.cast", "vote"),
)


# -- seeding ---------------------------------------------------------------------------------


def entries(first_seq: int, n: int, rng: random.Random) -> list[dict[str, Any]]:
    """`n` realistic unchained records (what an append hands to `rules.link`)."""
    bus = [uuid.UUID(int=i + 1) for i in range(5)]
    people = [uuid.UUID(int=1000 + i) for i in range(40)]
    out = []
    for i in range(n):
        seq = first_seq + i
        action, entity_type = ACTIONS[seq % len(ACTIONS)]
        person = people[rng.randrange(len(people))]
        before = None if action.endswith("create") else {"status": "planned", "version": seq % 7}
        out.append(
            {
                "occurred_at": START + timedelta(seconds=seq * 3, microseconds=seq % 997),
                "actor_subject": f"person:{person}",
                "actor_username": f"user-{person.int % 1000}",
                "token_id": uuid.UUID(int=seq) if seq % 3 else None,
                "action": action,
                "entity_type": entity_type,
                "entity_id": str(uuid.UUID(int=seq * 7919)),
                "bu_id": bus[seq % len(bus)] if seq % 11 else None,
                "before": before,
                "after": {"status": "approved", "title": f"Änderung {seq}", "n": seq},
                "rule": "" if seq % 4 else "policy: two approvals",
                "request_id": f"req-{seq:x}",
            }
        )
    return out


async def extend_trail(url: str, to: int, rng: random.Random) -> float:
    """Add records until the trail holds `to`; returns the seconds it took."""
    began = time.perf_counter()
    head = await _head(url)
    while (head.seq if head else 0) < to:
        done = head.seq if head else 0
        batch = rules.link(entries(done + 1, min(SEED_BATCH, to - done), rng), head)
        await _store(url, batch)
        head = rules.ChainHead(batch[-1]["seq"], batch[-1]["hash"])
    return time.perf_counter() - began


async def _head(url: str) -> rules.ChainHead | None:
    row: Any
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(sqlite_path(url))) as conn:
            row = conn.execute(
                "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1"
            ).fetchone()
    else:
        import asyncpg

        conn = await asyncpg.connect(h.asyncpg_dsn(url))
        try:
            row = await conn.fetchrow(
                "SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1"
            )
        finally:
            await conn.close()
    return None if row is None else rules.ChainHead(row[0], row[1])


async def _store(url: str, batch: list[dict[str, Any]]) -> None:
    if url.startswith("sqlite"):
        # Through SQLAlchemy's Core on SQLite, so every column is stored in the form the
        # models' types give it (UUIDs as hex, UTC datetimes as text, JSON as text).
        from sqlalchemy import create_engine, insert

        from domain.compliance.models import AuditRecord

        engine = create_engine("sqlite:///" + sqlite_path(url))
        try:
            with engine.begin() as conn:
                conn.execute(insert(AuditRecord), batch)
        finally:
            engine.dispose()
        return
    import asyncpg

    records = [
        tuple(
            json.dumps(r[n]) if n in ("before", "after") and r[n] is not None else r[n]
            for n in rules.RECORD_FIELDS
        )
        for r in batch
    ]
    conn = await asyncpg.connect(h.asyncpg_dsn(url))
    try:
        await conn.copy_records_to_table(
            "audit_records", records=records, columns=list(rules.RECORD_FIELDS)
        )
    finally:
        await conn.close()


def sqlite_path(url: str) -> str:
    return url.split("///", 1)[1]


# -- the measured steps ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    records: int
    seconds: float
    cpu_seconds: float  # this process's CPU time in the step (the database server's is apart)
    peak_growth_mb: float  # the process's high-water RSS during the step, over its RSS before
    peak_mb: float  # the process's high-water RSS during the step
    ok: bool = True

    @property
    def per_second(self) -> float:
        return self.records / self.seconds if self.seconds else float("nan")


async def measured(name: str, step: Callable[[], Awaitable[tuple[int, bool]]]) -> Step:
    """Run one step with the peak RSS reset before it; the step returns (records, ok)."""
    import gc

    gc.collect()
    h.reset_peak_memory()
    before = h.memory().rss_mb
    began, cpu = time.perf_counter(), time.process_time()
    records, ok = await step()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    peak = h.memory().peak_mb
    return Step(name, records, seconds, cpu, peak - before, peak, ok)


@asynccontextmanager
async def signalbox(url: str) -> AsyncIterator[Any]:
    """A Signalbox runtime on the database (production settings, nothing started)."""
    from api.composition import build_runtime

    data_dir = Path(tempfile.mkdtemp(prefix="signalbox-auditbench-"))
    os.chmod(data_dir, 0o700)
    runtime = build_runtime(h.bench_settings(url, data_dir))  # type: ignore[arg-type]
    try:
        yield runtime
    finally:
        await runtime.db.dispose()
        shutil.rmtree(data_dir, ignore_errors=True)


async def verify_use_case(runtime: Any) -> tuple[int, bool]:
    """`signalbox audit verify` without a checkpoint log: the domain's use case."""
    from domain.compliance import service as compliance

    async with runtime.system_unit_of_work() as uow:
        report = await compliance.verify_audit_trail(uow)
    return report.checked, report.ok


async def export_then_verify(runtime: Any, path: Path) -> tuple[Step, Step]:
    """The export use case to a JSON Lines file, then the standalone verifier over the file."""
    from domain.compliance import service as compliance
    from domain.compliance import verify_export

    async def export() -> tuple[int, bool]:
        count = 0
        with path.open("wb") as sink:
            async with runtime.system_unit_of_work() as uow:
                async for line in compliance.export_audit_trail(uow):
                    sink.write(line)
                    count += 1
        return count, True

    async def offline() -> tuple[int, bool]:
        with path.open("rb") as lines:
            verdict = verify_export.verify(lines, complete=True)
        return verdict.checked, verdict.ok

    exported = await measured("export (use case, JSON Lines)", export)
    checked = await measured("offline verify_export.py over the export", offline)
    return exported, checked


def _pg_record(row: Any) -> dict[str, Any]:
    record = dict(row)
    for name in ("before", "after"):
        if record[name] is not None:
            record[name] = json.loads(record[name])
    return record


async def asyncpg_reads(url: str, *, check: bool) -> tuple[int, bool]:
    """The verify's keyset reads on raw asyncpg; with `check`, the rows through ChainVerifier."""
    import asyncpg

    sql = (
        f"SELECT {', '.join(rules.RECORD_FIELDS)} FROM audit_records "
        "WHERE seq > $1 ORDER BY seq LIMIT $2"
    )
    verifier = rules.ChainVerifier()
    count, after = 0, 0
    conn = await asyncpg.connect(h.asyncpg_dsn(url))
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            while True:
                rows = await conn.fetch(sql, after, READ_BATCH)
                if check:
                    for row in rows:
                        verifier.feed(_pg_record(row))
                count += len(rows)
                if len(rows) < READ_BATCH:
                    break
                after = rows[-1]["seq"]
    finally:
        await conn.close()
    return count, verifier.report().ok if check else True


def sqlite_reads(url: str) -> tuple[int, bool]:
    """The verify's keyset reads on the standard library's sqlite3, rows only."""
    sql = (
        f"SELECT {', '.join(rules.RECORD_FIELDS)} FROM audit_records "
        "WHERE seq > ? ORDER BY seq LIMIT ?"
    )
    count, after = 0, 0
    with closing(sqlite3.connect(sqlite_path(url))) as conn:
        while True:
            rows = conn.execute(sql, (after, READ_BATCH)).fetchall()
            count += len(rows)
            if len(rows) < READ_BATCH:
                return count, True
            after = rows[-1][0]


async def measure_size(url: str, runtime: Any, *, export: bool) -> list[Step]:
    """Every step at the trail's current size, the references in the same run."""
    steps = [await measured("verify (use case, SQLAlchemy)", lambda: verify_use_case(runtime))]
    if export:
        path = Path(tempfile.mkdtemp(prefix="auditbench-")) / "export.jsonl"
        steps += await export_then_verify(runtime, path)
        shutil.rmtree(path.parent, ignore_errors=True)
    if url.startswith("sqlite"):

        async def raw() -> tuple[int, bool]:
            return sqlite_reads(url)

        steps.append(await measured("reference: same reads on sqlite3, rows only", raw))
    else:
        steps.append(
            await measured(
                "reference: same reads on asyncpg, rows only",
                lambda: asyncpg_reads(url, check=False),
            )
        )
        steps.append(
            await measured(
                "reference: asyncpg rows through the same ChainVerifier",
                lambda: asyncpg_reads(url, check=True),
            )
        )
    return steps


@dataclass(frozen=True, slots=True)
class SizeResult:
    dialect: str
    records: int
    seed_seconds: float
    steps: list[Step]


async def run_dialect(dialect: str, sizes: list[int], export_limit: int) -> list[SizeResult]:
    from domain.migrations import upgrade_async

    if dialect == "sqlite":
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='auditbench-')}/bench.db"
    else:
        url = h.DATABASE_URL  # created and emptied by main()
    await upgrade_async(url)
    rng = random.Random(20261207)
    results = []
    async with signalbox(url) as runtime:
        for size in sorted(sizes):
            seed_seconds = await extend_trail(url, size, rng)
            if dialect == "postgresql":
                await _analyze(url)
            await verify_use_case(runtime)  # warm: the pool, compiled statements, the pages
            steps = await measure_size(url, runtime, export=size <= export_limit)
            results.append(SizeResult(dialect, size, seed_seconds, steps))
            print(f"  {dialect} {size:,} done", file=sys.stderr)
    if dialect == "sqlite":
        shutil.rmtree(Path(sqlite_path(url)).parent, ignore_errors=True)
    return results


async def _analyze(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(h.asyncpg_dsn(url))
    try:
        await conn.execute("VACUUM ANALYZE audit_records")
    finally:
        await conn.close()


def report(results: list[SizeResult]) -> str:
    rows = []
    for r in results:
        for s in r.steps:
            rows.append(
                [
                    r.dialect,
                    f"{r.records:,}",
                    s.name,
                    f"{s.seconds:.2f}",
                    f"{s.cpu_seconds:.2f}",
                    f"{s.per_second:,.0f}",
                    f"{s.records / s.cpu_seconds:,.0f}" if s.cpu_seconds else "-",
                    f"{s.peak_mb:.0f} ({s.peak_growth_mb:+.1f})",
                    "yes" if s.ok and s.records == r.records else f"NO ({s.records:,})",
                ]
            )
    seeds = [[r.dialect, f"{r.records:,}", f"{r.seed_seconds:.1f}"] for r in results]
    return (
        h.table(
            [
                "dialect",
                "records",
                "step",
                "wall s",
                "CPU s",
                "records/s",
                "records per CPU s",
                "peak RSS MiB (growth in the step)",
                "intact, all",
            ],
            rows,
        )
        + "\n\n"
        + h.table(["dialect", "trail size", "seed s (extending from the previous size)"], seeds)
    )


def parse_sizes(text: str) -> list[int]:
    sizes = [int(x) for x in text.split(",") if x.strip()]
    if any(not 1 <= n <= MAX_RECORDS for n in sizes):
        raise argparse.ArgumentTypeError(f"sizes are 1..{MAX_RECORDS:,} records")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgresql", type=parse_sizes, default=[10_000, 1_000_000])
    parser.add_argument("--sqlite", type=parse_sizes, default=[10_000, 100_000])
    parser.add_argument("--export-limit", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="1k and 10k records: under a minute")
    args = parser.parse_args()
    if args.quick:
        args.postgresql, args.sqlite, args.export_limit = [1000, 10_000], [1000, 10_000], 10_000
    started = time.monotonic()
    results: list[SizeResult] = []
    if args.postgresql:
        h.ensure_database()
        h.reset_schema()
        results += asyncio.run(run_dialect("postgresql", args.postgresql, args.export_limit))
    if args.sqlite:
        results += asyncio.run(run_dialect("sqlite", args.sqlite, args.export_limit))
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}, {time.monotonic() - started:.0f} s in all\n"
    )
    print(report(results))


if __name__ == "__main__":
    main()
