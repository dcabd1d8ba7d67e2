"""Who drove a team's production deployments, for the contexts above (insights' maturity
assessments count the automation share): batched, plain values.

A deployment Signalbox drove counts as automated when a machine user (CI) or the system asked
for it, manual when a person did; a deployment a CD tool reported (CDEvents) is automated.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.vocabulary import EnvironmentKind
from domain.organization import fragments as organization
from domain.organization.vocabulary import PersonKind
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import DeploymentReport
from domain.pipelines.vocabulary import DeploymentKind, DeploymentStatus

MAX_ROWS = 20_000
"""At most this many of each kind from one call (the earliest)."""


@dataclass(frozen=True, slots=True)
class DeploymentOrigin:
    team_id: uuid.UUID
    finished_at: datetime
    automated: bool


async def production_deployment_origins(
    session: AsyncSession, team_ids: Collection[uuid.UUID], start: datetime, end: datetime
) -> list[DeploymentOrigin]:
    """The teams' production deployments finished in [start, end), each automated or not (two
    statements: the driven ones, the reported ones)."""
    if not team_ids:
        return []
    teams = sorted(set(team_ids), key=str)
    svc, env, person = (
        organization.service_rows(),
        environments.environment_rows(),
        organization.person_rows(),
    )
    dep, rep = Deployment.__table__, DeploymentReport.__table__
    driven = (
        select(
            svc.c.team_id,
            dep.c.finished_at.label("at"),
            or_(person.c.id.is_(None), person.c.kind == PersonKind.MACHINE).label("automated"),
        )
        .join(svc, svc.c.id == dep.c.service_id)
        .join(env, env.c.id == dep.c.environment_id)
        .outerjoin(person, person.c.id == dep.c.requested_by_id)
        .where(
            svc.c.team_id.in_(teams),
            env.c.kind == EnvironmentKind.PRODUCTION,
            dep.c.status == DeploymentStatus.SUCCEEDED,
            dep.c.finished_at >= start,
            dep.c.finished_at < end,
        )
        .order_by(dep.c.finished_at)
        .limit(MAX_ROWS)
    )
    reported = (
        select(svc.c.team_id, rep.c.occurred_at.label("at"))
        .join(svc, svc.c.id == rep.c.service_id)
        .join(env, env.c.id == rep.c.environment_id)
        .where(
            svc.c.team_id.in_(teams),
            env.c.kind == EnvironmentKind.PRODUCTION,
            rep.c.kind.in_([DeploymentKind.DEPLOYED, DeploymentKind.UPGRADED]),
            rep.c.occurred_at >= start,
            rep.c.occurred_at < end,
        )
        .order_by(rep.c.occurred_at)
        .limit(MAX_ROWS)
    )
    found = [
        DeploymentOrigin(r.team_id, r.at, bool(r.automated))
        for r in (await session.execute(driven)).all()
    ]
    found += [DeploymentOrigin(r.team_id, r.at, True) for r in await session.execute(reported)]
    return found
