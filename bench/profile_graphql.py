"""Where the CPU of one catalogue request goes, in this process, without HTTP or a load generator.

    .venv/bin/python bench/profile_graphql.py [--requests 200] [--no-seed] [--cprofile FILE]

Needs the database graphql_bench.py seeds (seeds it unless --no-seed). Times, in CPU ms per
request (time.process_time, so other load on the machine matters less than for wall time):

- the whole request through the Signalbox ASGI app (middleware, auth, GraphQL, SQL, JSON),
  called directly with an in-memory receive/send;
  the catalogue's text is a registered document, so this is its compiled plan
  (api/graphql/compiled/); the parts below are the normal executor's;
- its parts, each alone: bearer-token authentication; validating the query document (what
  strawberry's ValidationCache should make a one-off); the four read use cases the loaders run,
  through SQLAlchemy sessions as the loaders open them, and the same four statements on raw
  asyncpg; executing the query with those use cases answered from memory;
- garbage collection during the whole requests (gc.callbacks), by generation.

The parts overlap (collections happen inside the others; schema.execute validates again on
every request while its validation cache misses), so they do not add up to the whole.

Then prints CPU self time by package from cProfile over the whole requests (cProfile inflates
Python-heavy code; read the shares, not the absolute numbers).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h
from bench import graphql_bench as gb
from bench import reference_server as ref


def cpu_ms(n: int, started: float) -> float:
    return 1000 * (time.process_time() - started) / n


async def timed(n: int, fn: Callable[[], Awaitable[Any]]) -> float:
    for _ in range(5):
        await fn()
    gc.collect()
    started = time.process_time()
    for _ in range(n):
        await fn()
    return cpu_ms(n, started)


class GcClock:
    """Collections and the time they took, per generation, while installed."""

    def __init__(self) -> None:
        self.count = Counter[int]()
        self.seconds = Counter[int]()
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.count[info["generation"]] += 1
            self.seconds[info["generation"]] += time.perf_counter() - self._start


def asgi_call(app: Any, body: bytes, token: str) -> Callable[[], Awaitable[bytes]]:
    """One POST /graphql straight into the ASGI app; returns the response body."""
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"authorization", f"Bearer {token}".encode()),
    ]

    async def call() -> bytes:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "state": {},
        }
        sent = False
        chunks: list[bytes] = []
        status: list[int] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(scope, receive, send)
        if status != [200]:
            raise RuntimeError(f"status {status}: {b''.join(chunks)[:300]!r}")
        return b"".join(chunks)

    return call


async def profile(args: argparse.Namespace, data_dir: Path) -> None:
    from api.app import create_app
    from api.gc_policy import GcPolicy
    from api.graphql.context import Context
    from api.settings import Settings
    from domain.kernel.reader import Reader
    from domain.organization import queries as org

    # What the graphql bench's server runs with (a secret key, the local issuer, the cost limit
    # the catalogue needs, rate limits off): production refuses to start without the first two.
    wanted = gb.signalbox_env(h.DATABASE_URL, data_dir, 0)
    os.environ.update({k: v for k, v in wanted.items() if k not in os.environ})
    settings = Settings(
        env="production", database_url=h.DATABASE_URL, data_dir=data_dir, auto_migrate=False
    )
    app = create_app(settings)
    runtime = app.state.runtime
    token = gb.mint_token(data_dir)
    body = orjson.dumps({"query": gb.CATALOGUE_QUERY})
    n = args.requests
    rows: list[tuple[str, float]] = []
    await runtime.start()
    GcPolicy.of(settings).at_start()  # as the server's lifespan does (api/gc_policy.py)
    try:
        request = asgi_call(app, body, token)
        answer = orjson.loads(await request())
        if "errors" in answer or len(gb.service_keys(answer)) != gb.TARGET_SERVICES:
            raise SystemExit(f"unexpected answer: {str(answer)[:300]}")

        clock = GcClock()
        gc.callbacks.append(clock)
        rows.append(("whole request through the ASGI app", await timed(n, request)))
        gc.callbacks.remove(clock)

        actor = await runtime.authenticator.authenticate(f"Bearer {token}")
        rows.append(
            (
                "  authentication (ES256 verify; person cached)",
                await timed(n, lambda: runtime.authenticator.authenticate(f"Bearer {token}")),
            )
        )

        from graphql import parse, validate

        schema = app.router.routes[0].endpoint.__self__.schema  # the endpoint's schema
        document = parse(gb.CATALOGUE_QUERY)
        graphql_schema = schema._schema

        async def validate_once() -> None:
            validate(graphql_schema, document)

        rows.append(
            ("  validating the document (graphql-core rules)", await timed(n, validate_once))
        )

        def reader(session: Any) -> Reader:
            return Reader(session, actor, runtime.authorizer)

        async def use_cases() -> tuple[Any, ...]:
            async with runtime.db.read_session() as s:
                bus = await org.business_units(reader(s), first=10, after=None)
            async with runtime.db.read_session() as s:
                ids = [b.id for b in bus.items]
                teams = await org.teams_of_bus(reader(s), ids, first=20, after=None)
            pairs = [(t.id, t.bu_id) for p in teams.values() for t in p.items]
            async with runtime.db.read_session() as s:
                services = await org.services_of_teams(reader(s), pairs, first=50, after=None)
            ids = [x.id for p in services.values() for x in p.items]
            async with runtime.db.read_session() as s:
                links = await org.dependency_links(reader(s), ids, direction="provider")
            return bus, teams, services, links

        rows.append(
            ("  the 4 read use cases via SQLAlchemy (4 sessions)", await timed(n, use_cases))
        )

        import asyncpg

        pool = await asyncpg.create_pool(h.asyncpg_dsn(h.DATABASE_URL), min_size=1, max_size=1)

        async def raw() -> None:
            async with pool.acquire() as conn:
                bus = (await conn.fetch(ref.BUS_SQL, 11))[:10]
                teams = await conn.fetch(ref.TEAMS_SQL, [b["id"] for b in bus], 21)
                services = await conn.fetch(ref.SERVICES_SQL, [t["id"] for t in teams], 51)
                await conn.fetch(ref.PROVIDERS_SQL, [s["id"] for s in services])

        rows.append(("  (same 4 statements on raw asyncpg, for scale)", await timed(n, raw)))
        await pool.close()

        bus, teams, services, links = await use_cases()
        memory = {
            "business_units": lambda r, **k: bus,
            "teams_of_bus": lambda r, ids, **k: {i: teams[i] for i in ids},
            "services_of_teams": lambda r, pairs, **k: {t: services[t] for t, _ in pairs},
            "dependency_links": lambda r, ids, **k: {i: links.get(i, []) for i in ids},
        }
        saved = {name: getattr(org, name) for name in memory}
        saved_read = Context.read

        @asynccontextmanager
        async def no_session(self: Context) -> AsyncIterator[None]:
            yield None

        def answer_from(fn: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
            async def use_case(*a: Any, **k: Any) -> Any:
                return fn(*a, **k)

            return use_case

        for name, fn in memory.items():
            setattr(org, name, answer_from(fn))
        Context.read = no_session  # type: ignore[method-assign, assignment]
        try:

            async def execute() -> None:
                context = Context(request=None, runtime=runtime, actor=actor, request_id="b")  # type: ignore[arg-type]
                result = await schema.execute(gb.CATALOGUE_QUERY, context_value=context)
                assert not result.errors, result.errors

            part = "  schema.execute (parse cache, validation, execution), data from memory"
            try:
                rows.append((part, await timed(n, execute)))
            except AssertionError:  # the loaders bound the use cases at import: not patched
                print(f"skipped:{part}", file=sys.stderr)
        finally:
            for name, fn in saved.items():
                setattr(org, name, fn)
            Context.read = saved_read  # type: ignore[method-assign]

        for gen in (0, 1, 2):
            if clock.count[gen]:
                rows.append(
                    (
                        f"  GC generation {gen}: {clock.count[gen] / n:.2f} collections/request",
                        1000 * clock.seconds[gen] / n,
                    )
                )

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(max(n // 4, 20)):
            await request()
        profiler.disable()
    finally:
        await runtime.stop()

    print(h.table(["part (CPU per catalogue request)", "ms"], [[p, f"{ms:.2f}"] for p, ms in rows]))
    print()
    print(h.table(["package (cProfile self time)", "share"], package_shares(profiler)))
    if args.cprofile:
        profiler.dump_stats(args.cprofile)


def package_shares(profiler: cProfile.Profile, top: int = 12) -> list[list[str]]:
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    shares: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        shares[_package(filename)] += tottime
    total = sum(shares.values())
    return [[name, f"{100 * t / total:.1f}%"] for name, t in shares.most_common(top)]


def _package(filename: str) -> str:
    if filename == "~":
        return "built-ins (C: sockets, isinstance, ...)"
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in filename:
            rest = filename.split(marker, 1)[1].split("/")
            if rest[0] == "graphql" and len(rest) > 2:
                return f"graphql-core ({rest[1]})"
            return rest[0].removesuffix(".py") + (" (stdlib)" if "site-" not in marker else "")
    root = str(h.REPO_ROOT) + "/"
    if filename.startswith(root):
        return "signalbox " + "/".join(filename[len(root) :].split("/")[:2])
    return filename


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per measurement")
    parser.add_argument("--no-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument("--cprofile", help="also write the cProfile stats to this file")
    args = parser.parse_args()
    if not 10 <= args.requests <= 2000:
        parser.error("keep it bounded: 10-2000 requests")
    data_dir = h.private_data_dir()
    h.ensure_database()
    if not args.no_seed:
        h.reset_schema()
        gb.seed(h.DATABASE_URL, data_dir)
    asyncio.run(profile(args, data_dir))


if __name__ == "__main__":
    main()
