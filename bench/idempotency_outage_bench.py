"""A 5 s PostgreSQL outage under a loop of keyed writes: lost acknowledged writes, duplicates,
the error codes clients saw, and how soon writes succeed once the database is back.

    .venv/bin/python bench/idempotency_outage_bench.py [--seconds 20] [--rate 10] [--outage 5]

Runs its own throwaway PostgreSQL cluster (root and the PostgreSQL server binaries, like
tests/api/test_outage.py) and the app in process. Each write is a `teamCreate` with its own
team key and its own Idempotency-Key, retried with the same key every 0.25 s until it gets an
answer that is not retryable (bounded: 60 s per write). Lost: an acknowledged team missing
from the database. Duplicate: an answer that reports the team already taken (the mutation ran
twice) or more than one `team.create` audit record for it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from demo.organization import load_demo
from domain.compliance.models import AuditRecord
from domain.organization.models import Team

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' app and cluster
from tests.api.conftest import Api, serving, settings_for
from tests.api.test_idempotency_exactly_once import TEAM_CREATE
from tests.support.pg_cluster import Cluster, cluster_unavailable, throwaway_cluster

RETRY_EVERY = 0.25
GIVE_UP_AFTER = 60.0


@dataclass
class Tally:
    acknowledged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    codes: Counter[str] = field(default_factory=Counter)
    given_up: int = 0
    successes_at: list[float] = field(default_factory=list)


async def write(api: Api, token: str, bu: str, tally: Tally) -> None:
    team = f"bench-{uuid.uuid4().hex[:10]}"
    variables = {"input": {"businessUnitId": bu, "key": team, "name": "Bench"}}
    headers = {"idempotency-key": uuid.uuid4().hex}
    deadline = time.monotonic() + GIVE_UP_AFTER
    while time.monotonic() < deadline:
        response = await api.post(TEAM_CREATE, variables, token=token, headers=headers)
        body: dict[str, Any] = response.json()
        errors = body.get("errors") or []
        for error in errors:
            tally.codes[f"{response.status_code} {error['extensions']['code']}"] += 1
        if response.status_code == 200 and not errors:
            payload = body["data"]["teamCreate"]
            if payload["errors"]:
                tally.codes[f"200 payload {payload['errors'][0]['code']}"] += 1
                tally.duplicates.append(team)
            else:
                tally.acknowledged.append(team)
                tally.successes_at.append(time.monotonic())
            return
        await asyncio.sleep(RETRY_EVERY)
    tally.given_up += 1


async def run(seconds: float, rate: float, outage: float, cluster: Cluster, data: Path) -> None:
    settings = settings_for(cluster.url, data, auto_migrate=True, db_pool_timeout_seconds=1)
    async with serving(settings) as api:
        await load_demo(api.runtime)
        token = api.token("rmo")
        found = await api.ok("{ businessUnits { nodes { id key } } }", token=token)
        bu = next(n["id"] for n in found["businessUnits"]["nodes"] if n["key"] == "payments")
        tally = Tally()
        tasks: list[asyncio.Task[None]] = []
        start = time.monotonic()
        stop_at, back_at = start + (seconds - outage) / 2, start + (seconds + outage) / 2
        stopped = restarted = False
        back = 0.0
        while (now := time.monotonic()) < start + seconds:
            if not stopped and now >= stop_at:
                await asyncio.to_thread(cluster.stop)
                stopped = True
            if stopped and not restarted and now >= back_at:
                await asyncio.to_thread(cluster.start)
                restarted, back = True, time.monotonic()
            tasks.append(asyncio.create_task(write(api, token, bu, tally)))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*tasks)
        async with api.runtime.db.read_session() as session:
            stored = set(await session.scalars(select(Team.key).where(Team.key.like("bench-%"))))
            audits = await session.execute(
                select(Team.key, func.count())
                .join(
                    AuditRecord,
                    AuditRecord.entity_id == func.cast(Team.id, AuditRecord.entity_id.type),
                )
                .where(Team.key.like("bench-%"), AuditRecord.action == "team.create")
                .group_by(Team.key)
            )
            twice = [key for key, n in audits if n > 1]
    after_back = [t - back for t in tally.successes_at if t >= back]
    print(f"{platform.node()} {platform.python_version()} load {os.getloadavg()[0]:.1f}")
    print(f"writes started            {len(tasks)} ({rate:g}/s for {seconds:g} s)")
    print(f"outage                    {outage:g} s (PostgreSQL stopped, then started)")
    print(f"acknowledged              {len(tally.acknowledged)}")
    print(f"acknowledged but lost     {len(set(tally.acknowledged) - stored)}")
    print(f"duplicates                {len(tally.duplicates) + len(twice)}")
    print(f"given up after {GIVE_UP_AFTER:g} s     {tally.given_up}")
    print(f"codes seen on the way     {dict(tally.codes)}")
    first = f"{min(after_back):.2f} s" if after_back else "none"
    print(f"first success after start {first}")


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
