"""Small query vs plain Starlette: what the request path costs when the query does no work.

    .venv/bin/python bench/small_query_bench.py [--duration 10] [--rounds 3] [--connections 10]

Starts, each under uvicorn with one worker on 127.0.0.1: the real Signalbox app (`signalbox
serve`, production settings, log level WARNING, an empty migrated SQLite database in a temp
dir: the query reads nothing) and reference_server.py --mode about, a plain Starlette endpoint
that reads and parses the same POST body, parses the Authorization header and returns the same
JSON. A third server, the same plain endpoint verifying the ES256 bearer token with
Signalbox's local issuer key, shows what signature verification alone costs. Checks all three
answer the same JSON, drives each with the same load generator (wrk, one thread; or
bench/_load.py when wrk is missing), alternating round by round, and prints a Markdown table
of each server's median round.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h
from bench.graphql_bench import (
    RESULT_HEADER,
    add_load_arguments,
    check_bounds,
    measure,
    mint_token,
    post,
    result_rows,
    signalbox_argv,
)

SMALL_QUERY = "{ about { name version } }"
REGISTERED = "query SbAbout { about { name version } }"
"""The same question as the components' trusted document `SbAbout` asks it: with `--registered`
Signalbox answers from its read cache (api/graphql/read_cache.py) after the first ask."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_load_arguments(parser)
    parser.add_argument(
        "--registered",
        action="store_true",
        help="ask the components' registered SbAbout (answered from the read cache)",
    )
    args = parser.parse_args()
    check_bounds(parser, args)

    from api.graphql.schema import VERSION

    data_dir = h.private_data_dir()
    # The token names the demo's `rmo`; the SQLite database gets that person and grant.
    _seed_person(data_dir)
    token = mint_token(data_dir)
    body = orjson.dumps({"query": REGISTERED if args.registered else SMALL_QUERY})
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    sb_port, ref_port, jwt_port = h.free_port(), h.free_port(), h.free_port()
    sb_env = {
        **production_env(),
        "SIGNALBOX_DATABASE_URL": "",
        "SIGNALBOX_DATA_DIR": str(data_dir),
        "SIGNALBOX_ENV": "production",
        "SIGNALBOX_LOG_LEVEL": "WARNING",
        "SIGNALBOX_PORT": str(sb_port),
        "SIGNALBOX_WORKERS": "1",
    }
    ref = [h.PYTHON, str(h.BENCH_DIR / "reference_server.py"), "--mode", "about"]
    ref_argv = [*ref, "--port", str(ref_port), "--version", VERSION]
    jwt_argv = [
        *ref,
        "--port",
        str(jwt_port),
        "--version",
        VERSION,
        "--jwt-data-dir",
        str(data_dir),
    ]
    names = ("Signalbox /graphql", "plain Starlette", "plain Starlette + ES256 verify")
    results: dict[str, list[h.LoadResult]] = {name: [] for name in names}
    with (
        h.server("signalbox", signalbox_argv(), port=sb_port, env=sb_env) as sb,
        h.server("reference", ref_argv, port=ref_port) as ref_server,
        h.server("reference-jwt", jwt_argv, port=jwt_port) as jwt_server,
    ):
        servers = dict(zip(names, (sb, ref_server, jwt_server), strict=True))
        answers = {name: post(s.url + "/graphql", body, headers) for name, s in servers.items()}
        expected = {"data": {"about": {"name": "Signalbox", "version": VERSION}}}
        for name, answer in answers.items():
            if answer != expected:
                raise SystemExit(f"{name} answered {answer!r}, not {expected!r}")
        print(f"verified: all answer {orjson.dumps(expected).decode()}", file=sys.stderr)
        measure(servers, results, body, headers, args)
        memory = server_memory(sb.process.pid)

    print(report(results, args))
    print(f"\nSignalbox server memory after the runs: {memory}.")


BENCH_LIMITS = {
    # Production refuses to start without a secret key and an identity provider.
    "SIGNALBOX_ALLOW_LOCAL_ISSUER": "true",
    # The rate limits stay on (their cost is part of the request path) but one caller may send
    # what the load generator sends; a sliding window counter, since a moving window keeps an
    # entry per request in its window (hundreds of thousands here, not a real caller's 600).
    "SIGNALBOX_RATE_LIMIT_STRATEGY": "sliding-window-counter",
    "SIGNALBOX_RATE_LIMIT_PER_SUBJECT": "100000000/minute",
    "SIGNALBOX_RATE_LIMIT_PER_OPERATION": "100000000/minute",
    "SIGNALBOX_RATE_LIMIT_IN_FLIGHT_PER_SUBJECT": "1000",
}


def production_env() -> dict[str, str]:
    """What `signalbox serve` in production needs to start and to take this load; the
    environment's own values win."""
    from cryptography.fernet import Fernet

    wanted = {**BENCH_LIMITS, "SIGNALBOX_SECRET_KEY": Fernet.generate_key().decode()}
    return {name: os.environ.get(name, value) for name, value in wanted.items()}


def server_memory(pid: int) -> str:
    """The server's resident memory now and at its high-water mark (Linux /proc)."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    mib = {k: int(status[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM")}
    return f"RSS {mib['VmRSS']} MiB, high-water {mib['VmHWM']} MiB"


def _seed_person(data_dir: Path) -> None:
    """Migrate the temp SQLite database and load the demo (it holds the user `rmo`)."""
    import asyncio

    from api.composition import build_runtime
    from api.settings import Settings
    from demo.organization import load_demo

    async def run() -> None:
        settings = Settings(
            env="production",
            data_dir=data_dir,
            database_url=None,
            secret_key=production_env()["SIGNALBOX_SECRET_KEY"],
            allow_local_issuer=True,
        )
        runtime = build_runtime(settings)
        try:
            await runtime.start()
            await load_demo(runtime)
        finally:
            await runtime.stop()

    asyncio.run(run())


def report(results: dict[str, list[h.LoadResult]], args: argparse.Namespace) -> str:
    header = [*RESULT_HEADER, "ratio to plain Starlette"]
    note = (
        f"\n\n`{SMALL_QUERY}`; {args.connections} connections, {args.rounds} x "
        f"{args.duration:g} s per server after {args.warmup:g} s warm-up; load generator: "
        f"{h.loader_name()}."
    )
    return h.table(header, result_rows(results, "plain Starlette")) + note


if __name__ == "__main__":
    main()
