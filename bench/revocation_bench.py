"""How long a revocation made on one worker takes to be honoured by another, through blips.

    .venv/bin/python bench/revocation_bench.py [--rounds 5] [--restart 1]

Two workers (two apps in this process, each with its own engine, grant watcher and caches) on
a throwaway PostgreSQL cluster of their own (root and the PostgreSQL server binaries, like
bench/idempotency_outage_bench.py). Each round gives a new person a BU_ADMIN grant, a JWT and
an API token, warms worker B's caches with all three, disturbs the network, then has worker A
revoke the token, deactivate the person or revoke the grant (retried until A answers, since A
may be reconnecting too). From A's answer on, B is asked every 10 ms until it refuses. Reported
per disturbance and kind: the worst time to the first refusal, how many requests B still
accepted after A had answered (the product promises refusal within 2 s; the target is 0), and
the worst time from the end of the disturbance until B's grant watcher was current again
(until then B checks every request against the database).

Disturbances: none (notification path), the grant listeners killed (pg_terminate_backend by
application_name), PostgreSQL restarted (stopped, `--restart` seconds, started).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' app and cluster
from api.settings import Settings
from demo.organization import load_demo
from tests.api.conftest import Api, serving, settings_for
from tests.api.test_revocation_across_processes import (
    KILL_GRANT_LISTENERS,
    Person,
    accepted,
    deactivate,
    may_administer,
    revoke_grant,
    revoke_token,
    someone,
    until_current,
    warmed,
)
from tests.support.pg_cluster import Cluster, cluster_unavailable, throwaway_cluster

POLL_EVERY = 0.01
GIVE_UP_AFTER = 30.0

Revoke = Callable[[Api, Person], Awaitable[None]]
Probe = Callable[[Api, Person], Awaitable[bool]]
KINDS: dict[str, tuple[Revoke, Probe]] = {
    "API token revoked": (revoke_token, lambda b, p: accepted(b, p.api_token)),
    "person deactivated (JWT)": (deactivate, lambda b, p: accepted(b, p.jwt)),
    "role grant revoked": (revoke_grant, lambda b, p: may_administer(b, p, p.jwt)),
}


async def answered(call: Callable[[], Awaitable[object]]) -> None:
    """Retry while the database is away (A answers 503 or the call fails), bounded."""
    deadline = time.monotonic() + GIVE_UP_AFTER
    while True:
        try:
            await call()
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def disturb(how: str, a: Api, cluster: Cluster, restart: float) -> None:
    if how == "listeners killed":
        async with a.runtime.db.engine.connect() as conn:
            await conn.execute(KILL_GRANT_LISTENERS)
    elif how == "PostgreSQL restarted":
        await asyncio.to_thread(cluster.stop)
        await asyncio.sleep(restart)
        await asyncio.to_thread(cluster.start)


async def round_(
    how: str, kind: str, a: Api, b: Api, cluster: Cluster, restart: float
) -> tuple[float, int, float]:
    revoke, probe = KINDS[kind]
    person = await someone(a)
    await until_current(b)  # so that B's caches hold what it is asked (they are used then)
    await warmed(b, person)
    await disturb(how, a, cluster, restart)
    disturbed = time.monotonic()
    await answered(lambda: revoke(a, person))
    since = time.monotonic()
    still_accepted = 0
    while True:
        try:
            if not await probe(b, person):
                refused = time.monotonic() - since
                await until_current(b)
                return refused, still_accepted, time.monotonic() - disturbed
            still_accepted += 1
        except AssertionError:
            pass  # B answered 503: not accepted, not yet refused either
        if time.monotonic() - since > GIVE_UP_AFTER:
            return float("inf"), still_accepted, float("inf")
        await asyncio.sleep(POLL_EVERY)


async def run(rounds: int, restart: float, cluster: Cluster, data: Path) -> None:
    # The production lease, not the tests' longer one.
    lease = Settings.model_fields["revocation_lease_seconds"].default
    kw = {"db_pool_timeout_seconds": 1, "revocation_lease_seconds": lease}
    async with serving(settings_for(cluster.url, data, auto_migrate=True, **kw)) as a:
        await load_demo(a.runtime)
        async with serving(settings_for(cluster.url, data, **kw)) as b:
            print(f"{platform.node()} {platform.python_version()} load {os.getloadavg()[0]:.1f}")
            print(
                f"{'disturbance':<22} {'revocation':<26} {'refused in s':>12}"
                f" {'accepted after':>15} {'current again in s':>19}"
            )
            for how in ("none", "listeners killed", "PostgreSQL restarted"):
                for kind in KINDS:
                    results = [
                        await round_(how, kind, a, b, cluster, restart) for _ in range(rounds)
                    ]
                    worst = max(r[0] for r in results)
                    extra = max(r[1] for r in results)
                    current = max(r[2] for r in results)
                    print(f"{how:<22} {kind:<26} {worst:>12.3f} {extra:>15} {current:>19.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--restart", type=float, default=1.0)
    args = parser.parse_args()
    why = cluster_unavailable()
    if why is not None:
        raise SystemExit(f"the revocation bench {why}")
    with (
        throwaway_cluster(port=57432 + os.getpid() % 1000) as cluster,
        tempfile.TemporaryDirectory() as data,
    ):
        asyncio.run(run(args.rounds, args.restart, cluster, Path(data)))


if __name__ == "__main__":
    main()
