"""Test-suite runs reported as evidence (`test_run`: by GraphQL or read from a CDEvent), as plain
facts for the contexts above pipelines (insights weighs a service's suites and coverage against
the defects that escaped it): batched by service, plain values."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.repository import scoped
from domain.pipelines.models import Artifact, Evidence
from domain.pipelines.vocabulary import EvidenceType

MAX_RUNS = 20_000
"""At most this many runs from one call (the latest reported)."""


@dataclass(frozen=True, slots=True)
class TestSuiteRun:
    """One reported run of a test suite against a version of a service."""

    __test__ = False  # not a pytest class, despite its name

    id: uuid.UUID
    """The evidence row's id."""
    service_id: uuid.UUID
    artifact_version: str
    suite: str
    coverage_percent: float | None
    passed: bool
    reported_at: datetime


def _coverage(payload: Any) -> float | None:
    value = payload.get("coveragePercent") if isinstance(payload, dict) else None
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


async def runs_of_services(
    session: AsyncSession,
    scope: Scope,
    service_ids: Collection[uuid.UUID],
    start: datetime,
    end: datetime,
) -> list[TestSuiteRun]:
    """The test runs of these services reported in [start, end) in the BUs of `scope`, earliest
    first, in one statement (artifacts by service, then their evidence by artifact and kind:
    both indexed)."""
    if not service_ids or scope.empty:
        return []
    stmt = (
        scoped(
            select(
                Evidence.id,
                Artifact.service_id,
                Artifact.version,
                Evidence.subject,
                Evidence.payload,
                Evidence.passed,
                Evidence.reported_at,
            ).join(Artifact, Artifact.id == Evidence.artifact_id),
            Evidence.bu_id,
            scope,
        )
        .where(
            Artifact.service_id.in_(sorted(set(service_ids), key=str)),
            Evidence.kind == EvidenceType.TEST_RUN.value,
            Evidence.reported_at >= start,
            Evidence.reported_at < end,
        )
        .order_by(Evidence.reported_at.desc(), Evidence.id)
        .limit(MAX_RUNS)
    )
    rows = (await session.execute(stmt)).all()
    return [
        TestSuiteRun(
            r.id, r.service_id, r.version, r.subject, _coverage(r.payload), r.passed, r.reported_at
        )
        for r in reversed(rows)
    ]
