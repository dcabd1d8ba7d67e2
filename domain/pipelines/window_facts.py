"""Published counts of BUs' production record over time windows, for the contexts above
pipelines (insights: the figures before and after a policy change). One statement per kind of
row, whatever the number of windows; each led by the BU's index on its time column."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.vocabulary import EnvironmentKind
from domain.kernel.window_counts import BuWindow, window_sums, within
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import DeploymentReport, IncidentReport
from domain.pipelines.vocabulary import DeploymentKind, DeploymentStatus

DEP = Deployment.__table__
REP = DeploymentReport.__table__
INC = IncidentReport.__table__


@dataclass(frozen=True, slots=True)
class ProductionCounts:
    deployments: int
    """Production deployments that finished: planned ones SUCCEEDED or ROLLED_BACK, reported
    ones (deployed, upgraded)."""
    rolled_back: int
    incidents: int
    """Incidents detected."""


async def production_counts(
    session: AsyncSession, windows: Sequence[BuWindow]
) -> list[ProductionCounts]:
    """For each window: its BU's production deployments, rollbacks and incidents in it (three
    statements)."""
    if not windows:
        return []
    env = environments.environment_rows()
    production = env.c.kind == EnvironmentKind.PRODUCTION
    rolled = DEP.c.status == DeploymentStatus.ROLLED_BACK
    bu, at = DEP.c.bu_id, DEP.c.finished_at
    planned = (
        select(*window_sums(bu, at, windows), *window_sums(bu, at, windows, rolled))
        .join(env, env.c.id == DEP.c.environment_id)
        .where(
            production,
            DEP.c.status.in_([DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK]),
            *within(bu, at, windows),
        )
    )
    reported = (
        select(*window_sums(REP.c.bu_id, REP.c.occurred_at, windows))
        .join(env, env.c.id == REP.c.environment_id)
        .where(
            production,
            REP.c.kind.in_([DeploymentKind.DEPLOYED, DeploymentKind.UPGRADED]),
            *within(REP.c.bu_id, REP.c.occurred_at, windows),
        )
    )
    incidents = select(*window_sums(INC.c.bu_id, INC.c.detected_at, windows)).where(
        *within(INC.c.bu_id, INC.c.detected_at, windows)
    )
    n = len(windows)
    p = (await session.execute(planned)).one()
    r = (await session.execute(reported)).one()
    i = (await session.execute(incidents)).one()
    return [ProductionCounts(int(p[k]) + int(r[k]), int(p[n + k]), int(i[k])) for k in range(n)]
