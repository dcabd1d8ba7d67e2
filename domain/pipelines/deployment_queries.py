"""Read use cases of deployments and webhooks, scoped to the BUs the actor may read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.errors import NotFound
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import scoped_list, scoped_page
from domain.pipelines import deployment_repository as repo
from domain.pipelines import deployment_rules as rules
from domain.pipelines.vocabulary import Verdict

Rows = dict[Any, Row[Any]]


def _empty() -> Page[Row[Any]]:
    return Page(items=[], has_next=False, cursors=[])


deployments = scoped_page(Resource.DEPLOYMENT, repo.deployments_page)


async def deployments_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.DEPLOYMENT)
    rows = await repo.deployments_by_ids(r.session, ids)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def reports_of_deployments(
    r: Reader, ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """Health reports per deployment; the caller asks only for deployments it may read."""
    return await repo.reports_of_deployments(r.session, ids, first=first, after=after)


async def current_reports(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    """The newest report of each deployment's current step (its current verdict)."""
    return await repo.current_reports(r.session, ids)


async def rollbacks_of_deployments(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return await repo.rollbacks_of_deployments(r.session, ids)


async def alerts_of_deployments(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await repo.alerts_of_deployments(r.session, ids)


webhook_subscriptions = scoped_list(Resource.WEBHOOK, repo.subscriptions)
"""Subscriptions you may read: your BUs' (and the org-wide ones, when you read everywhere)."""


async def webhook_subscriptions_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.WEBHOOK)
    rows = await repo.subscriptions_by_ids(r.session, ids)
    return {
        k: v
        for k, v in rows.items()
        if scope.allows(v.bu_id) or (v.bu_id is None and scope.everywhere)
    }


async def outbox_messages(
    r: Reader,
    *,
    undelivered: bool,
    dead: bool | None,
    topic: str | None,
    key_prefix: str | None = None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Outbox messages of the BUs whose webhooks you may read, oldest first (operators)."""
    scope = r.scope(Resource.WEBHOOK)
    if scope.empty:
        return _empty()
    return await repo.outbox_page(
        r.session,
        scope,
        undelivered=undelivered,
        dead=dead,
        topic=topic,
        key_prefix=key_prefix,
        first=first,
        after=after,
    )


@dataclass(frozen=True, slots=True)
class CurrentVerdict:
    """A deployment's standing, as Argo Rollouts' web metric provider reads it."""

    deployment: Row[Any]
    status: rules.ArgoStatus
    verdict: Verdict | None
    reasons: list[str]
    dwell_remaining: timedelta


async def current_verdict(r: Reader, deployment_id: uuid.UUID, now: datetime) -> CurrentVerdict:
    dep = (await deployments_by_id(r, [deployment_id])).get(deployment_id)
    if dep is None:
        raise NotFound("Deployment was not found.")
    report = (await repo.current_reports(r.session, [dep.id])).get(dep.id)
    verdict = Verdict(report.verdict) if report is not None else None
    step = rules.Step.from_json(dep.steps[dep.current_step])
    return CurrentVerdict(
        deployment=dep,
        status=rules.argo_status(dep.status, verdict),
        verdict=verdict,
        reasons=[c["message"] for c in report.reasons] if report is not None else [],
        dwell_remaining=rules.dwell_left(dep.status, dep.step_started_at, step.dwell_minutes, now),
    )
