"""What the organization context publishes to the contexts above it: batched fact readers.

A service as plain facts, the vendors a service uses with their attestations (judged by the
pure domain.organization.vendor_gate_rules), people by username and id, and the people who
may approve in a BU.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import ORG_SCOPE
from domain.organization import vendor_repository
from domain.organization.models import Person, RoleGrant, Service
from domain.organization.vendor_gate_rules import VendorFacts

APPROVING_ROLES = ("approver", "release_manager", "bu_admin")
MAX_DELEGATES = 10


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    id: uuid.UUID
    key: str
    name: str
    bu_id: uuid.UUID
    team_id: uuid.UUID
    tier: str
    data_classification: str


async def service_facts(session: AsyncSession, service_id: uuid.UUID) -> ServiceFacts | None:
    """A service as plain facts (None when it does not exist)."""
    row = (await session.execute(select(Service.__table__).where(Service.id == service_id))).first()
    if row is None:
        return None
    return ServiceFacts(
        row.id, row.key, row.name, row.bu_id, row.team_id, row.tier, row.data_classification
    )


async def service_id_by_key(session: AsyncSession, key: str) -> uuid.UUID | None:
    """The service with this key (keys are unique across Signalbox)."""
    return await session.scalar(select(Service.id).where(Service.key == key))


async def person_ids_by_username(
    session: AsyncSession, usernames: Sequence[str]
) -> dict[str, uuid.UUID]:
    """The people with these usernames (unknown ones left out), in one statement."""
    if not usernames:
        return {}
    stmt = select(Person.username, Person.id).where(Person.username.in_(list(usernames)))
    return {row.username: row.id for row in (await session.execute(stmt)).all()}


async def usernames_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The usernames of these people (unknown ones left out), in one statement."""
    if not ids:
        return {}
    stmt = select(Person.id, Person.username).where(Person.id.in_(list(ids)))
    return {row.id: row.username for row in (await session.execute(stmt)).all()}


async def vendors_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[VendorFacts, ...]]:
    """The vendors each service uses, with every attestation they hold (two statements)."""
    links = await vendor_repository.vendors_of_services(session, service_ids)
    vendor_ids = sorted({row.id for rows in links.values() for row in rows}, key=str)
    held = (
        await vendor_repository.attestations_of_vendors(session, vendor_ids) if vendor_ids else {}
    )
    return {
        sid: tuple(
            VendorFacts(
                row.id,
                row.name,
                tuple(vendor_repository.facts_of(a) for a in held.get(row.id, [])),
            )
            for row in links.get(sid, [])
        )
        for sid in service_ids
    }


async def approval_delegates(
    session: AsyncSession, bu_id: uuid.UUID, *, exclude: Sequence[uuid.UUID]
) -> tuple[str, ...]:
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
    return tuple((await session.scalars(stmt)).all())[:MAX_DELEGATES]
