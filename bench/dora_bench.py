"""The change ledger's two speed targets on PostgreSQL (issue 18):

1. DORA's four keys for one BU over 1,000,000 deployments and 100,000 incidents in under 1 s:
   `domain.insights.dora_repository.headline` (one aggregate statement), checked against the
   unaggregated rules (`dora_rules.four_keys` over every row of the BU) on the same rows.
2. A service's page of the ledger (50 entries, newest first) in under 50 ms:
   `ledger_repository.entries_page`, the read behind `changeLedger(filter: {serviceId})`.

Run: .venv/bin/python bench/dora_bench.py [--deployments 1000000] [--incidents 100000]
     [--url postgresql+asyncpg://...]   (default: $SIGNALBOX_BENCH_DATABASE_URL, else
     $SIGNALBOX_TEST_POSTGRES_URL; the database is EMPTIED first)

Seeds with INSERT ... SELECT generate_series: one BU of 500 services in 50 teams holding the
deployments over a year (2 % rolled back, first commits 1-200 hours before), the incidents
(resolved 5 minutes to 3 days after, one in 200 never, one in 500 resolved "before" it was
created), and a second BU of a tenth as many rows beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from bench._harness import reset_schema
from domain.insights import dora_queries, dora_repository, dora_rules, ledger_repository
from domain.kernel.access import Scope
from domain.kernel.db import Database
from domain.migrations import upgrade_async

START = datetime(2026, 1, 1, tzinfo=UTC)
END = START + timedelta(days=365)
SERVICES = 500

SEED_ORG = """
INSERT INTO business_units (id, key, name, description, version, created_at, updated_at)
VALUES (:bu, :key, :key, '', 1, now(), now());
INSERT INTO teams (id, bu_id, key, name, description, version, created_at, updated_at)
SELECT gen_random_uuid(), :bu, :key || '-t' || g, 'team', '', 1, now(), now()
FROM generate_series(0, 49) g;
INSERT INTO services (id, bu_id, team_id, key, name, tier, data_classification, regions,
  version, created_at, updated_at)
SELECT gen_random_uuid(), :bu, t.id, :key || '-s' || g, 'service', 'critical', 'internal', '[]',
  1, now(), now()
FROM generate_series(0, :services - 1) g
JOIN (SELECT id, row_number() OVER (ORDER BY key) - 1 AS n FROM teams WHERE bu_id = :bu) t
  ON t.n = g % 50;
"""
SEED_CHANGES = """
WITH svc AS (
  SELECT id, team_id, row_number() OVER (ORDER BY key) - 1 AS n FROM services WHERE bu_id = :bu
), g AS (
  SELECT g, CAST(:start AS timestamptz) + random() * interval '365 days' AS at
  FROM generate_series(1, :n) g
)
INSERT INTO change_ledger (id, kind, bu_id, team_id, service_id, tier, at, strategy,
  artifact_version, change_types, bypassed, first_commit_at, commit_count, rolled_back,
  incident_count, hotfixed, outcome, summary, projected_at)
SELECT gen_random_uuid(), 'deployment', :bu, svc.team_id, svc.id, 'critical', g.at, 'canary',
  'v' || g.g, ',api,', false, g.at - (1 + random() * 199) * interval '1 hour', 3,
  random() < 0.02, 0, false, 'succeeded', 'bench', now()
FROM g JOIN svc ON svc.n = g.g % :services
"""
SEED_INCIDENTS = """
WITH svc AS (
  SELECT id, team_id, row_number() OVER (ORDER BY key) - 1 AS n FROM services WHERE bu_id = :bu
), g AS (
  SELECT g, CAST(:start AS timestamptz) + random() * interval '365 days' AS at, random() AS r
  FROM generate_series(1, :n) g
)
INSERT INTO change_ledger_incidents (id, bu_id, service_id, team_id, tier, severity,
  created_at, resolved_at, projected_at)
SELECT gen_random_uuid(), :bu, svc.id, svc.team_id, 'critical', 'SEV3', g.at,
  CASE WHEN g.r < 0.005 THEN NULL
       WHEN g.r < 0.007 THEN g.at - interval '10 minutes'
       ELSE g.at + (5 + random() * 4315) * interval '1 minute' END,
  now()
