"""The promotion decision: latency of the pure decision over a warm snapshot, of taking the
snapshot from the database, and of the whole GraphQL round trip, on SQLite and PostgreSQL.

Run: .venv/bin/python bench/decision_bench.py [--judgements 20000] [--snapshots 200]
                                              [--dialects sqlite,postgresql]

Builds the world of tests/api/test_promotion_decision.py on a fresh database with the demo
data (a service with onboarding, tested DR procedures, an active reviewed pipeline that CI
ran, security and test evidence, an approved release with its EU sign-offs, two approvals)
and asks "may it go to production now?":

- judge: `snapshot.judge` over a snapshot already taken (the warm cache the target speaks
  of). The production decision has 20 gates; the 30-gate row adds ten per-service outcomes,
  as a release shipping three services carries (onboarding, vendor, DR of each);
- snapshot: `decision.take_snapshot` (every read of every context, one session);
- graphql: the `promotionDecision` query end to end through the ASGI app (no network), cold
  (snapshot taken each time) and from the warm snapshot cache (snapshots younger than 2 s).

Prints p50/p99 per row and a table for bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.endpoints.decisions import decision_cache
from api.graphql.relay import from_global_id
from bench._harness import ensure_database, percentile, table
from demo.organization import load_demo
from domain.migrations import upgrade_async
from domain.pipelines.decision import Ask, take_snapshot
from domain.pipelines.snapshot import judge
from tests.api.conftest import Api, settings_for
from tests.api.test_promotion_decision import ASK, ask, scan, world

PG_URL = "postgresql+asyncpg://root@/signalbox_decisionbench?host=/var/run/postgresql"


async def _allowed_world(api: Api) -> dict[str, Any]:
    from tests.api.governance_support import SIGN, move

    w = await world(api)
    await scan(api, w, critical=0)
    for requirement, signer in (("data_sovereignty", "legal"), ("privacy_impact", "compliance")):
        await api.gql(
            SIGN,
            {"i": {"releaseId": w["release"]["id"], "requirement": requirement}},
            as_user=signer,
        )
    await move(api, w["release"], "Approve")
    return w


async def run(dialect: str, judgements: int, snapshots: int) -> list[list[str]]:
    if dialect == "postgresql":
        url = PG_URL
    else:
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='decisionbench-')}/bench.db"
    await upgrade_async(url)
    app = create_app(settings_for(url, Path(tempfile.mkdtemp(prefix="decisionbench-data-"))))
    rows: list[list[str]] = []
    async with LifespanManager(app) as manager:
        runtime = app.state.runtime
        await load_demo(runtime)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            api = Api(app=app, http=http, runtime=runtime)
            w = await _allowed_world(api)
            a = Ask(
                from_global_id(w["service"]),
                from_global_id(w["env"]["id"]),
                w["version"],
                from_global_id(w["release"]["id"]),
            )
            taken: list[float] = []
            snap = None
            for _ in range(snapshots):
                async with runtime.db.read_session() as session:
                    start = time.perf_counter()
                    snap = await take_snapshot(session, a, runtime.clock.now())
                    taken.append((time.perf_counter() - start) * 1000)
            assert snap is not None
            extra = tuple(
                o
                for o in snap.outcomes
                if o.gate in ("onboarding", "vendor_attestations", "dr_test")
            )
            padded = dataclasses.replace(snap, outcomes=snap.outcomes + (extra * 4)[:10])
            for label, s in (("judge", snap), ("judge (30 gates)", padded)):
                now = runtime.clock.now()
                times = []
                for _ in range(judgements):
                    start = time.perf_counter()
                    decision = judge(s, now)
                    times.append((time.perf_counter() - start) * 1000)
                rows.append(
                    [
                        dialect,
                        label,
                        str(len(decision.outcomes)),
                        f"{percentile(times, 50):.3f}",
                        f"{percentile(times, 99):.3f}",
                    ]
                )
            rows.append(
                [
                    dialect,
                    "snapshot (database)",
                    str(len(judge(snap, runtime.clock.now()).outcomes)),
                    f"{percentile(taken, 50):.1f}",
                    f"{percentile(taken, 99):.1f}",
                ]
            )
            token = api.token("ci")
            cache = decision_cache(runtime)
            for label, cold in (
                ("graphql promotionDecision, cold", True),
                ("graphql promotionDecision, warm cache", False),
            ):
                round_trips = []
                for _ in range(max(20, snapshots // 2)):
                    if cold:
                        cache.clear()
                    start = time.perf_counter()
                    body = await api.gql(ASK, {"i": ask(w)}, token=token)
                    round_trips.append((time.perf_counter() - start) * 1000)
                assert "errors" not in body, body
                gates = str(len(body["data"]["promotionDecision"]["gates"]))
                rows.append(
                    [
                        dialect,
                        label,
                        gates,
                        f"{percentile(round_trips, 50):.1f}",
                        f"{percentile(round_trips, 99):.1f}",
                    ]
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judgements", type=int, default=20_000)
    parser.add_argument("--snapshots", type=int, default=200)
    parser.add_argument("--dialects", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = []
    for dialect in args.dialects.split(","):
        if dialect == "postgresql":
            from bench._harness import reset_schema

            ensure_database(PG_URL)
            reset_schema(PG_URL)
        rows += asyncio.run(run(dialect, args.judgements, args.snapshots))
    print(f"Python {platform.python_version()}, {platform.machine()}\n")
    print(table(["dialect", "what", "gates", "p50 ms", "p99 ms"], rows))


if __name__ == "__main__":
    main()
