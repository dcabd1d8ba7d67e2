"""Pure rules of the 24-hour post-release review: its due time and windows, the metric template
(validated, rendered for a service), and the emergent issues found by comparing the window
after the deployment with the window of equal length before it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.kernel.errors import DomainError
from domain.postrelease.review_errors import ReviewErrorCode as Code
from domain.postrelease.review_vocabulary import IssueKind, StandardMetric

REVIEW_AFTER = timedelta(hours=24)
"""A review is due a day after its deployment finished, and looks at that day."""
TOLERANCE_KEY = "post_release_regression_tolerance_pct"
PLACEHOLDERS = frozenset({"service"})
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
QUERY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_QUERIES = 12
MAX_PROMQL = 2000

DEFAULT_QUERIES: Mapping[str, str] = {
    StandardMetric.ERROR_RATE.value: (
        'sum(rate(http_requests_total{service="{service}",code=~"5.."}[5m]))'
        ' / sum(rate(http_requests_total{service="{service}"}[5m]))'
    ),
    StandardMetric.LATENCY_P99.value: (
        "histogram_quantile(0.99, sum by (le) "
        '(rate(http_request_duration_seconds_bucket{service="{service}"}[5m])))'
    ),
    StandardMetric.SATURATION.value: (
        'avg(rate(process_cpu_seconds_total{service="{service}"}[5m]))'
    ),
}
"""Built-in queries over the usual instrumentation (a service's template may redefine them)."""


@dataclass(frozen=True, slots=True)
class Windows:
    """[before_start, deployed_at) and [deployed_at, after_end): of equal length."""

    before_start: datetime
    deployed_at: datetime
    after_end: datetime


def aware(at: datetime, field: str, code: str) -> datetime:
    """A time as given, refused (typed, on its field) when it carries no UTC offset."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise DomainError(
            "Give the time with its UTC offset (e.g. 2026-12-07T09:00:00Z).",
            code=code,
            field=field,
        )
    return at


def due_at(deployed_at: datetime) -> datetime:
    return deployed_at + REVIEW_AFTER


def windows(deployed_at: datetime, now: datetime) -> Windows | None:
    """The windows compared at `now`: the day after the deployment, or as much of it as has
    passed (and as much before it); None while no time has passed since the deployment."""
    length = min(REVIEW_AFTER, now - deployed_at)
    if length <= timedelta(0):
        return None
    return Windows(deployed_at - length, deployed_at, deployed_at + length)


def validated_queries(queries: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A template's queries, checked: 1-12 of them, unique names, PromQL of at most 2000
    characters that names only known placeholders and uses `{service}`."""
    if not 1 <= len(queries) <= MAX_QUERIES:
        raise DomainError(
            f"A metric template holds 1 to {MAX_QUERIES} queries.",
            code=Code.INVALID_TEMPLATE,
            field="queries",
        )
    out: list[dict[str, str]] = []
    for n, q in enumerate(queries):
        name, promql = str(q.get("name", "")).strip(), str(q.get("promql", "")).strip()
        if not QUERY_NAME.match(name) or name in {o["name"] for o in out}:
            raise DomainError(
                f"Query {n + 1}: a unique name of lowercase letters, digits and _ (at most 64).",
                code=Code.INVALID_QUERY_NAME,
                field=f"queries.{n}.name",
            )
        if not promql or len(promql) > MAX_PROMQL or promql.count("(") != promql.count(")"):
            raise DomainError(
                f"Query {name}: PromQL of 1 to {MAX_PROMQL} characters, parentheses balanced.",
                code=Code.INVALID_PROMQL,
                field=f"queries.{n}.promql",
            )
        unknown = sorted(set(PLACEHOLDER.findall(promql)) - PLACEHOLDERS)
        if unknown or "{service}" not in promql:
            raise DomainError(
                f"Query {name}: the only placeholder is {{service}}, and it must be used "
                f"(unknown: {', '.join(unknown) or 'none'}).",
                code=Code.UNKNOWN_PLACEHOLDER,
                field=f"queries.{n}.promql",
            )
        out.append({"name": name, "promql": promql})
    return out


def rendered(queries: Sequence[Mapping[str, str]], service_key: str) -> dict[str, str]:
    """The built-in queries overlaid by the template's, `{service}` replaced by the key."""
    merged = {**DEFAULT_QUERIES, **{q["name"]: q["promql"] for q in queries}}
    return {name: promql.replace("{service}", service_key) for name, promql in merged.items()}


@dataclass(frozen=True, slots=True)
class Reading:
    """A metric's mean over each window; None where Prometheus had no sample."""

    name: str
    before: float | None
    after: float | None


def rise_pct(before: float, after: float) -> float | None:
    """How much worse after is than before, in percent; None when before was zero."""
    if before == 0:
        return None
    return (after - before) / abs(before) * 100


def regressions(readings: Sequence[Reading], tolerance_pct: float) -> list[dict[str, Any]]:
    """Metrics that got worse by more than the tolerance (a metric absent before and non-zero
    after counts as a regression too: it could not be compared and something appeared)."""
    out = []
    for r in readings:
        if r.before is None or r.after is None:
            continue
        rise = rise_pct(r.before, r.after)
        worse = r.after > 0 if rise is None else rise > tolerance_pct
        if worse:
            out.append(
                {
                    "kind": IssueKind.METRIC_REGRESSION.value,
                    "key": r.name,
                    "detail": f"{r.name} {_num(r.before)} → {_num(r.after)}"
                    + (f" (+{rise:.1f} %, tolerance {tolerance_pct:g} %)" if rise else ""),
                }
            )
    return out


def _num(value: float) -> str:
    return f"{value:.4g}"


def new_fingerprints(before: Mapping[str, int], after: Mapping[str, int]) -> list[dict[str, Any]]:
    """Error fingerprints counted after the deployment and never before it."""
    return [
        {
            "kind": IssueKind.NEW_ERROR_FINGERPRINT.value,
            "key": fp,
            "detail": f"{fp}: {after[fp]} errors, none before",
        }
        for fp in sorted(after)
        if after[fp] > 0 and before.get(fp, 0) == 0
    ]


def new_themes(before: Sequence[str], after: Mapping[str, int]) -> list[dict[str, Any]]:
    """Feedback tags seen after the deployment and not in the window before it."""
    seen = set(before)
    return [
        {
            "kind": IssueKind.NEW_FEEDBACK_THEME.value,
            "key": tag,
            "detail": f"{tag}: {after[tag]} feedback items, none before",
        }
        for tag in sorted(after)
        if tag not in seen
    ]


def attribution_of(attribution: Any | None, deployment_id: uuid.UUID) -> dict[str, Any]:
    """What an incident's attribution says about this deployment: the change it names (kind,
    id) and whether that change is another one (then the incident is not this deployment's)."""
    if attribution is None or attribution.change_id is None:
        return {"attributedTo": None, "attributedElsewhere": False}
    change = attribution.change_id
    return {
        "attributedTo": {
            "kind": attribution.change_kind,
            "id": str(change),
            "status": attribution.status,
        },
        "attributedElsewhere": change != deployment_id,
    }


def incident_issues(incidents: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each incident of the service detected after the deployment, unless it is attributed to
    another change."""
    return [
        {
            "kind": IssueKind.INCIDENT.value,
            "key": str(i["ref"]),
            "detail": f"{i['ref']}: {i['description'][:200]}",
        }
        for i in incidents
        if not i.get("attributedElsewhere")
    ]


def journey_summary(
    key: str, name: str, before: Sequence[bool], after: Sequence[bool]
) -> dict[str, Any]:
    """One synthetic journey around the deployment, from its runs' outcomes (True: passed) in
    the window before and the window after: passed means every run passed; None, no run."""
    return {
        "journey": key,
        "name": name,
        "runsBefore": len(before),
        "runsAfter": len(after),
        "passedBefore": all(before) if before else None,
        "passedAfter": all(after) if after else None,
        "failedAfter": sum(1 for ok in after if not ok),
    }


def journey_issues(results: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each journey that passed every run before the deployment and failed one after it."""
    return [
        {
            "kind": IssueKind.JOURNEY_REGRESSION.value,
            "key": str(r["journey"]),
            "detail": f"{r['name']}: passed before, failed {r['failedAfter']} of "
            f"{r['runsAfter']} runs after",
        }
        for r in results
        if r["passedBefore"] is True and r["failedAfter"] > 0
    ]


def emergent_issues(
    readings: Sequence[Reading],
    tolerance_pct: float,
    fingerprints: tuple[Mapping[str, int], Mapping[str, int]],
    themes: tuple[Sequence[str], Mapping[str, int]],
    incidents: Sequence[Mapping[str, Any]],
    journeys: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Everything that emerged: regressions, new fingerprints, new themes, incidents, journeys
    that passed before and fail after."""
    return [
        *regressions(readings, tolerance_pct),
        *new_fingerprints(*fingerprints),
        *new_themes(*themes),
        *incident_issues(incidents),
        *journey_issues(journeys),
    ]


def is_overdue(status: str, due: datetime, now: datetime) -> bool:
    return status == "open" and due <= now
