"""Read use cases of environments: every list is scoped to the BUs the actor may read.

Org-wide environments (no BU) and their snapshots are readable by anyone who may read that
kind of thing somewhere; reservations always carry the BU they were made for.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.environments import parity as parity_rules
from domain.environments import repository as repo
from domain.environments import rules
from domain.kernel.access import Resource, Scope
from domain.kernel.errors import NotFound
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import scoped_page

Rows = dict[Any, Row[Any]]
PageArgs = tuple[int | None, str | None]


def _empty() -> Page[Row[Any]]:
    return Page(items=[], has_next=False, cursors=[])


def _allows(scope: Scope, bu_id: uuid.UUID | None) -> bool:
    return scope.allows(bu_id) or (bu_id is None and not scope.empty)


def _visible(rows: Rows, scope: Scope) -> Rows:
    return {k: v for k, v in rows.items() if _allows(scope, v.bu_id)}


environments = scoped_page(Resource.ENVIRONMENT, repo.environments_page)


async def environments_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.environments_by_ids(r.session, ids), r.scope(Resource.ENVIRONMENT))


async def reservations_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.reservations_by_ids(r.session, ids), r.scope(Resource.RESERVATION))


async def reservations_of_environments(
    r: Reader,
    ids: Sequence[uuid.UUID],
    *,
    status: str | None,
    ending_after: datetime | None,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    scope = r.scope(Resource.RESERVATION)
    if scope.empty:
        return {i: _empty() for i in ids}
    return await repo.reservations_of_environments(
        r.session, ids, scope, status=status, ending_after=ending_after, first=first, after=after
    )


async def queue_positions(r: Reader, ids: Sequence[uuid.UUID], now: datetime) -> dict[Any, int]:
    """The queue position of each queued reservation among `ids` (two statements)."""
    rows = await repo.reservations_by_ids(r.session, ids)
    queued = [row for row in rows.values() if row.status == "queued"]
    if not queued:
        return {}
    queues = await repo.queued_of_environments(
        r.session, sorted({q.environment_id for q in queued}, key=str), now
    )
    out = {}
    for q in queued:
        holds = [repo.hold_of(x) for x in queues.get(q.environment_id, [])]
        out[q.id] = rules.queue_position(repo.hold_of(q), holds)
    return out


async def current_snapshots(r: Reader, environment_ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.CONFIG_SNAPSHOT)
    if scope.empty:
        return {}
    return _visible(await repo.current_snapshots(r.session, environment_ids), scope)


async def snapshots_of_environments(
    r: Reader, ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """History per environment; the caller asks only for environments it may read."""
    scope = r.scope(Resource.CONFIG_SNAPSHOT)
    pages = await repo.snapshots_of_environments(r.session, ids, first=first, after=after)
    return {
        env: page if all(_allows(scope, row.bu_id) for row in page.items) else _empty()
        for env, page in pages.items()
    }


async def snapshots_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await repo.snapshots_by_ids(r.session, ids), r.scope(Resource.CONFIG_SNAPSHOT))


async def images_of_snapshots(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await repo.images_by_snapshot(r.session, ids)


async def parity(r: Reader, left_id: uuid.UUID, right_id: uuid.UUID) -> parity_rules.ParityResult:
    """Every divergence between the current snapshots of two environments you may read."""
    envs = await environments_by_id(r, [left_id, right_id])
    snapshots = r.scope(Resource.CONFIG_SNAPSHOT)
    for env_id, field in ((left_id, "left"), (right_id, "right")):
        env = envs.get(env_id)
        if env is None or not _allows(snapshots, env.bu_id):
            raise NotFound("Environment was not found.", field=field)
    return await parity_rules.parity_gate(r.session, left_id, right_id)
