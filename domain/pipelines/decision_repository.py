"""The SQL behind the decision snapshot that no other context's repository answers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import Environment
from domain.environments.vocabulary import EnvironmentStatus
from domain.kernel.access import ORG_SCOPE
from domain.organization.models import Person, RoleGrant
from domain.pipelines.models import Artifact
from domain.risk.models import PeerReview
from domain.trains.models import DepartureBoarding

APPROVING_ROLES = ("approver", "release_manager", "bu_admin")
MAX_DELEGATES = 10


async def artifact_id(
    session: AsyncSession, service_id: uuid.UUID, version: str
) -> uuid.UUID | None:
    stmt = select(Artifact.id).where(Artifact.service_id == service_id, Artifact.version == version)
    return await session.scalar(stmt.limit(1))


async def peer_reviewer_ids(session: AsyncSession, release_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = select(PeerReview.reviewer_id).where(PeerReview.release_id == release_id)
    return sorted(set((await session.scalars(stmt)).all()), key=str)


async def departure_of(session: AsyncSession, release_id: uuid.UUID) -> uuid.UUID | None:
    stmt = select(DepartureBoarding.departure_id).where(DepartureBoarding.release_id == release_id)
    return await session.scalar(stmt)


async def final_staging(session: AsyncSession, product_domain: str | None) -> uuid.UUID | None:
    if product_domain is None:
        return None
    stmt = select(Environment.id).where(
        Environment.product_domain == product_domain,
        Environment.final_staging.is_(True),
        Environment.status == str(EnvironmentStatus.ACTIVE),
    )
    return await session.scalar(stmt.limit(1))


async def delegates(
    session: AsyncSession, bu_id: uuid.UUID, *, exclude: Sequence[uuid.UUID]
) -> list[str]:
    """Who may approve in the BU (approvers, release managers, BU admins; org grants too),
    by username: the pool a small team draws independent approvers from."""
    stmt = (
        select(Person.username)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(
            Person.active.is_(True),
            Person.kind == "human",
            RoleGrant.role.in_(APPROVING_ROLES),
            or_(RoleGrant.domain == str(bu_id), RoleGrant.domain == ORG_SCOPE),
        )
        .distinct()
        .order_by(Person.username)
        .limit(MAX_DELEGATES + len(exclude))
    )
    if exclude:
        stmt = stmt.where(Person.id.not_in(list(exclude)))
    return list((await session.scalars(stmt)).all())[:MAX_DELEGATES]
