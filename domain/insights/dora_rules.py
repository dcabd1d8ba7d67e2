"""DORA's four keys as pure rules over plain values, defined as Apache DevLake's DORA plugin
defines them (the most used open implementation), each switch documented in `dora_vocabulary`.

- Deployment frequency: successful production deployments in the period, and the *deployment
  days* (days with at least one); graded on the median deployment days per calendar week, month
  and six months (two deployments on one day are two deployments and one deployment day).
- Lead time for changes: from a version's first commit to the finish of the first successful
  production deployment that shipped it (a redeployment of the same version ships nothing new);
  broken into coding (first commit to pull request opened), pickup (opened to first review),
  review (first review to merge) and deploy (merge to production) where pull-request times
  exist. A deployment with no recorded commits has no lead time (it still counts as a
  deployment); a first commit after the deployment finished is a data error, left out.
- Change failure rate: the share of production deployments with at least one incident counted
  against them (see `Attribution`; by default an incident counts against the last successful
  production deployment of the same service that finished before the incident was created, so
  an incident before any deployment counts against none). A service that deployed and had no
  incident has a rate of 0; one that did not deploy has none (null, never an error).
- Time to restore: from an incident's creation to its resolution, for incidents created in the
  period; an open one has none yet, and one resolved before it was created is a data error;
  both are left out and listed as such.

Medians are DevLake's lower median (the largest value whose percent rank is at most 0.5);
p75 likewise at 0.75.
"""

from __future__ import annotations

import bisect
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from domain.insights import dora_benchmarks as bench
from domain.insights.dora_vocabulary import (
    Attribution,
    Benchmarks,
    Bucket,
    FailureDefinition,
    Level,
    Statistic,
)

DEPLOYMENT = "deployment"
LOOKBACK = timedelta(days=180)
"""How far before an incident (or a period) the deployment it counts against, and a version's
first deployment, are looked for."""
QUANTILE = {Statistic.MEDIAN: 0.5, Statistic.P75: 0.75}
STEPS = ("coding", "pickup", "review", "deploy")


@dataclass(frozen=True, slots=True)
class DoraChange:
    """A production change as the four keys see it (a ledger entry)."""

    id: uuid.UUID
    service_id: uuid.UUID
    at: datetime
    kind: str = DEPLOYMENT
    rolled_back: bool = False
    hotfixed: bool = False
    change_types: tuple[str, ...] = ()
    artifact_version: str | None = None
    first_commit_at: datetime | None = None
    pr_opened_at: datetime | None = None
    first_review_at: datetime | None = None
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DoraIncident:
    id: uuid.UUID
    service_id: uuid.UUID
    created_at: datetime
    resolved_at: datetime | None = None
    change_id: uuid.UUID | None = None
    """The change its attribution names (used when `Attribution.RECORDED`)."""


@dataclass(frozen=True, slots=True)
class Options:
    """The switches of one asking (defaults: DevLake's definitions, the 2023 table)."""

    failure: FailureDefinition = FailureDefinition.INCIDENT
    statistic: Statistic = Statistic.MEDIAN
    attribution: Attribution = Attribution.LAST_CHANGE
    window: timedelta | None = None
    """An incident counts against a change only when created within this time after it
    finished (None: no limit, DevLake's)."""
    benchmarks: Benchmarks = Benchmarks.DORA_2023
    kinds: frozenset[str] = frozenset({DEPLOYMENT})
    """The kinds of change counted (deployments; flag changes and the others when asked)."""
    change_type: str | None = None
    """Count only changes of this change type (and the incidents counted against them)."""


@dataclass(frozen=True, slots=True)
class FourKeys:
    """The figures of one period and the rows that make each one."""

    deployments: tuple[uuid.UUID, ...]
    deployment_days: int
    days_per_span: dict[str, float] | None
    """Median deployment days per week, month and six months (None: an empty period)."""
    lead_times: tuple[tuple[uuid.UUID, timedelta], ...]
    lead_time: timedelta | None
    lead_time_steps: dict[str, timedelta | None]
    counted_for_failure: tuple[uuid.UUID, ...]
    failures: tuple[tuple[uuid.UUID, tuple[uuid.UUID, ...]], ...]
    """Each failed change and the incidents counted against it."""
    change_failure_rate: float | None
    restores: tuple[tuple[uuid.UUID, timedelta], ...]
    time_to_restore: timedelta | None
    left_out: tuple[tuple[uuid.UUID, str], ...] = field(default=())
    """Rows a figure could not use, and why (open incident, resolved before created, commit
    after deployment)."""
    levels: dict[str, Level | None] = field(default_factory=dict)


