"""Who belongs to a BU's teams: the active people holding a role granted in that BU."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.organization.models import Person, RoleGrant


async def granted_in(
    session: AsyncSession, person_ids: Collection[uuid.UUID], bu_id: uuid.UUID
) -> set[uuid.UUID]:
    """Which of these people are active and hold a role granted in the BU itself (an org-wide
    grant makes nobody a member of a team), in one statement."""
    if not person_ids:
        return set()
    stmt = (
        select(Person.id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(
            Person.id.in_(set(person_ids)),
            Person.active.is_(True),
            RoleGrant.domain == str(bu_id),
        )
        .distinct()
    )
    return set((await session.scalars(stmt)).all())
