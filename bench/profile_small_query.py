"""Where the CPU of one `{ about }` request goes: the fixed cost of the request path.

    .venv/bin/python bench/profile_small_query.py [--requests N] [--registered] [--named]

The in-process companion of small_query_bench.py: the same production settings, rate limits
and empty SQLite database (the demo's `rmo` only), the same body, but the ASGI app called
directly with an in-memory receive/send (profile_graphql.py's `asgi_call`), so no HTTP server,
no load generator and no sockets. Prints CPU ms per request (time.process_time, best of five
runs after a warm-up) and the functions with the most cProfile self time (cProfile inflates
Python-heavy code; read the ranking, not the absolute numbers), and what each middleware layer
adds (the stack called from each layer inward; differences of noisy figures, so rough).

`--registered` asks `query SbAbout { about { name version } }`, the components' trusted
document, which the read cache (api/graphql/read_cache.py) answers after the first ask.
`--named` sends `operationName` too, as most GraphQL clients do.
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
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _harness as h
from bench import graphql_bench as gb
from bench.profile_graphql import asgi_call, package_shares
from bench.small_query_bench import REGISTERED, SMALL_QUERY, _seed_person, production_env

NAMED = "query SbAbout { about { name version } }\n"
"""The registered document's operation, named in `operationName`, in a text not registered."""


async def profile(args: argparse.Namespace, data_dir: Path) -> None:
    from api.app import create_app
    from api.gc_policy import GcPolicy
    from api.settings import Settings

    settings = Settings(env="production", data_dir=data_dir, database_url=None)
    app = create_app(settings)
    runtime = app.state.runtime
    token = gb.mint_token(data_dir)
    ask = {"query": REGISTERED if args.registered else SMALL_QUERY}
    if args.named:  # as most GraphQL clients send it
        ask = {"query": REGISTERED if args.registered else NAMED, "operationName": "SbAbout"}
    body = orjson.dumps(ask)
    request = asgi_call(app, body, token)
    n = args.requests
    await runtime.start()
    GcPolicy.of(settings).at_start()
    try:
        answer = orjson.loads(await request())
        if "errors" in answer or answer["data"]["about"]["name"] != "Signalbox":
            raise SystemExit(f"unexpected answer: {answer!r}")
        runs = await best_of_five(n, request)
        actor = await runtime.authenticator.authenticate(f"Bearer {token}")
        layers = [
            (name, await best_of_five(n, call))
            for name, call in inner_calls(app, body, token, actor)
        ]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            await request()
        profiler.disable()
    finally:
        await runtime.stop()

    kind = "registered SbAbout (read cache)" if args.registered else "ad hoc { about }"
    cache = app.state.read_cache
    print(f"read cache: {cache.hits} hits, {cache.misses} misses", file=sys.stderr)
    each = ", ".join(f"{r:.3f}" for r in runs)
    print(f"{kind}: {min(runs):.3f} ms CPU per request (runs: {each})")
    print()
    print("what each layer adds (the stack called from that layer inward, less the next):")
    for (name, ms), (_, inner) in zip(layers, [*layers[1:], ("", [0.0])], strict=True):
        print(f"  {1000 * (min(ms) - min(inner)):6.1f} us  {name}")
    print()
    for name, share in package_shares(profiler, top=10):
        print(f"  {share:>6}  {name}")
    print()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats(args.sort).print_stats(args.top)
    if args.cprofile:
        profiler.dump_stats(args.cprofile)


async def best_of_five(n: int, request: Callable[[], Awaitable[Any]]) -> list[float]:
    """CPU ms per request of five runs of `n`, after a warm-up of `n // 2`."""
    for _ in range(n // 2):
        await request()
    runs = []
    for _ in range(5):
        gc.collect()
        started = time.process_time()
        for _ in range(n):
            await request()
        runs.append(1000 * (time.process_time() - started) / n)
    return runs


def inner_calls(
    app: Any, body: bytes, token: str, actor: Any
) -> list[tuple[str, Callable[[], Any]]]:
    """The request into each layer of the built middleware stack, outermost first, down to
    the router; what the skipped outer layers put in the scope (actor, request id) is given."""
    layer, layers = app.middleware_stack, []
    while layer is not None:
        layers.append(layer)
        layer = None if type(layer).__name__ == "Router" else getattr(layer, "app", None)

    def entering(layer: Any) -> Any:
        async def call(scope: Any, receive: Any, send: Any) -> None:
            scope["state"].update(actor=actor, request_id="profile")
            scope["app"] = app
            await layer(scope, receive, send)

        return call

    return [(type(layer).__name__, asgi_call(entering(layer), body, token)) for layer in layers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per run")
    parser.add_argument("--registered", action="store_true", help="ask the registered SbAbout")
    parser.add_argument(
        "--named", action="store_true", help="send the operation's name (`operationName`) too"
    )
    parser.add_argument("--top", type=int, default=30, help="functions to list")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumtime)")
    parser.add_argument("--cprofile", help="also write the cProfile stats to this file")
    args = parser.parse_args()
    if not 10 <= args.requests <= 20000:
        parser.error("keep it bounded: 10-20000 requests")
    data_dir = h.private_data_dir()
    os.environ.update(production_env())
    os.environ["SIGNALBOX_LOG_LEVEL"] = "WARNING"
    _seed_person(data_dir)
    asyncio.run(profile(args, data_dir))


if __name__ == "__main__":
    main()
