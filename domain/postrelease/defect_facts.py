"""Published facts of post-release defects, for contexts above (insights weighs the defects that
escaped each test layer against the service's test evidence): batched, plain values."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.repository import scoped
from domain.organization.fragments import service_rows
from domain.postrelease.defect_models import Defect

DEFECT = Defect.__table__
MAX_DEFECTS = 20_000
"""At most this many defects from one call (the earliest found)."""


@dataclass(frozen=True, slots=True)
class EscapedDefect:
    """A defect as a test-investment figure counts it: where it escaped and how badly."""

    id: uuid.UUID
    bu_id: uuid.UUID
    service_id: uuid.UUID
    service_key: str
    team_id: uuid.UUID
    component: str
    escaped_layer: str
    severity: str
    root_cause: str
    found_at: datetime


@dataclass(frozen=True, slots=True)
class DefectFilter:
    """Which defects: each field narrows (None: any)."""

    bu_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None


async def escaped_between(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime, f: DefectFilter
) -> list[EscapedDefect]:
    """Defects found in [start, end) in the BUs of `scope`, narrowed by `f`, earliest found
    first, in one statement (the index on (bu_id, found_at), or (service_id, found_at))."""
    if scope.empty:
        return []
    svc = service_rows()
    stmt = scoped(
        select(
            DEFECT.c.id,
            DEFECT.c.bu_id,
            DEFECT.c.service_id,
            svc.c.key.label("service_key"),
            svc.c.team_id,
            DEFECT.c.component,
            DEFECT.c.escaped_layer,
            DEFECT.c.severity,
            DEFECT.c.root_cause,
            DEFECT.c.found_at,
        ).join(svc, svc.c.id == DEFECT.c.service_id),
        DEFECT.c.bu_id,
        scope,
    ).where(DEFECT.c.found_at >= start, DEFECT.c.found_at < end)
    if f.bu_id is not None:
        stmt = stmt.where(DEFECT.c.bu_id == f.bu_id)
    if f.service_id is not None:
        stmt = stmt.where(DEFECT.c.service_id == f.service_id)
    if f.team_id is not None:
        stmt = stmt.where(svc.c.team_id == f.team_id)
    stmt = stmt.order_by(DEFECT.c.found_at, DEFECT.c.id).limit(MAX_DEFECTS)
    return [EscapedDefect(*r) for r in (await session.execute(stmt)).all()]