FROM g JOIN svc ON svc.n = (g.g * 7) % :services
"""


PRE_AGGREGATE = [
    # what the projection writes (ledger_projection: _lead, _last_deployments): every version
    # is deployed once here, so each successful deployment is its version's first
    """UPDATE change_ledger SET lead_seconds = extract(epoch FROM at - first_commit_at)
       WHERE bu_id = :bu AND NOT rolled_back""",
    """UPDATE change_ledger_incidents i SET (deployment_id, deployment_at) = (
         SELECT c.id, c.at FROM change_ledger c
         WHERE c.service_id = i.service_id AND c.kind = 'deployment' AND NOT c.rolled_back
           AND c.at < i.created_at AND c.at >= i.created_at - interval '180 days'
         ORDER BY c.at DESC, c.id::text DESC LIMIT 1)
       WHERE i.bu_id = :bu""",
]


async def seed(db: Database, deployments: int, incidents: int) -> uuid.UUID:
    bu, other = uuid.uuid4(), uuid.uuid4()
    async with db.write_session() as s:
        await s.execute(text("SELECT setseed(0.42)"))
        for b, key, scale in ((bu, "bench", 1), (other, "other", 10)):
            for statement in SEED_ORG.strip().split(";\n"):
                await s.execute(text(statement), {"bu": b, "key": key, "services": SERVICES})
            common = {"bu": b, "start": START, "services": SERVICES}
            await s.execute(text(SEED_CHANGES), {**common, "n": deployments // scale})
            await s.execute(text(SEED_INCIDENTS), {**common, "n": incidents // scale})
            await s.execute(text("ANALYZE change_ledger"))
            for statement in PRE_AGGREGATE:
                await s.execute(text(statement), {"bu": b})
        await s.commit()
    # what autovacuum does to a table loaded this fast: statistics and the visibility map (the
    # BU's four keys then read only the covering index)
    async with db.engine.connect() as c:
        c = await c.execution_options(isolation_level="AUTOCOMMIT")
        await c.execute(text("VACUUM ANALYZE change_ledger"))
        await c.execute(text("VACUUM ANALYZE change_ledger_incidents"))
    return bu


UNAGGREGATED = text(
    "SELECT id, service_id, at, kind, rolled_back, hotfixed, artifact_version, first_commit_at"
    " FROM change_ledger WHERE bu_id = :bu AND at >= :since AND at < :until"
)
INCIDENTS = text(
    "SELECT id, service_id, created_at, resolved_at FROM change_ledger_incidents"
    " WHERE bu_id = :bu AND created_at >= :since AND created_at < :until"
)


async def four_keys_target(db: Database, bu: uuid.UUID, rounds: int) -> None:
    times = []
    for _ in range(rounds):
        async with db.read_session() as s:
            began = time.perf_counter()
            fast = await dora_repository.headline(s, bu, START, END)
            times.append(time.perf_counter() - began)
    print(
        f"four keys, one BU, aggregated: p50 {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms over {rounds} rounds (target < 1000 ms)"
    )
    began = time.perf_counter()
    async with db.read_session() as s:
        rows = (
            await s.execute(
                UNAGGREGATED, {"bu": bu, "since": START - dora_queries.LOOKBACK, "until": END}
            )
        ).all()
        incs = (await s.execute(INCIDENTS, {"bu": bu, "since": START, "until": END})).all()
    slow = dora_rules.four_keys(
        [
            dora_rules.DoraChange(
                r.id,
                r.service_id,
                r.at,
                r.kind,
                r.rolled_back,
                r.hotfixed,
                (),
                r.artifact_version,
                r.first_commit_at,
            )
            for r in rows
        ],
        [dora_rules.DoraIncident(i.id, i.service_id, i.created_at, i.resolved_at) for i in incs],
        START,
        END,
    )
    took = time.perf_counter() - began
    print(
        f"the same, unaggregated (read {len(rows)} rows and {len(incs)} incidents, rules in "
        f"Python): {took:.1f} s"
    )
    pairs = {
        "deployments": (fast.deployments, len(slow.deployments)),
        "deployment days": (fast.deployment_days, slow.deployment_days),
        "median days per span": (fast.days_per_span, slow.days_per_span),
        "lead time": (fast.lead_time, slow.lead_time),
        "lead times measured": (fast.lead_times, len(slow.lead_times)),
        "failed": (fast.failed, len(slow.failures)),
        "change failure rate": (fast.change_failure_rate, slow.change_failure_rate),
        "time to restore": (fast.time_to_restore, slow.time_to_restore),
        "restores": (fast.restores, len(slow.restores)),
    }
    for name, (a, b) in pairs.items():
        print(f"  {name}: aggregated {a} / rules {b} {'ok' if a == b else 'DIFFERENT'}")
    if any(a != b for a, b in pairs.values()):
        raise SystemExit("the aggregate disagrees with the rules")


async def service_page_target(db: Database, bu: uuid.UUID, rounds: int) -> None:
    async with db.read_session() as s:
        services = list(
            (
                await s.execute(
                    text("SELECT id FROM services WHERE bu_id = :bu ORDER BY key LIMIT :n"),
                    {"bu": bu, "n": rounds},
                )
            ).scalars()
        )
    scope = Scope(everywhere=False, bu_ids=frozenset({bu}))
    times = []
    for service in services:
        async with db.read_session() as s:
            began = time.perf_counter()
            page = await ledger_repository.entries_page(
                s, scope, ledger_repository.LedgerFilter(service_id=service), first=50, after=None
            )
            times.append(time.perf_counter() - began)
            assert len(page.items) == 50
    times.sort()
    p99 = times[int(0.99 * (len(times) - 1))]
    print(
        f"a service's ledger page (50 of ~{2000}): p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms over {len(times)} services (target < 50 ms)"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deployments", type=int, default=1_000_000)
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--url",
        default=os.environ.get("SIGNALBOX_BENCH_DATABASE_URL")
        or os.environ.get("SIGNALBOX_TEST_POSTGRES_URL"),
    )
    return parser.parse_args()


async def main(a: argparse.Namespace) -> None:
    await upgrade_async(a.url)
    db = Database(a.url, pool_size=2, statement_timeout_ms=600_000)
    try:
        began = time.perf_counter()
        bu = await seed(db, a.deployments, a.incidents)
        print(
            f"seeded {a.deployments} deployments and {a.incidents} incidents (and a tenth in "
            f"another BU) in {time.perf_counter() - began:.0f} s"
        )
        await four_keys_target(db, bu, a.rounds)
        await service_page_target(db, bu, 200)
    finally:
        await db.dispose()


if __name__ == "__main__":
    args = arguments()
    reset_schema(args.url)
    asyncio.run(main(args))
