"""What pipelines knows of a production change's way there, as plain facts for the value stream
(insights): the promotion and release it carried out, when its artifact was built and tested,
when it reached staging, who approved the production promotion and who asked for the
deployment.

Batched over deployments: ten statements, whatever their number.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import Artifact, DeploymentReport, Evidence
from domain.pipelines.production_deployments import REPORTED, FinishedDeployment
from domain.pipelines.promotion_models import Promotion, PromotionApproval
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
    promotion_approvals_required: int | None
    """How many approvals its last decision required (None: unknown)."""


def required_approvals(decision: dict[str, Any] | None) -> int | None:
    """What the approvals gate of a recorded decision required."""
    for gate in (decision or {}).get("gates", []):
        if gate.get("gate") == "approvals":
            required = (gate.get("evidence") or {}).get("required")
            return required if isinstance(required, int) else None
    return None


async def _links(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID | None]]:
    ids = [d.id for d in deployments]
    link = PromotionLink.__table__
    rows = await session.execute(
        select(
            link.c.deployment_id,
            link.c.deployment_report_id,
            link.c.promotion_id,
            link.c.release_id,
        ).where(or_(link.c.deployment_id.in_(ids), link.c.deployment_report_id.in_(ids)))
    )
    return {(r[0] or r[1]): (r.promotion_id, r.release_id) for r in rows}


async def _artifacts(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> tuple[dict[uuid.UUID, uuid.UUID], dict[uuid.UUID, datetime]]:
    """Each deployment's artifact (a planned one's by service and version, a reported one's as
    the report resolved it), and when each artifact was built."""
    rep = DeploymentReport.__table__
    reported = await session.execute(
        select(rep.c.id, rep.c.artifact_id).where(
            rep.c.id.in_([d.id for d in deployments if d.kind == REPORTED]),
            rep.c.artifact_id.is_not(None),
        )
    )
    of_report = {r.id: r.artifact_id for r in reported}
    planned = [d for d in deployments if d.kind != REPORTED]
    built = await session.execute(
        select(Artifact.id, Artifact.service_id, Artifact.version, Artifact.created_at).where(
            or_(
                Artifact.id.in_(set(of_report.values())),
                and_(
                    Artifact.service_id.in_({d.service_id for d in planned}),
                    Artifact.version.in_({d.artifact for d in planned}),
                ),
            )
        )
    )
    rows = built.all()
    by_version = {(r.service_id, r.version): r.id for r in rows}
    of = {d.id: by_version.get((d.service_id, d.artifact)) for d in planned}
    of.update(of_report)
    return {k: v for k, v in of.items() if v is not None}, {r.id: r.created_at for r in rows}


async def _staged(
    session: AsyncSession, artifact_ids: set[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[datetime, datetime]]]:
    """Deployments of these artifacts to staging that went through, per artifact."""
    env = environments.environment_rows()
    dep, rep = Deployment.__table__, DeploymentReport.__table__
    staging = env.c.kind == EnvironmentKind.STAGING
    planned = await session.execute(
        select(Artifact.id, dep.c.started_at, dep.c.finished_at)
        .join(env, env.c.id == dep.c.environment_id)
        .join(
            Artifact,
            and_(
                Artifact.service_id == dep.c.service_id,
                Artifact.version == dep.c.artifact_version,
            ),
        )
        .where(staging, Artifact.id.in_(artifact_ids), dep.c.status == DeploymentStatus.SUCCEEDED)
    )
    reported = await session.execute(
        select(rep.c.artifact_id, rep.c.occurred_at, rep.c.occurred_at)
        .join(env, env.c.id == rep.c.environment_id)
        .where(
            staging,
            rep.c.artifact_id.in_(artifact_ids),
            rep.c.kind.in_([DeploymentKind.DEPLOYED, DeploymentKind.UPGRADED]),
        )
    )
    out: dict[uuid.UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for artifact_id, started, finished in [*planned.all(), *reported.all()]:
        out[artifact_id].append((started or finished, finished))
    return out


async def _approvals(
    session: AsyncSession, promotions: set[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[tuple[uuid.UUID, datetime]]], dict[uuid.UUID, int | None]]:
    approved = await session.execute(
        select(
            PromotionApproval.promotion_id,
            PromotionApproval.approver_id,
            PromotionApproval.approved_at,
        )
        .where(PromotionApproval.promotion_id.in_(promotions))
        .order_by(PromotionApproval.approved_at)
    )
    approvals: dict[uuid.UUID, list[tuple[uuid.UUID, datetime]]] = defaultdict(list)
    for promotion_id, person_id, at in approved:
        approvals[promotion_id].append((person_id, at))
    decided = await session.execute(
        select(Promotion.id, Promotion.decision).where(Promotion.id.in_(promotions))
    )
    return approvals, {r.id: required_approvals(r.decision) for r in decided}


async def change_paths(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> dict[uuid.UUID, ChangePath]:
    """The way to production of each deployment, by its id."""
    if not deployments:
        return {}
    links = await _links(session, deployments)
    asked = await session.execute(
        select(Deployment.id, Deployment.requested_by_id).where(
            Deployment.id.in_([d.id for d in deployments if d.kind != REPORTED])
        )
    )
    requested = {r.id: r.requested_by_id for r in asked}
    artifact_of, built_at = await _artifacts(session, deployments)
    tested = await session.execute(
        select(Evidence.artifact_id, Evidence.reported_at)
        .where(
            Evidence.artifact_id.in_(set(artifact_of.values())),
            Evidence.kind.in_(TESTS),
            Evidence.passed.is_(True),
        )
        .order_by(Evidence.reported_at)
    )
    tests: dict[uuid.UUID, list[datetime]] = defaultdict(list)
    for tested_id, at in tested:
        tests[tested_id].append(at)
    staged = await _staged(session, set(artifact_of.values()))
    approvals, required = await _approvals(session, {p for p, _ in links.values()})
    out: dict[uuid.UUID, ChangePath] = {}
    for d in deployments:
        promotion_id, release_id = links.get(d.id, (None, None))
        artifact_id = artifact_of.get(d.id)
        out[d.id] = ChangePath(
            deployment_id=d.id,
            release_id=release_id,
            promotion_id=promotion_id,
            requested_by_id=requested.get(d.id),
            built_at=built_at.get(artifact_id) if artifact_id else None,
            tests_passed_at=tuple(tests.get(artifact_id, [])) if artifact_id else (),
            staged=tuple(sorted(staged.get(artifact_id, []))) if artifact_id else (),
            promotion_approvals=tuple(approvals.get(promotion_id, [])) if promotion_id else (),
            promotion_approvals_required=required.get(promotion_id) if promotion_id else None,
        )
    return out
