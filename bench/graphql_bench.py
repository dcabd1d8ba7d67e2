"""GraphQL throughput: a nested catalogue query vs a plain Starlette reference, as a curve.

    .venv/bin/python bench/graphql_bench.py [--services 10,100,1000] [--duration 10] [--rounds 3]
    .venv/bin/python bench/graphql_bench.py --demo    # the original point: demo + 68 services

The curve (the default): for each size, the schema is rebuilt and seeded with that many
services (5 BUs of 4 teams, the services spread evenly, each with up to two providers) through
the domain services, the catalogue document is registered as a trusted document, and three
targets run in the same rounds: Signalbox with the document sent ad hoc (the normal executor),
Signalbox with it sent by `documentId` (compiled execution, api/graphql/compiled/), and the
reference. Reported per size: req/s, latency, CPU per request, the ratio to the reference, and
each server's resident memory (RSS) after its runs. The catalogue document's static cost
(110,621 at these page sizes) is over the default `graphql_max_cost`, so the server runs with
SIGNALBOX_GRAPHQL_MAX_COST=200000.

--demo, the original point:

Seeds PostgreSQL (SIGNALBOX_BENCH_DATABASE_URL, default the local `signalbox_bench` database;
its schema is dropped and rebuilt by the migrations) with the demo enterprise (32 services)
plus 68 more through the domain services, so that CATALOGUE_QUERY returns 100 services with
their providers. Then it starts, each under uvicorn with one worker on 127.0.0.1, the real
Signalbox app (`signalbox serve`, production settings, log level WARNING) and
reference_server.py --mode catalogue; checks both answer the same JSON; and drives each with
the same load generator (wrk, one thread, in its own process; or bench/_load.py when wrk is
missing), alternating servers round by round. Prints a Markdown table of the median round of
each server.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h

CATALOGUE_QUERY = """
query Catalogue {
  businessUnits(first: 10) {
    nodes {
      id key name
      teams(first: 20) {
        nodes {
          id key name
          services(first: 50) {
            pageInfo { hasNextPage endCursor }
            nodes {
              id key name tier dataClassification regions
              dependsOn { kind service { id key name } }
            }
          }
        }
      }
    }
  }
}
"""

TARGET_SERVICES = 100
CURVE = (10, 100, 1000)
CURVE_BUS, CURVE_TEAMS_PER_BU = 5, 4
MAX_COST = 200_000
"""Over the catalogue document's static cost (110,621): the default limit refuses it."""
TIERS = ("critical", "customer_facing", "internal")
CLASSIFICATIONS = ("public", "internal", "confidential", "personal", "restricted")
REGIONS = (["eu-west-1"], ["eu-central-1"], ["eu-west-1", "us-east-1"])
KINDS = ("runtime", "data", "build")


def seed(url: str, data_dir: Path) -> None:
    """Migrate, then load the demo and more services (100 in all) through the domain services."""
    from domain.migrations import upgrade

    upgrade(url)
    asyncio.run(_seed(url, data_dir))


async def _seed(url: str, data_dir: Path) -> None:
    from api.composition import build_runtime
    from demo.organization import TEAMS, load_demo
    from domain.organization import commands as cmd
    from domain.organization import repository as repo
    from domain.organization import service as svc

    runtime = build_runtime(production_settings(url, data_dir))
    try:
        await load_demo(runtime)
        async with runtime.db.read_session() as s:
            teams = {
                t.key: t.id
                for t in (
                    await repo.teams_page(s, _everywhere(), bu_id=None, first=50, after=None)
                ).items
            }
            demo = [
                r.id
                for r in (
                    await repo.services_page(
                        s, _everywhere(), bu_id=None, team_id=None, tier=None, first=100, after=None
                    )
                ).items
            ]
        team_keys = list(TEAMS)
        async with runtime.system_unit_of_work() as uow:
            for i in range(TARGET_SERVICES - len(demo)):
                team_key = team_keys[i % len(team_keys)]
                service = await svc.create_service(
                    uow,
                    cmd.CreateService(
                        team_id=teams[team_key],
                        key=f"{team_key}-worker-{i:02d}",
                        name=f"{team_key.title()} Worker {i:02d}",
                        tier=TIERS[i % len(TIERS)],
                        data_classification=CLASSIFICATIONS[i % len(CLASSIFICATIONS)],
                        regions=REGIONS[i % len(REGIONS)],
                    ),
                )
                providers = dict.fromkeys(
                    [demo[(i * 7) % len(demo)], demo[(i * 13 + 5) % len(demo)]]
                )
                for n, provider in enumerate(providers):
                    await svc.add_dependency(
                        uow,
                        cmd.AddDependency(
                            consumer_id=service.id, provider_id=provider, kind=KINDS[(i + n) % 3]
                        ),
                    )
            await uow.commit()
    finally:
        await runtime.stop()


