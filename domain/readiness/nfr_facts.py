"""Published facts of NFRs: batched readers returning frozen values, for the promotion decision
(domain.pipelines.gather_services) and the readiness views."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness import nfr_repository as repo
from domain.readiness.nfr_rules import DeclaredNfr, NfrFacts, StagingRun


def declared_of(row: Any) -> DeclaredNfr:
    return DeclaredNfr(row.key, row.name, row.unit, row.comparison, float(row.target))


def run_of(row: Any) -> StagingRun:
    figures = {str(k): float(v) for k, v in dict(row.figures).items()}
    return StagingRun(
        row.id, row.environment_id, row.environment_key, row.name, row.url, row.finished_at, figures
    )


async def nfrs_of_versions(
    session: AsyncSession, pairs: Collection[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], NfrFacts]:
    """What each service declared and the staging runs of each (service, version), in two
    statements whatever the number of pairs."""
    if not pairs:
        return {}
    service_ids: Sequence[uuid.UUID] = sorted({s for s, _ in pairs}, key=str)
    declared = await repo.declared_of_services(session, service_ids)
    runs = await repo.runs_of_versions(session, set(pairs))
    return {
        (sid, version): NfrFacts(
            tuple(declared_of(r) for r in declared.get(sid, [])),
            tuple(run_of(r) for r in runs.get((sid, version), [])),
        )
        for sid, version in pairs
    }


async def declared_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[DeclaredNfr, ...]]:
    """Each service's declared NFRs (one statement)."""
    rows = await repo.declared_of_services(session, service_ids)
    return {sid: tuple(declared_of(r) for r in rows.get(sid, [])) for sid in service_ids}
