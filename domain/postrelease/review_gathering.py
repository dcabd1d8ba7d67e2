"""What a post-release review gathers for its service, before versus after the deployment:
metrics, alerts, incidents, log signals, feedback and synthetic results, and the emergent
issues the rules find in them. Reads only; the use case stores the result."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails.facts import guardrails_of_services
from domain.kernel.access import Scope
from domain.organization import facts as org_facts
from domain.pipelines import incident_facts
from domain.pipelines import review_deployment_facts as deployments
from domain.postrelease import attribution_repository as attribution_repo
from domain.postrelease import review_repository as repo
from domain.postrelease import review_rules as rules
from domain.postrelease.review_sources import (
    MetricsSource,
    MetricsUnavailable,
    SyntheticResults,
)
from domain.postrelease.review_vocabulary import MetricsState

LIMIT = 200
"""Alerts, incidents and feedback items kept per window: a review is read by people."""

SYSTEM_SCOPE = Scope(True, frozenset())
"""The review is gathered by the system: it reads every attribution of the service's incidents."""


@dataclass(frozen=True, slots=True)
class Gathered:
    metrics_state: MetricsState
    findings: dict[str, Any]
    issues: list[dict[str, Any]]


def _iso(at: datetime) -> str:
    return at.isoformat()


@dataclass(frozen=True, slots=True)
class Plan:
    """What gathering a review reads: its windows (before and after the deployment, as of when
    it was planned) and the service's PromQL queries by name, `{service}` filled in."""

    windows: rules.Windows
    queries: dict[str, str]


@dataclass(frozen=True, slots=True)
class MetricsRead:
    state: MetricsState
    readings: list[rules.Reading]
    note: str


async def plan(session: AsyncSession, review: Any, now: datetime) -> Plan | None:
    """The windows and queries of the review as of `now`; None while no time has passed."""
    w = rules.windows(review.deployed_at, now)
    if w is None:
        return None
    service = await org_facts.service(session, review.service_id, field=None)
    template = await repo.template_of(session, service.id)
    return Plan(w, rules.rendered(template.queries if template else [], service.key))


async def read_metrics(source: MetricsSource, plan: Plan) -> MetricsRead:
    """Each query's mean before and after; NOT_CONFIGURED or UNAVAILABLE (with why) instead of
    readings when the store is absent or fails. Called outside any unit of work: a slow
    Prometheus never holds a database transaction (nor SQLite's write lock) open."""
    if not source.configured:
        return MetricsRead(MetricsState.NOT_CONFIGURED, [], "No Prometheus is configured.")
    w = plan.windows
    readings = []
    try:
        for name, promql in plan.queries.items():
            before = await source.mean(promql, w.before_start, w.deployed_at)
            after = await source.mean(promql, w.deployed_at, w.after_end)
            readings.append(rules.Reading(name, before, after))
    except MetricsUnavailable as exc:
        return MetricsRead(MetricsState.UNAVAILABLE, [], str(exc)[:500])
    return MetricsRead(MetricsState.GATHERED, readings, "")


async def _feedback(
    session: AsyncSession, service_id: uuid.UUID, w: rules.Windows
) -> tuple[list[str], dict[str, int], list[dict[str, Any]]]:
    """Tags seen before; tags counted after; the items after."""
    before = await repo.feedback_between(
        session, service_id, w.before_start, w.deployed_at, limit=LIMIT
    )
    after = await repo.feedback_between(
        session, service_id, w.deployed_at, w.after_end, limit=LIMIT
    )
    counted: dict[str, int] = {}
    for item in after:
        for tag in item.tags:
            counted[tag] = counted.get(tag, 0) + 1
    items = [
        {
            "id": str(i.id),
            "kind": i.kind,
            "title": i.title,
            "tags": list(i.tags),
            "occurredAt": _iso(i.occurred_at),
        }
        for i in after
    ]
    return sorted({t for i in before for t in i.tags}), counted, items


