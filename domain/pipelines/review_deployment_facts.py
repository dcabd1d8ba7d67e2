"""Published facts for the 24-hour post-release review (domain.postrelease.review_*): the
production deployments that finished (canary/blue-green deployments that succeeded, and
deployments CD tools reported), and the incidents of a service detected around one (its
alerts are `incident_facts.alerts_of_service`). Plain frozen values, read in a fixed number of
statements."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.fragments import environment_rows
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import DeploymentReport, IncidentReport
from domain.pipelines.vocabulary import DeploymentKind, DeploymentStatus

REPORTED_KINDS = (DeploymentKind.DEPLOYED.value, DeploymentKind.UPGRADED.value)
"""A rollback a CD tool reports is no new version in production: it opens no review."""


@dataclass(frozen=True, slots=True)
class FinishedDeployment:
    """A deployment that reached production: a Signalbox deployment or a reported one."""

    deployment_id: uuid.UUID | None
    report_id: uuid.UUID | None
    bu_id: uuid.UUID
    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    finished_at: datetime


@dataclass(frozen=True, slots=True)
class IncidentFact:
    id: uuid.UUID
    incident_ref: str
    status: str
    description: str
    detected_at: datetime
    resolved_at: datetime | None


async def production_deployments_finished(
    session: AsyncSession, start: datetime, end: datetime, *, limit: int
) -> list[FinishedDeployment]:
    """Deployments to production environments that finished in [start, end), newest first
    (two statements: Signalbox's own, then those CD tools reported), at most `limit` of each:
    a sweep every few minutes sees every new one while fewer than `limit` finish between two."""
    env = environment_rows()
    production = EnvironmentKind.PRODUCTION.value
    own = (
        select(
            Deployment.id,
            Deployment.bu_id,
            Deployment.service_id,
            Deployment.environment_id,
            Deployment.artifact_version,
            Deployment.finished_at,
        )
        .join(env, env.c.id == Deployment.environment_id)
        .where(
            env.c.kind == production,
            Deployment.status == DeploymentStatus.SUCCEEDED.value,
            Deployment.finished_at >= start,
            Deployment.finished_at < end,
        )
        .order_by(Deployment.finished_at.desc(), Deployment.id)
        .limit(limit)
    )
    out = [
        FinishedDeployment(
            r.id, None, r.bu_id, r.service_id, r.environment_id, r.artifact_version, at
        )
        for r in (await session.execute(own)).all()
        if (at := r.finished_at) is not None
    ]
    reported = (
        select(
            DeploymentReport.id,
            DeploymentReport.bu_id,
            DeploymentReport.service_id,
            DeploymentReport.environment_id,
            DeploymentReport.artifact_ref,
            DeploymentReport.occurred_at,
        )
        .join(env, env.c.id == DeploymentReport.environment_id)
        .where(
            env.c.kind == production,
            DeploymentReport.kind.in_(REPORTED_KINDS),
            DeploymentReport.service_id.is_not(None),
            DeploymentReport.occurred_at >= start,
            DeploymentReport.occurred_at < end,
        )
        .order_by(DeploymentReport.occurred_at.desc(), DeploymentReport.id)
        .limit(limit)
    )
    out += [
        FinishedDeployment(None, r.id, r.bu_id, r.service_id, r.environment_id, r[4][:128], r[5])
        for r in (await session.execute(reported)).all()
    ]
    return out


async def incidents_of_service(
    session: AsyncSession, service_id: uuid.UUID, start: datetime, end: datetime, *, limit: int
) -> list[IncidentFact]:
    """Incidents reported for the service and detected in [start, end), earliest first."""
    stmt = (
        select(
            IncidentReport.id,
            IncidentReport.incident_ref,
            IncidentReport.status,
            IncidentReport.description,
            IncidentReport.detected_at,
            IncidentReport.resolved_at,
        )
        .where(
            IncidentReport.service_id == service_id,
            IncidentReport.detected_at >= start,
            IncidentReport.detected_at < end,
        )
        .order_by(IncidentReport.detected_at)
        .limit(limit)
    )
    return [IncidentFact(*r) for r in (await session.execute(stmt)).all()]


def keys_of(found: Sequence[FinishedDeployment]) -> list[str]:
    """The review key of each finished deployment (see `review_key`)."""
    return [review_key(f) for f in found]


def review_key(f: FinishedDeployment) -> str:
    """`deployment:<id>` or `report:<id>`: one review per deployment, whichever way it came."""
    return f"deployment:{f.deployment_id}" if f.deployment_id else f"report:{f.report_id}"
