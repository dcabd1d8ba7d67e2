"""The four keys of one BU aggregated in PostgreSQL, for BUs too large to read row by row: the
same definitions as `dora_rules` with its default switches (deployments, the last successful
deployment before each incident, incident failures, the lower median), in one statement over
the ledger's indexes. `bench/dora_bench.py` checks it against `dora_rules.four_keys` on the same
rows; the API reads rows (its figures come with their drill-down) and uses this only when told.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

HEADLINE = text(
    """
WITH dep AS (
  SELECT at, lead_seconds FROM change_ledger
  WHERE bu_id = :bu AND kind = 'deployment' AND NOT rolled_back AND at >= :start AND at < :end
),
figures AS (
  SELECT count(*) AS deployments,
         count(lead_seconds) AS lead_times,
         (array_agg(lead_seconds ORDER BY lead_seconds) FILTER (WHERE lead_seconds IS NOT NULL))
           [floor(CAST(:q AS float8) * (count(lead_seconds) - 1))::int + 1] AS lead_seconds
  FROM dep
),
inc AS (
  SELECT deployment_id, deployment_at, created_at, resolved_at FROM change_ledger_incidents
  WHERE bu_id = :bu AND created_at >= :start AND created_at < :end
),
restore AS (
  SELECT resolved_at - created_at AS took FROM inc WHERE resolved_at >= created_at
),
days AS (SELECT DISTINCT (at AT TIME ZONE 'UTC')::date AS day FROM dep),
calendar AS (
  SELECT d::date AS day FROM generate_series(:first_day, :last_day, interval '1 day') d
),
per_week AS (
  SELECT count(days.day) AS n FROM calendar LEFT JOIN days USING (day)
  GROUP BY date_trunc('week', calendar.day)
),
per_month AS (
  SELECT date_trunc('month', calendar.day) AS month, count(days.day) AS n
  FROM calendar LEFT JOIN days USING (day) GROUP BY 1
),
per_half AS (
  SELECT sum(n) AS n FROM (
    SELECT n, (row_number() OVER (ORDER BY month) - 1) / 6 AS half FROM per_month
  ) m GROUP BY half
)
SELECT
  figures.deployments,
  figures.lead_times,
  figures.lead_seconds,
  (SELECT count(*) FROM days) AS deployment_days,
  (SELECT (array_agg(n ORDER BY n))[floor(0.5 * (count(*) - 1))::int + 1] FROM per_week) AS week,
  (SELECT (array_agg(n ORDER BY n))[floor(0.5 * (count(*) - 1))::int + 1] FROM per_month) AS month,
  (SELECT (array_agg(n ORDER BY n))[floor(0.5 * (count(*) - 1))::int + 1]
    FROM per_half) AS six_months,
  (SELECT count(DISTINCT deployment_id) FROM inc
    WHERE deployment_at >= :start AND deployment_at < :end) AS failed,
  (SELECT (array_agg(took ORDER BY took))[floor(CAST(:q AS float8) * (count(*) - 1))::int + 1]
    FROM restore) AS time_to_restore,
  (SELECT count(*) FROM restore) AS restores
FROM figures
"""
)
"""Over the ledger's pre-aggregated columns: each deployment's `lead_seconds` (set when it is
its version's first) and each incident's `deployment_id` (the deployment it counts against),
both written by the projection with `dora_rules`' own rules. A percentile is DevLake's: the
value at index floor(q * (n - 1)) of the sorted values (`array_agg(... ORDER BY ...)[i]`)."""


@dataclass(frozen=True, slots=True)
class Headline:
    deployments: int
    deployment_days: int
    days_per_span: dict[str, float]
    lead_time: timedelta | None
    lead_times: int
    failed: int
    change_failure_rate: float | None
    time_to_restore: timedelta | None
    restores: int


async def headline(
    session: AsyncSession,
    bu_id: uuid.UUID,
    start: datetime,
    end: datetime,
    *,
    quantile: float = 0.5,
) -> Headline:
    """The four keys of one BU over [start, end) (PostgreSQL only)."""
    last = end - timedelta(microseconds=1)
    r = (
        await session.execute(
            HEADLINE,
            {
                "bu": bu_id,
                "start": start,
                "end": end,
                "q": quantile,
                "first_day": start.date(),
                "last_day": last.date(),
            },
        )
    ).one()
    return Headline(
        deployments=r.deployments,
        deployment_days=r.deployment_days,
        days_per_span={k: float(getattr(r, k)) for k in ("week", "month", "six_months")},
        lead_time=None if r.lead_seconds is None else timedelta(seconds=r.lead_seconds),
        lead_times=r.lead_times,
        failed=r.failed,
        change_failure_rate=r.failed / r.deployments if r.deployments else None,
        time_to_restore=r.time_to_restore,
        restores=r.restores,
    )
