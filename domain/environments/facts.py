"""What the environments context publishes to the contexts above it: batched fact readers.

An environment as plain facts (or its id by key), the final staging of a product domain, and
the current config snapshot of environments (compared by the pure
domain.environments.parity_rules).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import repository as repo
from domain.environments.models import Environment
from domain.environments.parity_rules import SnapshotFacts
from domain.environments.vocabulary import EnvironmentStatus
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class EnvironmentFacts:
    id: uuid.UUID
    key: str
    kind: str
    bu_id: uuid.UUID | None
    product_domain: str | None
    status: str = EnvironmentStatus.ACTIVE


async def environment_facts(
    session: AsyncSession, environment_id: uuid.UUID
) -> EnvironmentFacts | None:
    """An environment as plain facts (None when it does not exist)."""
    return (await environments_facts(session, [environment_id])).get(environment_id)


async def environments_facts(
    session: AsyncSession, environment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, EnvironmentFacts]:
    """Many environments as plain facts, in one statement; unknown ones left out."""
    rows = await repo.environments_by_ids(session, environment_ids)
    return {
        i: EnvironmentFacts(r.id, r.key, r.kind, r.bu_id, r.product_domain, r.status)
        for i, r in rows.items()
    }


async def environment(
    session: AsyncSession,
    environment_id: uuid.UUID,
    *,
    readable_in: Scope | None = None,
    field: str | None = "environmentId",
) -> EnvironmentFacts:
    """The environment; NOT_FOUND when there is none, or when `readable_in` reaches neither its
    BU nor, for an org-wide environment, any BU at all."""
    found = await environment_facts(session, environment_id)
    if found is None or (
        readable_in is not None
        and not (readable_in.allows(found.bu_id) or (found.bu_id is None and not readable_in.empty))
    ):
        raise NotFound("Environment was not found.", field=field)
    return found


async def environment_id_by_key(session: AsyncSession, key: str) -> uuid.UUID | None:
    """The environment with this key (keys are unique across Signalbox)."""
    return await session.scalar(select(Environment.id).where(Environment.key == key))


async def kinds_by_key(session: AsyncSession, keys: Sequence[str]) -> dict[str, str]:
    """The kind of each environment with one of these keys (unknown keys left out), in one
    statement."""
    if not keys:
        return {}
    stmt = select(Environment.key, Environment.kind).where(Environment.key.in_(set(keys)))
    return {r.key: r.kind for r in await session.execute(stmt)}


async def final_staging(session: AsyncSession, product_domain: str | None) -> uuid.UUID | None:
    """The active final staging environment of a product domain, if it has one."""
    if product_domain is None:
        return None
    return await repo.final_staging_of(session, product_domain, other_than=None)


async def configs_of(
    session: AsyncSession, environment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SnapshotFacts]:
    """The current config snapshot of each environment (two statements); environments without
    one are left out."""
    current = await repo.current_snapshots(session, environment_ids)
    images = await repo.images_by_snapshot(session, [r.id for r in current.values()])
    return {env: facts_of(row, images.get(row.id, [])) for env, row in current.items()}


def facts_of(row: Any, images: Sequence[Any]) -> SnapshotFacts:
    """A stored snapshot and its images as the parity rules compare them."""
    return SnapshotFacts(
        id=row.id,
        helm_chart=row.helm_chart,
        helm_chart_version=row.helm_chart_version,
        helm_values_digest=row.helm_values_digest,
        terraform_serial=row.terraform_serial,
        terraform_digest=row.terraform_digest,
        images={i.service_key: i.digest for i in images},
    )