def _findings(
    w: rules.Windows,
    tolerance: float,
    queries: dict[str, str],
    readings: list[rules.Reading],
    note: str,
) -> dict[str, Any]:
    return {
        "windows": {
            "beforeStart": _iso(w.before_start),
            "deployedAt": _iso(w.deployed_at),
            "afterEnd": _iso(w.after_end),
        },
        "tolerancePct": tolerance,
        "metrics": [
            {
                "name": r.name,
                "query": queries[r.name],
                "before": r.before,
                "after": r.after,
                "risePct": None
                if r.before is None or r.after is None
                else rules.rise_pct(r.before, r.after),
            }
            for r in readings
        ],
        "metricsNote": note,
    }


def _deployment_id(key: str) -> uuid.UUID:
    """The deployment's id in a review's `deployment:<id>` or `report:<id>` key."""
    return uuid.UUID(key.split(":", 1)[1])


async def _happenings(
    session: AsyncSession, service_id: uuid.UUID, deployment_key: str, w: rules.Windows
) -> dict[str, Any]:
    """Alerts and incidents of the service after the deployment; each incident with the change
    it is attributed to (domain.postrelease.attribution_*), so one attributed to another change
    (a flag flip, a configuration change) is shown but does not emerge against this one."""
    alerts = await incident_facts.alerts_of_service(
        session, service_id, w.deployed_at, w.after_end, limit=LIMIT
    )
    incidents = await deployments.incidents_of_service(
        session, service_id, w.deployed_at, w.after_end, limit=LIMIT
    )
    attributed = await attribution_repo.attributions_of_incidents(
        session, [i.id for i in incidents], SYSTEM_SCOPE
    )
    this = _deployment_id(deployment_key)
    return {
        "alerts": [
            {
                "name": a.name,
                "fingerprint": a.fingerprint,
                "summary": a.summary[:500],
                "startsAt": _iso(a.at),
            }
            for a in alerts
        ],
        "incidents": [
            {
                "id": str(i.id),
                "ref": i.incident_ref,
                "status": i.status,
                "description": i.description[:500],
                "detectedAt": _iso(i.detected_at),
                **rules.attribution_of(attributed.get(i.id), this),
            }
            for i in incidents
        ],
    }


async def gather(
    session: AsyncSession,
    review: Any,
    plan: Plan,
    metrics: MetricsRead,
    synthetic: SyntheticResults,
) -> Gathered:
    """Everything the review shows over the plan's windows, with the metrics read for it."""
    w, queries = plan.windows, plan.queries
    readings, note = metrics.readings, metrics.note
    service_id = review.service_id
    guardrails = await guardrails_of_services(session, [service_id])
    tolerance = float(guardrails[service_id][rules.TOLERANCE_KEY])
    fp_before = await repo.signal_counts(session, service_id, w.before_start, w.deployed_at)
    fp_after = await repo.signal_counts(session, service_id, w.deployed_at, w.after_end)
    themes_before, themes_after, items = await _feedback(session, service_id, w)
    happenings = await _happenings(session, service_id, review.deployment_key, w)
    # The service's synthetic journeys, each before and after (journey_review by default).
    journeys = await synthetic(
        session, service_id, (w.before_start, w.deployed_at), (w.deployed_at, w.after_end)
    )
    findings = {
        **_findings(w, tolerance, queries, readings, note),
        **happenings,
        "logSignals": {"before": fp_before, "after": fp_after},
        "feedback": {"themesBefore": themes_before, "themesAfter": themes_after, "items": items},
        "synthetic": None if journeys is None else list(journeys),
    }
    issues = rules.emergent_issues(
        readings,
        tolerance,
        (fp_before, fp_after),
        (themes_before, themes_after),
        happenings["incidents"],
        journeys or (),
    )
    return Gathered(metrics.state, findings, issues)
