"""What the compliance context publishes to the contexts above it: batched fact readers.

The DR procedures of services with their last passing test (judged by the pure
domain.compliance.dr_rules.evaluate) and the emergency bypasses active for a release and a
target (applied by domain.compliance.bypass_rules.apply_waiver), as plain frozen values.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import bypass_repository
from domain.compliance import dr_repository as repo
from domain.compliance.bypass_rules import BypassFacts
from domain.compliance.bypasses import facts_of
from domain.compliance.dr_rules import ProcedureFacts


async def dr_procedures_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[ProcedureFacts, ...]]:
    """Each service's active DR procedures with their last passed test (one statement)."""
    grouped = await repo.active_procedures_with_last_pass(session, service_ids)
    return {
        sid: tuple(
            ProcedureFacts(id=p.id, kind=p.kind, title=p.title, last_passed_at=p.last_passed_at)
            for p in grouped.get(sid, [])
        )
        for sid in service_ids
    }


async def active_bypasses(
    session: AsyncSession, release_id: uuid.UUID, environment_id: uuid.UUID, now: datetime
) -> tuple[BypassFacts, ...]:
    """The bypasses of a release for a target that are active at `now` (one statement)."""
    rows = await bypass_repository.active_bypass_rows(session, release_id, environment_id, now)
    return tuple(facts_of(r) for r in rows)


async def bypass_windows(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[BypassFacts]]:
    """The approved bypasses of these releases (every target), by release, in one statement:
    what was deployed while one was open bypassed gates (the change ledger reads it)."""
    if not release_ids:
        return {}
    rows = await bypass_repository.approved_bypass_rows(session, release_ids)
    out: dict[uuid.UUID, list[BypassFacts]] = {}
    for r in rows:
        out.setdefault(r.release_id, []).append(facts_of(r))
    return out
