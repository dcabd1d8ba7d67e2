"""A 5 s PostgreSQL outage under a loop of keyed writes: lost acknowledged writes, duplicates,
the error codes clients saw, and how soon writes succeed once the database is back.

    .venv/bin/python bench/idempotency_outage_bench.py [--seconds 20] [--rate 10] [--outage 5]

Runs its own throwaway PostgreSQL cluster (root and the PostgreSQL server binaries, like
tests/api/test_outage.py) and the app in process. The loop is tests/support/keyed_writes.py's,
the one tests/api/test_outage.py holds to zero in CI: each write a `teamCreate`
with its own Idempotency-Key, retried with the same key every 0.25 s until answered (bounded:
60 s per write).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' app and cluster
from tests.api.conftest import serving_demo
from tests.support.keyed_writes import stored, write_through_outage
from tests.support.pg_cluster import Cluster, cluster_unavailable, throwaway_cluster

GIVE_UP_AFTER = 60.0
PREFIX = "bench"


async def run(seconds: float, rate: float, outage: float, cluster: Cluster, data: Path) -> None:
    async with serving_demo(cluster.url, data, db_pool_timeout_seconds=1) as api:
        tally = await write_through_outage(
            api,
            cluster,
            seconds=seconds,
            rate=rate,
            outage=outage,
            prefix=PREFIX,
            give_up_after=GIVE_UP_AFTER,
        )
        after = await stored(api, PREFIX)
    codes = {str(f): n for f, n in tally.failures.items()}
    codes |= {f"200 payload {code}": n for code, n in tally.refused.items()}
    print(f"{platform.node()} {platform.python_version()} load {os.getloadavg()[0]:.1f}")
    print(f"writes started            {tally.started} ({rate:g}/s for {seconds:g} s)")
    print(f"outage                    {outage:g} s (PostgreSQL stopped, then started)")
    print(f"acknowledged              {len(tally.acknowledged)}")
    print(f"acknowledged but lost     {len(set(tally.acknowledged) - after.keys)}")
    print(f"duplicates                {sum(tally.refused.values()) + len(after.audited_twice)}")
    print(f"given up after {GIVE_UP_AFTER:g} s     {tally.given_up}")
    print(f"codes seen on the way     {codes}")
    not_retryable = sum(n for f, n in tally.failures.items() if not f.retryable)
    print(f"not retryable             {not_retryable}")
    print(f"audit chain               {'verified' if after.chain.ok else after.chain.detail}")
    first = tally.first_success_after_back
    print(f"first success after start {'none' if first is None else f'{first:.2f} s'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--outage", type=float, default=5.0)
    args = parser.parse_args()
    why = cluster_unavailable()
    if why is not None:
        raise SystemExit(f"the outage bench {why}")
    with (
        throwaway_cluster(port=56432 + os.getpid() % 1000) as cluster,
        tempfile.TemporaryDirectory() as data,
    ):
        asyncio.run(run(args.seconds, args.rate, args.outage, cluster, Path(data)))


if __name__ == "__main__":
    main()
