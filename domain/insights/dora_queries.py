"""The four keys of a scope (BU, team, service, tier, change type) over any period, with a
trend and the rows behind every figure, read from the change ledger in two statements."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights import dora_rules as rules
from domain.insights import ledger_repository as repo
from domain.insights.dora_vocabulary import Bucket
from domain.insights.ledger_repository import LedgerFilter
from domain.insights.ledger_rules import split
from domain.kernel.access import Resource, Scope
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader

LOOKBACK = rules.LOOKBACK
"""How far before the period changes are read (dora_rules.LOOKBACK)."""
MAX_BUCKETS = 400


@dataclass(frozen=True, slots=True)
class DoraReport:
    start: datetime
    end: datetime
    options: rules.Options
    keys: rules.FourKeys
    trend: tuple[tuple[datetime, datetime, rules.FourKeys], ...]
    entries: dict[uuid.UUID, Any]
    """The ledger rows the figures name, by id (the drill-down's)."""


def _change(r: Any) -> rules.DoraChange:
    return rules.DoraChange(
        id=r.id,
        service_id=r.service_id,
        at=r.at,
        kind=r.kind,
        rolled_back=r.rolled_back,
        hotfixed=r.hotfixed,
        change_types=split(r.change_types),
        artifact_version=r.artifact_version,
        first_commit_at=r.first_commit_at,
        pr_opened_at=r.pr_opened_at,
        first_review_at=r.first_review_at,
        merged_at=r.merged_at,
    )


def _incident(r: Any) -> rules.DoraIncident:
    return rules.DoraIncident(r.id, r.service_id, r.created_at, r.resolved_at, r.change_id)


MAX_WINDOW_HOURS = 366 * 24


def window_hours(hours: int) -> int:
    """An attribution window in hours, 0 to a year."""
    if not 0 <= hours <= MAX_WINDOW_HOURS:
        raise DomainError(
            f"The attribution window is 0 to {MAX_WINDOW_HOURS} hours.",
            field="attributionWindowHours",
        )
    return hours


MAX_PERIOD = timedelta(days=5 * 366)
DEFAULT_PERIOD = timedelta(days=90)


def period(
    since: datetime | None, until: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """[since, until): by default the 90 days up to now; at most five years, in UTC offsets."""
    if any(t is not None and t.tzinfo is None for t in (since, until)):
        raise DomainError("since and until carry their UTC offset.", field="since")
    end = until or now
    earliest, latest = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    # the reads reach LOOKBACK before the period, a trend bucket up to a month after its end
    if end - earliest < LOOKBACK + DEFAULT_PERIOD or latest - end < timedelta(days=62):
        raise DomainError("The period is out of range.", field="until")
    start = since or end - DEFAULT_PERIOD
    if start - earliest < LOOKBACK:
        raise DomainError("The period starts too early.", field="since")
    if not start < end:
        raise DomainError("until comes after since.", field="until")
    if end - start > MAX_PERIOD:
        raise DomainError("A period is at most five years.", field="since")
    return start, end


async def dora_metrics(
    r: Reader,
    scope_filter: LedgerFilter,
    start: datetime,
    end: datetime,
    options: rules.Options,
    bucket: Bucket = Bucket.MONTH,
) -> DoraReport:
    """The four keys of [start, end) in the BUs where the caller may read the ledger (nothing
    elsewhere), narrowed by the filter's BU, team, service and tier; a trend by `bucket`."""
    periods = rules.buckets(start, end, bucket)
    if len(periods) > MAX_BUCKETS:
        raise DomainError(f"At most {MAX_BUCKETS} trend buckets.", field="bucket")
    scope = r.scope(Resource.CHANGE_LEDGER)
    rows: list[Any] = []
    incident_rows: list[Any] = []
    if not scope.empty:
        wide = replace(scope_filter, since=start - LOOKBACK, until=end)
        rows = await repo.entries(r.session, scope, wide)
        incident_rows = await repo.incidents(
            r.session, scope, replace(scope_filter, since=start, until=end)
        )
    changes = [_change(x) for x in rows]
    incidents = [_incident(x) for x in incident_rows]
    keys = rules.four_keys(changes, incidents, start, end, options)
    trend = tuple((a, b, rules.four_keys(changes, incidents, a, b, options)) for a, b in periods)
    return DoraReport(start, end, options, keys, trend, {x.id: x for x in rows})


async def per_business_unit(
    session: AsyncSession, start: datetime, end: datetime, options: rules.Options = rules.Options()
) -> dict[str, rules.FourKeys]:
    """The four keys of [start, end) of every BU, by BU key (the Prometheus gauges'; no caller
    scope: the process's own metrics, read by those who may scrape them)."""
    everywhere = Scope(everywhere=True)
    rows = await repo.entries(session, everywhere, LedgerFilter(since=start - LOOKBACK, until=end))
    incident_rows = await repo.incidents(session, everywhere, LedgerFilter(since=start, until=end))
    keys = await repo.business_unit_keys(session)
    changes: dict[uuid.UUID, list[rules.DoraChange]] = {bu: [] for bu in keys}
    incidents: dict[uuid.UUID, list[rules.DoraIncident]] = {bu: [] for bu in keys}
    for x in rows:
        changes.setdefault(x.bu_id, []).append(_change(x))
    for i in incident_rows:
        incidents.setdefault(i.bu_id, []).append(_incident(i))
    return {
        key: rules.four_keys(changes[bu], incidents[bu], start, end, options)
        for bu, key in keys.items()
    }


async def per_group(
    session: AsyncSession,
    by: str,
    spans: Sequence[tuple[uuid.UUID, datetime, datetime]],
    options: rules.Options = rules.Options(),
) -> list[rules.FourKeys]:
    """The four keys of each (team or BU id, start, end), `by` "team_id" or "bu_id", in the
    order asked: two statements whatever the number of spans (the system reads: the caller's
    scope is the reader's, e.g. a maturity assessment or a policy proposal it may read)."""
    if not spans:
        return []
    start = min(a for _, a, _ in spans)
    end = max(b for _, _, b in spans)
    ids = tuple(sorted({g for g, _, _ in spans}, key=str))
    teams, bus = (ids, None) if by == "team_id" else (None, ids)
    everywhere = Scope(everywhere=True)
    wide = LedgerFilter(since=start - LOOKBACK, until=end, team_ids=teams, bu_ids=bus)
    rows = await repo.entries(session, everywhere, wide)
    incident_rows = await repo.incidents(session, everywhere, replace(wide, since=start))
    changes: dict[uuid.UUID, list[rules.DoraChange]] = {g: [] for g in ids}
    incidents: dict[uuid.UUID, list[rules.DoraIncident]] = {g: [] for g in ids}
    for x in rows:
        changes.setdefault(getattr(x, by), []).append(_change(x))
    for i in incident_rows:
        incidents.setdefault(getattr(i, by), []).append(_incident(i))
    return [rules.four_keys(changes[g], incidents[g], a, b, options) for g, a, b in spans]


async def per_team(
    session: AsyncSession,
    team_ids: Collection[uuid.UUID],
    periods: Collection[tuple[datetime, datetime]],
    options: rules.Options = rules.Options(),
) -> dict[tuple[uuid.UUID, datetime], rules.FourKeys]:
    """The four keys of each team over each period, by (team, period start)."""
    spans = [(t, a, b) for t in sorted(set(team_ids), key=str) for a, b in sorted(periods)]
    found = await per_group(session, "team_id", spans, options)
    return {(t, a): keys for (t, a, _), keys in zip(spans, found, strict=True)}


def summary(keys: rules.FourKeys) -> dict[str, float | int | None]:
    """The four figures in plain numbers (seconds, a share), as an API may show them."""
    return {
        "deployments": len(keys.deployments),
        "leadTimeSeconds": keys.lead_time.total_seconds() if keys.lead_time else None,
        "changeFailureRate": keys.change_failure_rate,
        "timeToRestoreSeconds": (
            keys.time_to_restore.total_seconds() if keys.time_to_restore else None
        ),
    }


change_of = _change
"""A ledger row as the four keys' change (team benchmarks read the same rows)."""
incident_of = _incident
"""A ledger incident row as the four keys' incident."""
