"""SQL of a release's blockers: the environments a release targets (docs/architecture.md: the
read views read several contexts at once)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import Environment
from domain.environments.vocabulary import EnvironmentStatus

ENV = Environment.__table__


async def target_environment_ids(
    session: AsyncSession, bu_id: uuid.UUID, names: Sequence[str]
) -> list[uuid.UUID]:
    """The active environments of the BU, or shared org-wide, whose kind or key is one of the
    names, by key (one statement, ix_environments_bu_id_key)."""
    if not names:
        return []
    stmt = (
        select(ENV.c.id)
        .where(
            or_(ENV.c.bu_id == bu_id, ENV.c.bu_id.is_(None)),
            ENV.c.status == EnvironmentStatus.ACTIVE.value,
            or_(ENV.c.kind.in_(names), ENV.c.key.in_(names)),
        )
        .order_by(ENV.c.key)
    )
    rows: Sequence[Any] = (await session.execute(stmt)).scalars().all()
    return list(rows)
