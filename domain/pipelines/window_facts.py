"""Published counts of a BU's production record over time windows, for the contexts above
pipelines (insights: the figures before and after a policy change). One statement per kind of
row, whatever the number of windows; each led by the BU's index on its time column."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.vocabulary import EnvironmentKind
from domain.pipelines.deployment_models import Deployment
from domain.pipelines.models import DeploymentReport, IncidentReport
from domain.pipelines.vocabulary import DeploymentKind, DeploymentStatus

Span = tuple[datetime, datetime]

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


def _counts(at: Any, spans: Sequence[Span], extra: Any = None) -> list[Any]:
    cols = []
    for start, end in spans:
        inside = (
            and_(at >= start, at < end) if extra is None else and_(at >= start, at < end, extra)
        )
        cols.append(func.coalesce(func.sum(case((inside, 1), else_=0)), 0))
    return cols


async def production_counts(
    session: AsyncSession, bu_id: uuid.UUID, spans: Sequence[Span]
) -> list[ProductionCounts]:
    """For each [start, end) span: the BU's production deployments, rollbacks and incidents
    (three statements)."""
    if not spans:
        return []
    low, high = min(s for s, _ in spans), max(e for _, e in spans)
    env = environments.environment_rows()
    production = env.c.kind == EnvironmentKind.PRODUCTION
    rolled = DEP.c.status == DeploymentStatus.ROLLED_BACK
    planned = (
        select(*_counts(DEP.c.finished_at, spans), *_counts(DEP.c.finished_at, spans, rolled))
        .join(env, env.c.id == DEP.c.environment_id)
        .where(
            DEP.c.bu_id == bu_id,
            production,
            DEP.c.status.in_([DeploymentStatus.SUCCEEDED, DeploymentStatus.ROLLED_BACK]),
            DEP.c.finished_at >= low,
            DEP.c.finished_at < high,
        )
    )
    reported = (
        select(*_counts(REP.c.occurred_at, spans))
        .join(env, env.c.id == REP.c.environment_id)
        .where(
            REP.c.bu_id == bu_id,
            production,
            REP.c.kind.in_([DeploymentKind.DEPLOYED, DeploymentKind.UPGRADED]),
            REP.c.occurred_at >= low,
            REP.c.occurred_at < high,
        )
    )
    incidents = select(*_counts(INC.c.detected_at, spans)).where(
        INC.c.bu_id == bu_id, INC.c.detected_at >= low, INC.c.detected_at < high
    )
    n = len(spans)
    p = (await session.execute(planned)).one()
    r = (await session.execute(reported)).one()
    i = (await session.execute(incidents)).one()
    return [ProductionCounts(int(p[k]) + int(r[k]), int(p[n + k]), int(i[k])) for k in range(n)]
