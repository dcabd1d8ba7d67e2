"""Read use cases of flags: every list is scoped to the BUs whose flags the actor may read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from domain.flags import repository as repo
from domain.flags.rules import StaleReason, StateFacts, stale_reasons
from domain.flags.states import state_of
from domain.kernel.access import Resource
from domain.kernel.errors import DomainError
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import scoped_list, scoped_page

Rows = dict[Any, Row[Any]]
MAX_STALE_DAYS = 3650


def _visible(rows: Rows, r: Reader) -> Rows:
    scope = r.scope(Resource.FLAG)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def flags(
    r: Reader,
    *,
    service_id: uuid.UUID | None,
    kind: str | None,
    include_archived: bool,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    return await repo.flags_page(
        r.session,
        r.scope(Resource.FLAG),
        service_id=service_id,
        kind=kind,
        include_archived=include_archived,
        first=first,
        after=after,
    )


async def flag_by_key(r: Reader, key: str) -> Row[Any] | None:
    row = await repo.flag_by_key(r.session, key)
    return row if row is not None and r.scope(Resource.FLAG).allows(row.bu_id) else None


async def flags_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.flags_by_ids(r.session, ids), r)


async def states_of_flags(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    """States of flags the caller already holds (loaded through flags_by_id, so visible)."""
    return await repo.states_of_flags(r.session, ids)


async def evaluations_of_flags(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await repo.evaluations_of_flags(r.session, ids)


segments = scoped_page(Resource.FLAG, repo.segments_page)


async def segments_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.FLAG)
    rows = await repo.segments_by_ids(r.session, ids)
    return {
        k: v
        for k, v in rows.items()
        if (v.bu_id is None and not scope.empty) or scope.allows(v.bu_id)
    }


async def changes(
    r: Reader,
    *,
    flag_id: uuid.UUID | None,
    status: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    return await repo.changes_page(
        r.session, r.scope(Resource.FLAG), flag_id=flag_id, status=status, first=first, after=after
    )


async def changes_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.changes_by_ids(r.session, ids), r)


@dataclass(frozen=True, slots=True)
class StaleFlag:
    flag: Row[Any]
    reasons: list[StaleReason]
    last_evaluated_at: datetime | None


async def stale_flags(
    r: Reader, *, now: datetime, rolled_out_days: int, unevaluated_days: int
) -> list[StaleFlag]:
    """Live flags the caller may read that are expired, long fully rolled out, or unused."""
    for days, field in ((rolled_out_days, "fullyRolledOutDays"), (unevaluated_days, "unusedDays")):
        if not 1 <= days <= MAX_STALE_DAYS:
            raise DomainError(f"{field} is 1-{MAX_STALE_DAYS}.", field=field)
    rows = await repo.live_flags(r.session, r.scope(Resource.FLAG))
    ids = [row.id for row in rows]
    states = await repo.states_of_flags(r.session, ids)
    seen = await repo.evaluations_of_flags(r.session, ids)
    out = []
    for row in rows:
        last = max((e.last_evaluated_at for e in seen.get(row.id, [])), default=None)
        reasons = stale_reasons(
            kind=row.kind,
            created_at=row.created_at,
            expires_at=row.expires_at,
            default_variant=row.default_variant,
            states=[StateFacts(state_of(s), s.updated_at) for s in states.get(row.id, [])],
            last_evaluated_at=last,
            now=now,
            rolled_out_for=timedelta(days=rolled_out_days),
            unevaluated_for=timedelta(days=unevaluated_days),
        )
        if reasons:
            out.append(StaleFlag(row, reasons, last))
    return out


async def history_of_flags(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    """Changes of flags the caller already holds (loaded through flags_by_id, so visible)."""
    return await repo.changes_of_flags(r.session, ids)


production_changes = scoped_list(Resource.FLAG, repo.production_changes_in_range)
"""Flag flips in production are production changes too: they belong on the calendar."""
