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
  SELECT id, service_id, at FROM change_ledger
  WHERE bu_id = :bu AND kind = 'deployment' AND NOT rolled_back AND at >= :start AND at < :end
),
firsts AS (
  SELECT DISTINCT ON (service_id, coalesce(artifact_version, id::text)) at, first_commit_at
  FROM change_ledger
  WHERE bu_id = :bu AND kind = 'deployment' AND NOT rolled_back AND at >= :back AND at < :end
  ORDER BY service_id, coalesce(artifact_version, id::text), at, id::text
),
lead AS (
  SELECT at - first_commit_at AS took FROM firsts
  WHERE at >= :start AND first_commit_at IS NOT NULL AND first_commit_at <= at
),
inc AS (
  SELECT service_id, created_at, resolved_at FROM change_ledger_incidents
  WHERE bu_id = :bu AND created_at >= :start AND created_at < :end
),
blamed AS (
  SELECT DISTINCT last.id FROM inc CROSS JOIN LATERAL (
    SELECT c.id, c.at FROM change_ledger c
    WHERE c.service_id = inc.service_id AND c.kind = 'deployment' AND NOT c.rolled_back
      AND c.at < inc.created_at
    ORDER BY c.at DESC, c.id::text DESC LIMIT 1
  ) last
  WHERE last.at >= :start AND last.at < :end
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
  (SELECT count(*) FROM dep) AS deployments,
  (SELECT count(*) FROM days) AS deployment_days,
  (SELECT (array_agg(n ORDER BY n))[floor(0.5 * (count(*) - 1))::int + 1] FROM per_week) AS week,
  (SELECT (array_agg(n ORDER BY n))[floor(0.5 * (count(*) - 1))::int + 1] FROM per_month)
    AS month,
  (SELECT (array_agg(n ORDER BY n))[floor(0.5 * (count(*) - 1))::int + 1] FROM per_half)
    AS six_months,
  (SELECT (array_agg(took ORDER BY took))[floor(CAST(:q AS float8) * (count(*) - 1))::int + 1] FROM lead)
    AS lead_time,
  (SELECT count(*) FROM lead) AS lead_times,
  (SELECT count(*) FROM blamed) AS failed,
  (SELECT (array_agg(took ORDER BY took))[floor(CAST(:q AS float8) * (count(*) - 1))::int + 1] FROM restore)
    AS time_to_restore,
  (SELECT count(*) FROM restore) AS restores
"""
)


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
    lookback: timedelta,
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
                "back": start - lookback,
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
        lead_time=r.lead_time,
        lead_times=r.lead_times,
        failed=r.failed,
        change_failure_rate=r.failed / r.deployments if r.deployments else None,
        time_to_restore=r.time_to_restore,
        restores=r.restores,
    )
