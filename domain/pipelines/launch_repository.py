"""SQL of a service's production history: what the first-launch rule
(domain.readiness.review_launch.first_launch) is judged over."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import ids_param
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import DeploymentReport
from domain.pipelines.vocabulary import DeploymentKind, DeploymentStatus
from domain.readiness.review_launch import ProductionHistory

DEPLOYMENT = Deployment.__table__
REPORT = DeploymentReport.__table__
LANDED = (DeploymentKind.DEPLOYED.value, DeploymentKind.UPGRADED.value)


async def production_history(
    session: AsyncSession, service_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ProductionHistory]:
    """Each service's deployments that succeeded in a production environment and the
    deployments or upgrades reported there, counted in one statement (every service asked
    about is in the answer, with zeros when it never reached production)."""
    wanted = sorted(set(service_ids), key=str)
    if not wanted:
        return {}
    rows = (await session.execute(_PRODUCTION_HISTORY, {"ids": wanted})).all()
    counts = {(sid, source): n for sid, source, n in rows}
    return {
        sid: ProductionHistory(
            sid, counts.get((sid, "deployment"), 0), counts.get((sid, "report"), 0)
        )
        for sid in wanted
    }


def _production_history() -> Select[Any]:
    env = environments.environment_rows()
    production = env.c.kind == EnvironmentKind.PRODUCTION.value
    ran = (
        select(DEPLOYMENT.c.service_id, literal("deployment").label("source"))
        .join(env, env.c.id == DEPLOYMENT.c.environment_id)
        .where(
            DEPLOYMENT.c.service_id.in_(ids_param()),
            DEPLOYMENT.c.status == DeploymentStatus.SUCCEEDED.value,
            production,
        )
    )
    reported = (
        select(REPORT.c.service_id, literal("report").label("source"))
        .join(env, env.c.id == REPORT.c.environment_id)
        .where(
            REPORT.c.service_id.in_(ids_param()),
            REPORT.c.kind.in_(LANDED),
            production,
        )
    )
    both = union_all(ran, reported).subquery()
    return select(both.c.service_id, both.c.source, func.count()).group_by(
        both.c.service_id, both.c.source
    )


# Built once (a cold decision snapshot reads it; building costs more than running).
_PRODUCTION_HISTORY = prepared(_production_history())