def quantile(values: Iterable[timedelta], statistic: Statistic) -> timedelta | None:
    """DevLake's percentile: the largest value whose percent rank is at most q (the value at
    index floor(q * (n - 1)) in sorted order); None of nothing."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[int(QUANTILE[statistic] * (len(ordered) - 1))]


def _counted(c: DoraChange, o: Options) -> bool:
    return c.kind in o.kinds


def _of_type(c: DoraChange, o: Options) -> bool:
    return o.change_type is None or o.change_type in c.change_types


def attribute(
    changes: Sequence[DoraChange], incidents: Sequence[DoraIncident], o: Options
) -> dict[uuid.UUID, uuid.UUID]:
    """The change each incident counts against (incidents counted against none are absent)."""
    succeeded = sorted(
        (c for c in changes if _counted(c, o) and not c.rolled_back),
        key=lambda c: (c.at, str(c.id)),
    )
    by_id = {c.id: c for c in succeeded}
    per_service: dict[uuid.UUID, list[DoraChange]] = defaultdict(list)
    for c in succeeded:
        per_service[c.service_id].append(c)
    times = {service: [c.at for c in line] for service, line in per_service.items()}
    out: dict[uuid.UUID, uuid.UUID] = {}
    for i in incidents:
        if o.attribution is Attribution.RECORDED:
            found = by_id.get(i.change_id) if i.change_id else None
            if found is not None and found.at > i.created_at:
                found = None
        else:
            line = per_service.get(i.service_id, [])
            n = bisect.bisect_left(times.get(i.service_id, []), i.created_at)
            found = line[n - 1] if n else None
        if found is not None and (o.window is None or i.created_at - found.at <= o.window):
            out[i.id] = found.id
    return out


def _firsts(changes: Sequence[DoraChange], o: Options) -> set[uuid.UUID]:
    """The first successful production deployment of each (service, version)."""
    seen: set[tuple[uuid.UUID, str]] = set()
    out: set[uuid.UUID] = set()
    for c in sorted(changes, key=lambda c: (c.at, str(c.id))):
        if not _counted(c, o) or c.rolled_back:
            continue
        key = (c.service_id, c.artifact_version or str(c.id))
        if key not in seen:
            seen.add(key)
            out.add(c.id)
    return out


def _steps(c: DoraChange) -> dict[str, timedelta | None]:
    marks = [c.first_commit_at, c.pr_opened_at, c.first_review_at, c.merged_at, c.at]
    return {
        name: (b - a if a is not None and b is not None and b >= a else None)
        for name, a, b in zip(STEPS, marks, marks[1:], strict=False)
    }


def _days(start: datetime, end: datetime) -> list[date]:
    first, last = start.astimezone(UTC).date(), (end - timedelta(microseconds=1)).astimezone(UTC)
    return [first + timedelta(days=n) for n in range((last.date() - first).days + 1)]


def _median_days(days: list[date], deployed: set[date]) -> dict[str, float] | None:
    """Median deployment days per calendar week, calendar month and six months (DevLake's)."""
    if not days:
        return None
    weeks: dict[date, int] = defaultdict(int)
    months: dict[tuple[int, int], int] = defaultdict(int)
    for d in days:
        weeks[d - timedelta(days=d.weekday())] += d in deployed
        months[(d.year, d.month)] += d in deployed
    ordered = [months[k] for k in sorted(months)]
    halves = [sum(ordered[n : n + 6]) for n in range(0, len(ordered), 6)]

    def median(xs: list[int]) -> float:
        return float(sorted(xs)[int(0.5 * (len(xs) - 1))])

    return {
        "week": median(list(weeks.values())),
        "month": median(ordered),
        "six_months": median(halves),
    }


def counts_rollbacks(f: FailureDefinition) -> bool:
    """Rolled-back changes are in the failure rate's denominator only when rollbacks count."""
    return f in (FailureDefinition.ROLLBACK, FailureDefinition.ANY)


def failed(c: DoraChange, blamed: Sequence[uuid.UUID], f: FailureDefinition) -> bool:
    """Whether a change failed by definition `f`, given the incidents counted against it."""
    return {
        FailureDefinition.INCIDENT: bool(blamed),
        FailureDefinition.ROLLBACK: c.rolled_back,
        FailureDefinition.HOTFIX: c.hotfixed,
        FailureDefinition.ANY: bool(blamed) or c.rolled_back or c.hotfixed,
    }[f]


def _lead_times(
    shipped: Sequence[DoraChange], firsts: set[uuid.UUID], left_out: list[tuple[uuid.UUID, str]]
) -> tuple[list[tuple[uuid.UUID, timedelta]], dict[str, list[timedelta]]]:
    """Each first deployment's lead time, and the time of each step where it is known."""
    leads = []
    steps: dict[str, list[timedelta]] = {s: [] for s in STEPS}
    for c in shipped:
        if c.id not in firsts or c.first_commit_at is None:
            continue
        if c.first_commit_at > c.at:
            left_out.append((c.id, "first commit after the deployment finished"))
            continue
        leads.append((c.id, c.at - c.first_commit_at))
        for name, took in _steps(c).items():
            if took is not None:
                steps[name].append(took)
    return leads, steps


def _restores(
    incidents: Sequence[DoraIncident], left_out: list[tuple[uuid.UUID, str]]
) -> list[tuple[uuid.UUID, timedelta]]:
    """Each resolved incident's time to restore; the others are left out, saying why."""
    out = []
    for i in sorted(incidents, key=lambda i: (i.created_at, str(i.id))):
        if i.resolved_at is None:
            left_out.append((i.id, "not resolved"))
        elif i.resolved_at < i.created_at:
            left_out.append((i.id, "resolved before it was created"))
        else:
            out.append((i.id, i.resolved_at - i.created_at))
    return out


def four_keys(
    changes: Sequence[DoraChange],
    incidents: Sequence[DoraIncident],
    start: datetime,
    end: datetime,
    o: Options = Options(),
) -> FourKeys:
    """The four keys of [start, end): `changes` and `incidents` are the scope's whole history
    (an incident in the period may count against a change before it)."""
    blamed = attribute(changes, incidents, o)
    against: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for incident_id, change_id in blamed.items():
        against[change_id].append(incident_id)
    period = sorted(
        (c for c in changes if start <= c.at < end and _counted(c, o) and _of_type(c, o)),
        key=lambda c: (c.at, str(c.id)),
    )
    shipped = [c for c in period if not c.rolled_back]
    left_out: list[tuple[uuid.UUID, str]] = []
    leads, steps = _lead_times(shipped, _firsts(changes, o), left_out)
    counted = period if counts_rollbacks(o.failure) else shipped
    failures = [
        (c.id, tuple(sorted(against[c.id], key=str)))
        for c in counted
        if failed(c, against[c.id], o.failure)
    ]
    typed = {c.id for c in period}
    mine = [
        i
        for i in incidents
        if start <= i.created_at < end and (o.change_type is None or blamed.get(i.id) in typed)
    ]
    restores = _restores(mine, left_out)
    days = _median_days(_days(start, end), {c.at.astimezone(UTC).date() for c in shipped})
    return _graded(
        FourKeys(
            deployments=tuple(c.id for c in shipped),
            deployment_days=len({c.at.astimezone(UTC).date() for c in shipped}),
            days_per_span=days,
            lead_times=tuple(leads),
            lead_time=quantile((t for _, t in leads), o.statistic),
            lead_time_steps={s: quantile(v, o.statistic) for s, v in steps.items()},
            counted_for_failure=tuple(c.id for c in counted),
            failures=tuple(failures),
            change_failure_rate=len(failures) / len(counted) if counted else None,
            restores=tuple(restores),
            time_to_restore=quantile((t for _, t in restores), o.statistic),
            left_out=tuple(left_out),
        ),
        o.benchmarks,
    )


def _graded(k: FourKeys, which: Benchmarks) -> FourKeys:
    k.levels.update(
        deployment_frequency=bench.graded_frequency(which, k.days_per_span),
        lead_time=bench.graded_duration(bench.LEAD_TIME, which, k.lead_time),
        change_failure_rate=bench.graded_rate(which, k.change_failure_rate),
        time_to_restore=bench.graded_duration(bench.TIME_TO_RESTORE, which, k.time_to_restore),
    )
    return k


def buckets(start: datetime, end: datetime, size: Bucket) -> list[tuple[datetime, datetime]]:
    """The trend's periods: calendar weeks (Monday 00:00 UTC) or months, the first and last
    clipped to [start, end)."""
    out: list[tuple[datetime, datetime]] = []
    at = start
    while at < end:
        day = datetime(at.year, at.month, at.day, tzinfo=UTC)
        if size is Bucket.WEEK:
            nxt = day - timedelta(days=day.weekday()) + timedelta(days=7)
        else:
            nxt = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=UTC)
        out.append((at, min(nxt, end)))
        at = min(nxt, end)
    return out
