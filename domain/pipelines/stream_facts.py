"""What pipelines knows of a production change's way there, as plain facts for the value stream
(insights): the promotion and release it carried out, when its artifact was built and tested,
when it reached staging, who approved the production promotion and who asked for the
deployment.

Batched over deployments: six statements, whatever their number.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import Artifact, DeploymentReport, Evidence
from domain.pipelines.production_deployments import FinishedDeployment
from domain.pipelines.promotion_models import PromotionApproval
from domain.pipelines.unauthorized_models import PromotionLink
from domain.pipelines.vocabulary import DeploymentKind, DeploymentStatus, EvidenceType

TESTS = (EvidenceType.TEST_RUN, EvidenceType.INTEGRATION_RESULT)


@dataclass(frozen=True, slots=True)
class ChangePath:
    """One production deployment's way to production, as pipelines recorded it."""

    deployment_id: uuid.UUID
    release_id: uuid.UUID | None
    promotion_id: uuid.UUID | None
    requested_by_id: uuid.UUID | None
    """Who asked for a deployment Signalbox drove (None: reported by a CD tool)."""
    built_at: datetime | None
    tests_passed_at: tuple[datetime, ...]
    """Passing test and integration reports on the artifact, earliest first."""
    staged: tuple[tuple[datetime, datetime], ...]
    """Deployments of the same version to staging (started, finished), earliest first."""
    promotion_approvals: tuple[tuple[uuid.UUID, datetime], ...]
    """Approvals of the production promotion (approver, when)."""


async def _links(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID | None]]:
    ids = [d.id for d in deployments]
    link = PromotionLink.__table__
    rows = await session.execute(
        select(
            link.c.deployment_id, link.c.deployment_report_id, link.c.promotion_id, link.c.release_id
        ).where(or_(link.c.deployment_id.in_(ids), link.c.deployment_report_id.in_(ids)))
    )
    return {(r[0] or r[1]): (r.promotion_id, r.release_id) for r in rows}


async def _staged(
    session: AsyncSession, service_ids: set[uuid.UUID], versions: set[str]
) -> dict[tuple[uuid.UUID, str], list[tuple[datetime, datetime]]]:
    env = environments.environment_rows()
    dep, rep = Deployment.__table__, DeploymentReport.__table__
    staging = env.c.kind == EnvironmentKind.STAGING
    planned = await session.execute(
        select(dep.c.service_id, dep.c.artifact_version, dep.c.started_at, dep.c.finished_at)
        .join(env, env.c.id == dep.c.environment_id)
        .where(
            staging,
            dep.c.service_id.in_(service_ids),
            dep.c.artifact_version.in_(versions),
            dep.c.status == DeploymentStatus.SUCCEEDED,
        )
    )
    reported = await session.execute(
        select(rep.c.service_id, rep.c.artifact_ref, rep.c.occurred_at, rep.c.occurred_at)
        .join(env, env.c.id == rep.c.environment_id)
        .where(
            staging,
            rep.c.service_id.in_(service_ids),
            rep.c.artifact_ref.in_(versions),
            rep.c.kind.in_([DeploymentKind.DEPLOYED, DeploymentKind.UPGRADED]),
        )
    )
    out: dict[tuple[uuid.UUID, str], list[tuple[datetime, datetime]]] = defaultdict(list)
    for s, v, started, finished in [*planned.all(), *reported.all()]:
        out[(s, v)].append((started or finished, finished))
    return out


async def change_paths(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> dict[uuid.UUID, ChangePath]:
    """The way to production of each deployment, by its id."""
    if not deployments:
        return {}
    links = await _links(session, deployments)
    services = {d.service_id for d in deployments}
    versions = {d.artifact for d in deployments}
    asked = await session.execute(
        select(Deployment.id, Deployment.requested_by_id).where(
            Deployment.id.in_([d.id for d in deployments])
        )
    )
    requested = {r.id: r.requested_by_id for r in asked}
    built = await session.execute(
        select(Artifact.id, Artifact.service_id, Artifact.version, Artifact.created_at).where(
            Artifact.service_id.in_(services), Artifact.version.in_(versions)
        )
    )
    artifacts = {(r.service_id, r.version): (r.id, r.created_at) for r in built}
    tested = await session.execute(
        select(Evidence.artifact_id, Evidence.reported_at)
        .where(
            Evidence.artifact_id.in_([a for a, _ in artifacts.values()]),
            Evidence.kind.in_(TESTS),
            Evidence.passed.is_(True),
        )
        .order_by(Evidence.reported_at)
    )
    tests: dict[uuid.UUID, list[datetime]] = defaultdict(list)
    for artifact_id, at in tested:
        tests[artifact_id].append(at)
    staged = await _staged(session, services, versions)
    promotions = {p for p, _ in links.values()}
    approved = await session.execute(
        select(PromotionApproval.promotion_id, PromotionApproval.approver_id, PromotionApproval.approved_at)
        .where(PromotionApproval.promotion_id.in_(promotions))
        .order_by(PromotionApproval.approved_at)
    )
    approvals: dict[uuid.UUID, list[tuple[uuid.UUID, datetime]]] = defaultdict(list)
    for promotion_id, person_id, at in approved:
        approvals[promotion_id].append((person_id, at))
    out: dict[uuid.UUID, ChangePath] = {}
    for d in deployments:
        promotion_id, release_id = links.get(d.id, (None, None))
        artifact_id, built_at = artifacts.get((d.service_id, d.artifact), (None, None))
        out[d.id] = ChangePath(
            deployment_id=d.id,
            release_id=release_id,
            promotion_id=promotion_id,
            requested_by_id=requested.get(d.id),
            built_at=built_at,
            tests_passed_at=tuple(tests.get(artifact_id, [])) if artifact_id else (),
            staged=tuple(sorted(staged.get((d.service_id, d.artifact), []))),
            promotion_approvals=tuple(approvals.get(promotion_id, [])) if promotion_id else (),
        )
    return out
