"""Telemetry of teams over quarters, read once for many (team, quarter) pairs through the lower
contexts' facts and the change ledger (seven statements whatever the pairs), then judged by
maturity_rules.

The DORA figures are the team's four keys over the quarter (`dora_queries.per_team`, DevLake's
definitions, defaults: median, incidents as failures): deployments per week (the quarter's
successful production deployments over its weeks, so far for an open quarter), lead time and
time to restore in hours, and the change failure rate; None where the quarter has none.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import bypass_facts
from domain.governance import approval_facts
from domain.insights import dora_queries
from domain.insights.dora_rules import FourKeys
from domain.insights.maturity_rules import (
    Bottleneck,
    Quarter,
    Telemetry,
    Wait,
    bottlenecks,
    median_wait,
    share,
)
from domain.pipelines import automation_facts
from domain.postrelease import review_facts

Key = tuple[uuid.UUID, Quarter]


@dataclass
class Counts:
    """What the figures are made of, so anyone can check them."""

    deployments: int = 0
    automated_deployments: int = 0
    bypasses: int = 0
    reviews_due: int = 0
    reviews_on_time: int = 0
    waits: list[Wait] = field(default_factory=list)
    late_review_hours: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class QuarterTelemetry:
    telemetry: Telemetry
    deployments: int
    automated_deployments: int
    bypasses: int
    sign_offs: int
    reviews_due: int
    reviews_on_time: int
    bottlenecks: tuple[Bottleneck, ...]


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


def _judged(c: Counts, dora: FourKeys | None = None, weeks: float = 13.0) -> QuarterTelemetry:
    bypass_rate = share(c.bypasses, c.deployments)
    deployed = len(dora.deployments) if dora else 0
    return QuarterTelemetry(
        Telemetry(
            automation_share=share(c.automated_deployments, c.deployments),
            bypass_rate=bypass_rate,
            approval_wait_hours=median_wait(c.waits),
            review_on_time_share=share(c.reviews_on_time, c.reviews_due),
            deployment_frequency_per_week=deployed / weeks if dora and weeks > 0 else None,
            lead_time_hours=_hours(dora.lead_time) if dora else None,
            change_failure_rate=dora.change_failure_rate if dora else None,
            recovery_hours=_hours(dora.time_to_restore) if dora else None,
        ),
        c.deployments,
        c.automated_deployments,
        c.bypasses,
        len(c.waits),
        c.reviews_due,
        c.reviews_on_time,
        tuple(bottlenecks(c.waits, c.late_review_hours)),
    )


async def telemetry_of(
    session: AsyncSession, keys: Collection[Key], now: datetime
) -> dict[Key, QuarterTelemetry]:
    """Each (team, quarter)'s telemetry (what is recorded so far, for a quarter still open; a
    review due later is not counted until it is due)."""
    if not keys:
        return {}
    teams = sorted({team for team, _ in keys}, key=str)
    start = min(q for _, q in keys).start
    end = max(q for _, q in keys).end
    counts: dict[Key, Counts] = defaultdict(Counts)

    def at(team: uuid.UUID, when: datetime) -> Counts | None:
        key = (team, Quarter.of(when))
        return counts[key] if key in keys else None

    for d in await automation_facts.production_deployment_origins(session, teams, start, end):
        if (c := at(d.team_id, d.finished_at)) is not None:
            c.deployments += 1
            c.automated_deployments += d.automated
    for b in await bypass_facts.bypasses_of_teams(session, teams, start, end):
        if (c := at(b.team_id, b.requested_at)) is not None:
            c.bypasses += 1
    for w in await approval_facts.sign_off_waits(session, teams, start, end):
        if (c := at(w.team_id, w.signed_at)) is not None:
            c.waits.append(Wait(w.requirement, w.hours))
    for r in await review_facts.reviews_due(session, teams, start, end):
        if r.due_at <= now and (c := at(r.team_id, r.due_at)) is not None:
            c.reviews_due += 1
            on_time = r.closed_at is not None and r.closed_at <= r.due_at
            c.reviews_on_time += on_time
            if not on_time:
                late_until = r.closed_at or now
                c.late_review_hours.append((late_until - r.due_at).total_seconds() / 3600)
    periods = {(q.start, q.end) for _, q in keys}
    dora = await dora_queries.per_team(session, teams, periods)

    def weeks(q: Quarter) -> float:
        return max((min(q.end, now) - q.start).total_seconds(), 0.0) / (7 * 86400)

    return {
        key: _judged(counts.get(key, Counts()), dora.get((key[0], key[1].start)), weeks(key[1]))
        for key in keys
    }