def seed_curve(url: str, data_dir: Path, services: int) -> None:
    """Migrate, then seed `services` services (and the org admin `rmo`), and register the
    catalogue document."""
    from domain.migrations import upgrade

    upgrade(url)
    asyncio.run(_seed_curve(url, data_dir, services))


async def _seed_curve(url: str, data_dir: Path, n_services: int) -> None:
    from api.composition import build_runtime
    from domain.organization import commands as cmd
    from domain.organization import identity
    from domain.organization import service as svc
    from domain.organization.documents import register_document

    runtime = build_runtime(production_settings(url, data_dir))
    try:
        async with runtime.system_unit_of_work() as uow:
            person = await identity.create_person(
                uow,
                cmd.CreatePerson(username="rmo", display_name="RMO", kind="human"),
                issuer=runtime.authenticator.issuer,
            )
            await identity.grant_role(
                uow, cmd.GrantRole(person_id=person.id, role="org_admin", bu_id=None)
            )
            teams = []
            for b in range(CURVE_BUS):
                bu = await svc.create_business_unit(
                    uow, cmd.CreateBusinessUnit(key=f"bu-{b:02d}", name=f"Business unit {b}")
                )
                for t in range(CURVE_TEAMS_PER_BU):
                    teams.append(
                        await svc.create_team(
                            uow, cmd.CreateTeam(bu_id=bu.id, key=f"team-{b}-{t}", name=f"Team {t}")
                        )
                    )
            made: list[Any] = []
            for i in range(n_services):
                service = await svc.create_service(
                    uow,
                    cmd.CreateService(
                        team_id=teams[i % len(teams)].id,
                        key=f"service-{i:04d}",
                        name=f"Service {i:04d}",
                        tier=TIERS[i % len(TIERS)],
                        data_classification=CLASSIFICATIONS[i % len(CLASSIFICATIONS)],
                        regions=REGIONS[i % len(REGIONS)],
                    ),
                )
                providers = dict.fromkeys(p.id for p in (made[i // 2 :: 7][:1] + made[-1:]))
                for n, provider in enumerate(providers):
                    await svc.add_dependency(
                        uow,
                        cmd.AddDependency(
                            consumer_id=service.id, provider_id=provider, kind=KINDS[(i + n) % 3]
                        ),
                    )
                made.append(service)
            await register_document(uow, "bench catalogue", CATALOGUE_QUERY)
            await uow.commit()
    finally:
        await runtime.stop()


def _everywhere() -> Any:
    from domain.kernel.access import Scope

    return Scope(everywhere=True)


def mint_token(data_dir: Path, username: str = "rmo") -> str:
    """A bearer token from the same local issuer key the server uses (`signalbox token create`)."""
    from datetime import UTC, datetime

    from authz.local_issuer import LocalIssuer

    issuer = LocalIssuer.load_or_create(data_dir)
    return issuer.mint(
        username, username=username, name=username, ttl=timedelta(hours=2), now=datetime.now(UTC)
    )


SECRET_KEY = Fernet.generate_key().decode()
"""Production refuses to start without one (api/startup.py); one per bench run."""


def production_settings(url: str, data_dir: Path) -> Any:
    """The settings the seeding runtime uses: production, as the server runs."""
    from api.settings import Settings

    return Settings(
        env="production",
        database_url=url,
        data_dir=data_dir,
        auto_migrate=False,
        secret_key=SECRET_KEY,
        allow_local_issuer=True,
    )


READ_CACHE_SECONDS = "0"
"""The read cache of registered documents (api/graphql/read_cache.py): off unless
`--read-cache` says otherwise, so "registered" measures the compiled plan, not a kept answer
(the load generator asks the same question again and again: every ask would be a hit)."""


def signalbox_env(url: str, data_dir: Path, port: int) -> dict[str, str]:
    return {
        "SIGNALBOX_READ_CACHE_SECONDS": READ_CACHE_SECONDS,
        "SIGNALBOX_SECRET_KEY": SECRET_KEY,
        "SIGNALBOX_ALLOW_LOCAL_ISSUER": "true",
        "SIGNALBOX_GRAPHQL_MAX_COST": str(MAX_COST),
        # One caller at full speed: the per-caller fairness limits (8 requests in flight, 600
        # a minute) would answer most of the load with 429s. Measured: the work, not the refusal.
        "SIGNALBOX_RATE_LIMIT_ENABLED": "false",
        "SIGNALBOX_DATABASE_URL": url,
        "SIGNALBOX_DATA_DIR": str(data_dir),
        "SIGNALBOX_ENV": "production",
        "SIGNALBOX_LOG_LEVEL": "WARNING",
        "SIGNALBOX_PORT": str(port),
        "SIGNALBOX_WORKERS": "1",
    }


def signalbox_argv() -> list[str]:
    return [h.PYTHON, "-m", "api.cli", "serve"]


def service_keys(payload: dict[str, Any]) -> list[str]:
    return [
        s["key"]
        for bu in payload["data"]["businessUnits"]["nodes"]
        for team in bu["teams"]["nodes"]
        for s in team["services"]["nodes"]
    ]


def post(url: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    response = httpx.post(url, content=body, headers=headers, timeout=10)
    response.raise_for_status()
    return orjson.loads(response.content)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_load_arguments(parser)
    parser.add_argument("--no-seed", action="store_true", help="reuse the seeded database")
    parser.add_argument("--demo", action="store_true", help="the demo point, not the curve")
    parser.add_argument(
        "--services",
        default=",".join(map(str, CURVE)),
        help="the curve's sizes, comma-separated (each at most 1000)",
    )
    parser.add_argument(
        "--read-cache",
        type=float,
        default=0.0,
        help="SIGNALBOX_READ_CACHE_SECONDS for Signalbox (0: off, the compiled plan measured)",
    )
    args = parser.parse_args()
    check_bounds(parser, args)
    global READ_CACHE_SECONDS
    READ_CACHE_SECONDS = f"{args.read_cache:g}"
    sizes = [int(x) for x in args.services.split(",")]
    if not all(1 <= n <= 1000 for n in sizes):
        parser.error("each size between 1 and 1000 services")
    if args.demo:
        demo_point(args)
        return
    url = h.DATABASE_URL
    h.ensure_database(url)
    points = []
    for n in sizes:
        data_dir = _data_dir()
        h.reset_schema(url)
        seed_curve(url, data_dir, n)
        points.append((n, *curve_point(url, data_dir, n, args)))
    print(curve_report(points, args))


def _data_dir() -> Path:
    data_dir = h.private_data_dir()
    return data_dir


Point = tuple[dict[str, list[h.LoadResult]], dict[str, float], int]


def curve_point(url: str, data_dir: Path, n: int, args: argparse.Namespace) -> Point:
    """The three targets at one size, measured in the same rounds; their RSS (MiB) after."""
    from domain.organization.documents import document_id

    token = mint_token(data_dir)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    # The same document under another name: a text nobody registered, so the normal executor
    # (the registered text sent as `query` counts as registered, and is compiled too).
    ad_hoc_text = CATALOGUE_QUERY.replace("query Catalogue", "query CatalogueAdHoc")
    ad_hoc = orjson.dumps({"query": ad_hoc_text, "operationName": "CatalogueAdHoc"})
    registered = orjson.dumps(
        {"documentId": document_id(CATALOGUE_QUERY), "operationName": "Catalogue"}
    )
    sb_port, ref_port = h.free_port(), h.free_port()
    ref_argv = [h.PYTHON, str(h.BENCH_DIR / "reference_server.py"), "--mode", "catalogue"]
    ref_argv += ["--port", str(ref_port), "--dsn", h.asyncpg_dsn(url)]
    with (
        h.server(
            "signalbox", signalbox_argv(), port=sb_port, env=signalbox_env(url, data_dir, sb_port)
        ) as sb,
        h.server("reference", ref_argv, port=ref_port) as ref,
    ):
        targets = [
            ("Signalbox, ad hoc", sb, ad_hoc),
            ("Signalbox, registered", sb, registered),
            ("reference", ref, ad_hoc),
        ]
        answers = {name: post(s.url + "/graphql", body, headers) for name, s, body in targets}
        first = answers["reference"]
        for name, answer in answers.items():
            if answer != first:
                raise SystemExit(f"{name} answers other JSON than the reference: {answer}")
        if len(service_keys(first)) != n:
            raise SystemExit(f"{len(service_keys(first))} services returned, not {n}")
        size = len(orjson.dumps(first))
        print(f"{n} services: all three answer the same JSON ({size:,} bytes)", file=sys.stderr)
        results = measure_targets(targets, headers, args)
        rss = {"Signalbox": rss_mib(sb.process.pid), "reference": rss_mib(ref.process.pid)}
    return results, rss, size


def rss_mib(pid: int) -> float:
    """A process's resident memory now, in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def curve_report(
    points: list[tuple[int, dict[str, list[h.LoadResult]], dict[str, float], int]],
    args: argparse.Namespace,
) -> str:
    header = ["services", "bytes", *RESULT_HEADER, "ratio to reference", "server RSS MiB after"]
    rows = []
    for n, results, rss, size in points:
        for row in result_rows(results, "reference"):
            process = "reference" if row[0] == "reference" else "Signalbox"
            rows.append([str(n), f"{size:,}", *row, f"{rss[process]:.0f}"])
    note = (
        f"\n\n{args.connections} connections, {args.rounds} x {args.duration:g} s per target "
        f"after {args.warmup:g} s warm-up, targets alternating round by round; load "
        f"generator: {h.loader_name()}. RSS read after the runs (ad hoc and registered share "
        "the Signalbox process)."
    )
    return h.table(header, rows) + note


def demo_point(args: argparse.Namespace) -> None:
    """The original point: the demo enterprise plus 68 services, ad hoc, vs the reference."""
    url = h.DATABASE_URL
    data_dir = h.private_data_dir()
    h.ensure_database(url)
    if not args.no_seed:
        h.reset_schema(url)
        seed(url, data_dir)
    token = mint_token(data_dir)
    body = orjson.dumps({"query": CATALOGUE_QUERY, "operationName": "Catalogue"})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    sb_port, ref_port = h.free_port(), h.free_port()
    ref_argv = [h.PYTHON, str(h.BENCH_DIR / "reference_server.py"), "--mode", "catalogue"]
    ref_argv += ["--port", str(ref_port), "--dsn", h.asyncpg_dsn(url)]
    sb_env = signalbox_env(url, data_dir, sb_port)
    results: dict[str, list[h.LoadResult]] = {"Signalbox": [], "reference": []}
    with (
        h.server("signalbox", signalbox_argv(), port=sb_port, env=sb_env) as sb,
        h.server("reference", ref_argv, port=ref_port) as ref,
    ):
        servers = {"Signalbox": sb, "reference": ref}
        answers = {name: post(s.url + "/graphql", body, headers) for name, s in servers.items()}
        if "errors" in answers["Signalbox"]:
            raise SystemExit(f"Signalbox answered errors: {answers['Signalbox']['errors']}")
        keys = {name: service_keys(a) for name, a in answers.items()}
        if keys["Signalbox"] != keys["reference"]:
            raise SystemExit("the servers disagree on the services returned")
        if answers["Signalbox"] != answers["reference"]:
            raise SystemExit("the servers return the same services but different JSON")
        n_services = len(keys["Signalbox"])
        if n_services != TARGET_SERVICES:
            raise SystemExit(f"{n_services} services returned, not {TARGET_SERVICES}")
        size = len(orjson.dumps(answers["Signalbox"]))
        print(
            f"verified: both return the same JSON ({n_services} services, "
            f"{count_links(answers['Signalbox'])} dependsOn links, {size:,} bytes)",
            file=sys.stderr,
        )
        measure(servers, results, body, headers, args)

    print(report(results, args, n_services, size))


def count_links(payload: dict[str, Any]) -> int:
    return sum(
        len(s["dependsOn"])
        for bu in payload["data"]["businessUnits"]["nodes"]
        for t in bu["teams"]["nodes"]
        for s in t["services"]["nodes"]
    )


def measure(
    servers: dict[str, h.Server],
    results: dict[str, list[h.LoadResult]],
    body: bytes,
    headers: dict[str, str],
    args: argparse.Namespace,
) -> None:
    """Warm every server up, then measure them in turn, round by round."""
    targets = [(name, s, body) for name, s in servers.items()]
    for name, runs in measure_targets(targets, headers, args).items():
        results[name].extend(runs)


def measure_targets(
    targets: list[tuple[str, h.Server, bytes]],
    headers: dict[str, str],
    args: argparse.Namespace,
) -> dict[str, list[h.LoadResult]]:
    """Warm every target (a server and the body sent to it) up, then measure them in turn,
    round by round."""
    results: dict[str, list[h.LoadResult]] = {name: [] for name, _, _ in targets}
    for _, s, body in targets:
        h.load(
            s.url + "/graphql",
            body,
            headers,
            duration=args.warmup,
            connections=args.connections,
            server_pid=s.process.pid,
        )
    for round_ in range(args.rounds):
        for name, s, body in targets:
            h.wait_for_quiet(limit=args.quiet_wait)
            r = h.load(
                s.url + "/graphql",
                body,
                headers,
                duration=args.duration,
                connections=args.connections,
                server_pid=s.process.pid,
            )
            if r.non_2xx or r.errors:
                raise SystemExit(f"{name}: {r.non_2xx} non-2xx answers, {r.errors} errors")
            results[name].append(r)
            print(
                f"round {round_ + 1} {name}: {r.rps:,.1f} req/s, server {r.server_cpu:.2f} "
                f"cores, machine {r.machine_busy:.2f} cores busy",
                file=sys.stderr,
            )
    return results


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of warm-up per server")
    parser.add_argument("--rounds", type=int, default=3, help="measured runs per server")
    parser.add_argument("--connections", type=int, default=10, help="concurrent connections")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        help="before each run, wait up to this many seconds for an idle machine",
    )


def check_bounds(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not 1 <= args.rounds <= 10 or not 1 <= args.duration <= 60 or args.quiet_wait > 120:
        parser.error("keep it bounded: 1-10 rounds of 1-60 s, at most 120 s of waiting")


def pick_median(runs: list[h.LoadResult]) -> h.LoadResult:
    return sorted(runs, key=lambda r: r.rps)[len(runs) // 2]


RESULT_HEADER = [
    "server",
    "req/s (median run)",
    "p50 ms",
    "p99 ms",
    "server CPU ms/req",
    "cores busy: server / machine",
    "req/s of each run",
]


def result_rows(results: dict[str, list[h.LoadResult]], reference: str) -> list[list[str]]:
    ref = pick_median(results[reference])
    rows = []
    for name, runs in results.items():
        r = pick_median(runs)
        rows.append(
            [
                name,
                f"{r.rps:,.0f}",
                f"{r.p50_ms:.1f}",
                f"{r.p99_ms:.1f}",
                f"{1000 * r.server_cpu / r.rps:.2f}",
                f"{r.server_cpu:.2f} / {r.machine_busy:.2f}",
                " / ".join(f"{x.rps:,.0f}" for x in runs),
                f"{r.rps / ref.rps:.3f}",
            ]
        )
    return rows


def report(
    results: dict[str, list[h.LoadResult]], args: argparse.Namespace, n_services: int, size: int
) -> str:
    header = [*RESULT_HEADER, "ratio to reference"]
    note = (
        f"\n\n{n_services} services per response ({size:,} bytes); "
        f"{args.connections} connections, {args.rounds} x {args.duration:g} s per server "
        f"after {args.warmup:g} s warm-up; load generator: {h.loader_name()}."
    )
    return h.table(header, result_rows(results, "reference")) + note


if __name__ == "__main__":
    main()
