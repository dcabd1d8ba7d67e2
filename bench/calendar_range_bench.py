"""How the calendar range read grows: 1k, 10k and 100k deployment windows in the database.

    .venv/bin/python bench/calendar_range_bench.py [--sizes 1000,10000,100000] [--requests 60]
                                                   [--dialect postgresql] [--quick]

The release calendar portals poll is the `calendar(input: {from, to, ...})` query
(api/graphql/calendar.py -> domain/read/calendar_slice.py). Seeds the demo enterprise (its
people and grants) through the domain, then bulk-inserts (Core, batches of 5,000) more BUs
(teams and services) and N windows at a constant density: DENSITY windows per BU and month,
1-3 services of one team each, environments mixed, one in four on a shared resource, one in
ten cancelled. The enterprise grows with N as a real one does: more BUs (sqrt(N)/10, at least
the demo's 3) and a longer history, so what one view shows stays about the same while the
table grows a hundredfold, except the org admin's, which spans every BU.

For each size, three views, each through the Signalbox ASGI app in this process (bearer token,
middleware, GraphQL, SQL, JSON; like bench/profile_graphql.py) and, as the reference in the
same run, the very statements that request issued (captured on the engine) replayed on raw
asyncpg (sqlite3 on SQLite), one connection:

- a BU admin's month of their BU;
- a BU admin's month of one team (the team filter);
- the org admin's quarter of everything.

Prints p50/p99 of both, the statements per request, the windows and conflicts the view shows,
the process's RSS and peak RSS, and the PostgreSQL plans of the windows statement with --plans.
Bounded: at most 200,000 windows and 500 requests per view.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h

DENSITY = 15
"""Windows per BU per month."""
MONTH = timedelta(days=30)
START = datetime(2020, 1, 6, tzinfo=UTC)
BATCH = 5000
MAX_WINDOWS = 200_000
VIEW_SECONDS = 30.0
"""Each view's requests stop after this long (at least MIN_SAMPLES of them), on each side."""
MIN_SAMPLES = 5
READS = ("SELECT", "WITH")
ENVIRONMENTS = ("production", "production", "staging", "dev", None)
TEAMS_PER_EXTRA_BU = 3
SERVICES_PER_EXTRA_TEAM = 4

CALENDAR_QUERY = """
query CalendarRange($input: CalendarInput!) {
  calendar(input: $input) {
    windows {
      id kind title environment startsAt endsAt status releaseId
      services { id key }
      resources
    }
    freezeOccurrences { startsAt endsAt freezeId title status }
    conflicts { kind severity first { id } second { id } resources services { id key } }
    productionChanges { at flagKey environment }
    vendorReleases { id title startsAt endsAt }
    deployments { id kind occurredAt }
    incidents { id status detectedAt }
    unauthorizedChanges { id status detectedAt }
  }
}
"""


@dataclass(frozen=True, slots=True)
class View:
    name: str
    username: str
    months: int
    bu_key: str | None = None
    team_key: str | None = None


VIEWS = (
    View("BU admin: one month of their BU", "payments-admin", 1, bu_key="payments"),
    View("BU admin: one month of one team", "payments-admin", 1, team_key="acquiring"),
    View("org admin: a quarter, every BU", "rmo", 3),
)


# -- the enterprise and its windows ----------------------------------------------------------


@dataclass
class Org:
    """BUs (demo first), their teams and services, by id."""

    bu_ids: list[uuid.UUID]
    bu_keys: dict[str, uuid.UUID]
    team_keys: dict[str, uuid.UUID]
    teams_of_bu: dict[uuid.UUID, list[uuid.UUID]]
    services_of_team: dict[uuid.UUID, list[uuid.UUID]]


def shape(n_windows: int) -> tuple[int, int]:
    """(BUs, months of history) for a table of `n_windows` at DENSITY per BU-month."""
    bus = max(3, round(math.sqrt(n_windows) / 10))
    return bus, max(4, round(n_windows / (bus * DENSITY)))


def middle(months: int) -> datetime:
    """Where the views look: the middle of the history, on a month boundary."""
    return START + (months // 2) * MONTH


async def add_bus(db: Any, org: Org, wanted: int) -> None:
    """More BUs, each with its teams and services, until `org` has `wanted` (bulk Core)."""
    from sqlalchemy import insert

    from domain.organization.models import BusinessUnit, Service, Team

    now = datetime.now(UTC)
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    bus, teams, services = [], [], []
    for b in range(len(org.bu_ids), wanted):
        bu = uuid.uuid4()
        bus.append({"id": bu, "key": f"bu-{b}", "name": f"BU {b}", "description": "", **stamp})
        org.bu_ids.append(bu)
        org.teams_of_bu[bu] = []
        for t in range(TEAMS_PER_EXTRA_BU):
            team = uuid.uuid4()
            teams.append(
                {
                    "id": team,
                    "bu_id": bu,
                    "key": f"t{t}",
                    "name": f"T{t}",
                    "description": "",
                    **stamp,
                }
            )
            org.teams_of_bu[bu].append(team)
            org.services_of_team[team] = []
            for s in range(SERVICES_PER_EXTRA_TEAM):
                service = uuid.uuid4()
                services.append(
                    {
                        "id": service,
                        "bu_id": bu,
                        "team_id": team,
                        "key": f"bu{b}-t{t}-s{s}",
                        "name": f"S{s}",
                        "tier": ("critical", "customer_facing", "internal")[s % 3],
                        "data_classification": "internal",
                        "regions": [],
                        **stamp,
                    }
                )
                org.services_of_team[team].append(service)
    if not bus:
        return
    async with db.engine.begin() as conn:
        for table, rows in (
            (BusinessUnit, bus),
            (Team, teams),
            (Service, services),
        ):
            for i in range(0, len(rows), BATCH):
                await conn.execute(insert(table), rows[i : i + BATCH])


async def read_org(db: Any) -> Org:
    """The demo's BUs, teams and services as the database has them."""
    from sqlalchemy import select

    from domain.organization.models import BusinessUnit, Service, Team

    async with db.engine.connect() as conn:
        bus = (await conn.execute(select(BusinessUnit.id, BusinessUnit.key))).all()
        teams = (await conn.execute(select(Team.id, Team.key, Team.bu_id))).all()
        services = (await conn.execute(select(Service.id, Service.team_id))).all()
    org = Org(
        bu_ids=[b.id for b in sorted(bus, key=lambda b: b.key)],
        bu_keys={b.key: b.id for b in bus},
        team_keys={t.key: t.id for t in teams},
        teams_of_bu={b.id: [] for b in bus},
        services_of_team={t.id: [] for t in teams},
    )
    for t in sorted(teams, key=lambda t: t.key):
        org.teams_of_bu[t.bu_id].append(t.id)
    for s in sorted(services, key=lambda s: str(s.id)):
        org.services_of_team[s.team_id].append(s.id)
    return org


@dataclass
class Seeded:
    windows: list[dict[str, Any]]
    services: dict[uuid.UUID, list[uuid.UUID]]  # window -> its services
    resources: list[tuple[uuid.UUID, str, datetime, datetime]]  # window, resource, its times
    months: int
    bus: int
    seconds: float = 0.0


def windows_of(n: int, org: Org, rng: random.Random) -> Seeded:
    """`n` windows over the first BUs of `org` (shape(n)), uniformly over the months."""
    n_bus, months = shape(n)
    bus = org.bu_ids[:n_bus]
    span_hours = months * 30 * 24
    now = datetime.now(UTC)
    windows, ws, wr = [], {}, []
    for i in range(n):
        bu = bus[i % n_bus]
        team = rng.choice([t for t in org.teams_of_bu[bu] if org.services_of_team[t]])
        starts = START + timedelta(hours=rng.randrange(span_hours), minutes=rng.choice((0, 30)))
        ends = starts + timedelta(hours=rng.randint(1, 8))
        wid = uuid.uuid4()
        windows.append(
            {
                "id": wid,
                "bu_id": bu,
                "kind": "release" if i % 5 else "maintenance",
                "release_id": None,
                "title": f"window {i}",
                "environment": rng.choice(ENVIRONMENTS),
                "starts_at": starts,
                "ends_at": ends,
                "status": "cancelled" if i % 10 == 9 else "planned",
                "created_by_id": None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
        candidates = org.services_of_team[team]
        ws[wid] = rng.sample(candidates, min(len(candidates), rng.randint(1, 3)))
        if i % 4 == 0:
            wr.append((wid, f"db-cluster-{rng.randrange(6)}", starts, ends))
    return Seeded(windows, ws, wr, months, n_bus)


async def store_windows(db: Any, seeded: Seeded) -> float:
    """Replace every window with `seeded`'s (bulk Core inserts); returns the seconds."""
    from sqlalchemy import delete, insert, text

    from domain.calendar.models import DeploymentWindow, WindowResource, WindowService

    began = time.perf_counter()
    ws = [
        {
            "id": uuid.uuid4(),
            "window_id": w["id"],
            "service_id": s,
            "starts_at": w["starts_at"],
            "ends_at": w["ends_at"],
        }
        for w in seeded.windows
        for s in seeded.services[w["id"]]
    ]
    wr = [
        {"id": uuid.uuid4(), "window_id": wid, "resource": r, "starts_at": s, "ends_at": e}
        for wid, r, s, e in seeded.resources
    ]
    async with db.engine.begin() as conn:
        for table in (WindowService, WindowResource, DeploymentWindow):
            await conn.execute(delete(table))
        for table_, rows in (
            (DeploymentWindow, seeded.windows),
            (WindowService, ws),
            (WindowResource, wr),
        ):
            for i in range(0, len(rows), BATCH):
                await conn.execute(insert(table_), rows[i : i + BATCH])
    async with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE deployment_windows"))
            await conn.execute(text("VACUUM ANALYZE window_services"))
            await conn.execute(text("VACUUM ANALYZE window_resources"))
        else:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    seeded.seconds = time.perf_counter() - began
    return seeded.seconds


def expected_windows(seeded: Seeded, org: Org, view: View) -> int:
    """How many windows the view must show, worked out from the seeded rows."""
    starts = middle(seeded.months)
    ends = starts + view.months * MONTH
    team = org.team_keys.get(view.team_key) if view.team_key else None
    services = set(org.services_of_team[team]) if team else None
    bu = org.bu_keys[view.bu_key] if view.bu_key else None
    return sum(
        1
        for w in seeded.windows
        if w["status"] == "planned"
        and w["starts_at"] < ends
        and w["ends_at"] > starts
        and (bu is None or w["bu_id"] == bu)
        and (services is None or services & set(seeded.services[w["id"]]))
    )


# -- requests and their reference --------------------------------------------------------------


class Statements:
    """Every statement the engine sends while `capturing`, with its parameters."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.capturing = False
        self.sent: list[tuple[str, Any]] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._sent)

    def _sent(self, conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        # The reference replays the request's reads; a write a reader may set off (the
        # ledger's catch-up sweep, an audit seal) is not the view's cost and cannot run twice.
        if self.capturing and statement.lstrip().upper().startswith(READS):
            self.sent.append((statement, params))

    async def of(self, call: Callable[[], Awaitable[bytes]]) -> tuple[bytes, list[tuple[str, Any]]]:
        self.sent, self.capturing = [], True
        try:
            body = await call()
        finally:
            self.capturing = False
        return body, self.sent


def variables(view: View, org: Org, months: int) -> dict[str, Any]:
    from api.graphql.relay import to_global_id

    starts = middle(months)
    given: dict[str, Any] = {
        "from": starts.isoformat(),
        "to": (starts + view.months * MONTH).isoformat(),
    }
    if view.bu_key:
        given["businessUnitId"] = to_global_id("BusinessUnit", org.bu_keys[view.bu_key])
    if view.team_key:
        given["teamId"] = to_global_id("Team", org.team_keys[view.team_key])
    return {"input": given}


async def replayer(url: str) -> tuple[Callable[[list[tuple[str, Any]]], Awaitable[None]], Any]:
    """(replay, close): the statements again on the raw driver, one connection."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.split("///", 1)[1])

        async def replay_sqlite(statements: list[tuple[str, Any]]) -> None:
            for statement, params in statements:
                conn.execute(statement, params).fetchall()

        async def close_sqlite() -> None:
            conn.close()

        return replay_sqlite, close_sqlite
    import asyncpg

    pg = await asyncpg.connect(h.asyncpg_dsn(url))

    async def replay_pg(statements: list[tuple[str, Any]]) -> None:
        for statement, params in statements:
            await pg.fetch(statement, *params)

    return replay_pg, pg.close


@dataclass
class ViewResult:
    view: str
    windows: int
    expected: int
    conflicts: int
    statements: int
    requests: int
    failed: int
    p50_ms: float
    p99_ms: float
    ref_p50_ms: float
    ref_p99_ms: float
    plan: list[str] = field(default_factory=list)


async def timed(
    n: int, call: Callable[[], Awaitable[Any]], budget: float = VIEW_SECONDS
) -> tuple[list[float], int]:
    """Wall ms of up to `n` calls after a warm-up, stopping once `budget` seconds are spent
    (at least MIN_SAMPLES); and how many failed (a 504 past the request deadline, say)."""
    for _ in range(min(3, n)):
        with suppress(RuntimeError):
            await call()
    samples, failed = [], 0
    deadline = time.monotonic() + budget
    for i in range(n):
        if i >= MIN_SAMPLES and time.monotonic() > deadline:
            break
        began = time.perf_counter()
        try:
            await call()
        except RuntimeError:
            failed += 1
            continue
        samples.append(1000 * (time.perf_counter() - began))
    return samples, failed


async def measure_view(
    app: Any,
    statements: Statements,
    url: str,
    data_dir: Path,
    view: View,
    org: Org,
    months: int,
    expected: int,
    requests: int,
) -> ViewResult:
    from bench.graphql_bench import mint_token
    from bench.profile_graphql import asgi_call

    body = orjson.dumps({"query": CALENDAR_QUERY, "variables": variables(view, org, months)})
    call = asgi_call(app, body, mint_token(data_dir, view.username))
    await call()  # the person's first request: caches, statement compilation
    answer, sent = await statements.of(call)
    if os.environ.get("BENCH_SHOW_STATEMENTS"):
        for statement, _ in sent:
            print("   ", " ".join(statement.split())[:160], file=sys.stderr)
    payload = orjson.loads(answer)
    if payload.get("errors"):
        raise RuntimeError(f"{view.name}: {payload['errors']}")
    found = payload["data"]["calendar"]
    samples, failed = await timed(requests, call)
    replay, close = await replayer(url)
    try:
        reference, _ = await timed(len(samples) + failed, lambda: replay(sent))
    finally:
        await close()
    return ViewResult(
        view=view.name,
        windows=len(found["windows"]),
        expected=expected,
        conflicts=len(found["conflicts"]),
        statements=len(sent),
        requests=len(samples),
        failed=failed,
        p50_ms=h.percentile(samples, 50),
        p99_ms=h.percentile(samples, 99),
        ref_p50_ms=h.percentile(reference, 50),
        ref_p99_ms=h.percentile(reference, 99),
        plan=await windows_plan(url, sent) if url.startswith("postgresql") else [],
    )


async def windows_plan(url: str, sent: list[tuple[str, Any]]) -> list[str]:
    """EXPLAIN ANALYZE of the statement that reads the windows of the range."""
    import asyncpg

    statement, params = next(
        (s, p) for s, p in sent if "FROM deployment_windows" in s and "ORDER BY" in s
    )
    conn = await asyncpg.connect(h.asyncpg_dsn(url))
    try:
        rows = await conn.fetch(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + statement, *params
        )
    finally:
        await conn.close()
    return [r[0] for r in rows]


@dataclass
class SizeResult:
    windows: int
    bus: int
    months: int
    seed_seconds: float
    views: list[ViewResult]
    rss_mb: float
    peak_mb: float


async def run(
    url: str, sizes: list[int], requests: int, views: tuple[View, ...] = VIEWS
) -> list[SizeResult]:
    """Seed the demo enterprise once, then each size in turn and measure every view."""
    from api.app import create_app
    from demo.organization import load_demo
    from domain.migrations import upgrade_async

    await upgrade_async(url)
    data_dir = Path(tempfile.mkdtemp(prefix="signalbox-calrange-"))
    os.chmod(data_dir, 0o700)
    app = create_app(h.bench_settings(url, data_dir))  # type: ignore[arg-type]
    runtime = app.state.runtime
    await runtime.start()  # as a server runs: the grant watcher lets it cache who is who
    results = []
    try:
        await load_demo(runtime)
        org = await read_org(runtime.db)
        await add_bus(runtime.db, org, max(shape(n)[0] for n in sizes))
        statements = Statements(runtime.db.engine)
        rng = random.Random(20261207)
        for n in sorted(sizes):
            seeded = windows_of(n, org, rng)
            await store_windows(runtime.db, seeded)
            expected = [expected_windows(seeded, org, v) for v in views]
            bus, months, seconds = seeded.bus, seeded.months, seeded.seconds
            del seeded  # the process's memory is the server's alone from here on
            h.release_free_memory()
            h.reset_peak_memory()
            measured = [
                await measure_view(app, statements, url, data_dir, v, org, months, e, requests)
                for v, e in zip(views, expected, strict=True)
            ]
            memory = h.memory()
            results.append(
                SizeResult(n, bus, months, seconds, measured, memory.rss_mb, memory.peak_mb)
            )
            print(f"  {n:,} windows measured", file=sys.stderr)
    finally:
        await runtime.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    return results


def report(results: list[SizeResult], dialect: str) -> str:
    reference = "asyncpg" if dialect == "postgresql" else "sqlite3"
    rows = []
    for r in results:
        for v in r.views:
            rows.append(
                [
                    f"{r.windows:,}",
                    v.view,
                    f"{v.windows}"
                    + ("" if v.windows == v.expected else f" (expected {v.expected})"),
                    str(v.conflicts),
                    str(v.statements),
                    f"{v.requests}" + (f" ({v.failed} failed)" if v.failed else ""),
                    f"{v.p50_ms:.1f}",
                    f"{v.p99_ms:.1f}",
                    f"{v.ref_p50_ms:.2f}",
                    f"{v.ref_p99_ms:.2f}",
                    f"{v.p50_ms / v.ref_p50_ms:.0f}x",
                ]
            )
    out = h.table(
        [
            "windows in DB",
            "view",
            "windows shown",
            "conflicts",
            "statements",
            "requests",
            "GraphQL p50 ms",
            "p99 ms",
            f"same statements on {reference} p50 ms",
            "p99 ms",
            "ratio p50",
        ],
        rows,
    )
    out += "\n\n" + h.table(
        ["windows in DB", "BUs", "months of history", "seed s", "RSS MiB", "peak RSS MiB"],
        [
            [
                f"{r.windows:,}",
                str(r.bus),
                str(r.months),
                f"{r.seed_seconds:.1f}",
                f"{r.rss_mb:.0f}",
                f"{r.peak_mb:.0f}",
            ]
            for r in results
        ],
    )
    return out


def parse_sizes(text: str) -> list[int]:
    sizes = [int(x) for x in text.split(",") if x.strip()]
    if any(not 1 <= n <= MAX_WINDOWS for n in sizes):
        raise argparse.ArgumentTypeError(f"sizes are 1..{MAX_WINDOWS:,} windows")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10_000, 100_000])
    parser.add_argument("--requests", type=int, default=60, help="per view and size")
    parser.add_argument("--dialect", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--plans", action="store_true", help="print the windows statement's plans")
    parser.add_argument("--quick", action="store_true", help="200 and 2,000 windows, 5 requests")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.requests = [200, 2000], 5
    if not 1 <= args.requests <= 500:
        parser.error("keep it bounded: 1-500 requests")
    started = time.monotonic()
    if args.dialect == "postgresql":
        h.ensure_database()
        h.reset_schema()
        url = h.DATABASE_URL
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='calrange-')}/bench.db"
    results = asyncio.run(run(url, args.sizes, args.requests))
    print(
        f"{args.dialect}, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}, {args.requests} requests per view, "
        f"{time.monotonic() - started:.0f} s in all\n"
    )
    print(report(results, args.dialect))
    if args.plans:
        for r in results:
            for v in r.views:
                if v.plan:
                    print(f"\n{r.windows:,} windows, {v.view}:\n")
                    print("\n".join("    " + line for line in v.plan))


if __name__ == "__main__":
    main()
