"""What other contexts may know of the organization: plain, batched facts, never ORM objects.

Every context above this one reads business units, teams, services and people through here,
so the organization's tables stay its own (docs/architecture.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import ORG_SCOPE, Scope
from domain.kernel.errors import NotFound
from domain.organization import vendor_repository
from domain.organization.models import BusinessUnit, Person, RoleGrant, Service, Team
from domain.organization.vendor_gate_rules import VendorFacts

APPROVING_ROLES = ("approver", "release_manager", "bu_admin")
MAX_DELEGATES = 10


@dataclass(frozen=True, slots=True)
class BusinessUnitFacts:
    id: uuid.UUID
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class TeamFacts:
    id: uuid.UUID
    bu_id: uuid.UUID
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    id: uuid.UUID
    key: str
    name: str
    bu_id: uuid.UUID
    team_id: uuid.UUID
    tier: str
    data_classification: str


@dataclass(frozen=True, slots=True)
class PersonFacts:
    id: uuid.UUID
    username: str
    display_name: str
    kind: str
    active: bool


async def business_unit(
    session: AsyncSession, bu_id: uuid.UUID, *, readable_in: Scope | None = None
) -> BusinessUnitFacts:
    """The business unit; NOT_FOUND when there is none, or when `readable_in` does not reach it
    (outside your scope reads as absent)."""
    row = (
        await session.execute(
            select(BusinessUnit.id, BusinessUnit.key, BusinessUnit.name).where(
                BusinessUnit.id == bu_id
            )
        )
    ).first()
    if row is None or (readable_in is not None and not readable_in.allows(row.id)):
        raise NotFound("Business unit was not found.", field="businessUnitId")
    return BusinessUnitFacts(row.id, row.key, row.name)


async def team(
    session: AsyncSession,
    team_id: uuid.UUID,
    *,
    readable_in: Scope | None = None,
    field: str | None = "teamId",
) -> TeamFacts:
    """The team; NOT_FOUND when there is none, or when `readable_in` does not reach its BU."""
    found = (await teams(session, [team_id])).get(team_id)
    if found is None or (readable_in is not None and not readable_in.allows(found.bu_id)):
        raise NotFound("Team was not found.", field=field)
    return found


async def service(
    session: AsyncSession,
    service_id: uuid.UUID,
    *,
    readable_in: Scope | None = None,
    field: str | None = "serviceId",
) -> ServiceFacts:
    """The service; NOT_FOUND when there is none, or when `readable_in` does not reach its BU."""
    found = (await services(session, [service_id])).get(service_id)
    if found is None or (readable_in is not None and not readable_in.allows(found.bu_id)):
        raise NotFound("Service was not found.", field=field)
    return found


async def active_people(session: AsyncSession, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these people exist and are active, in one statement."""
    return {p.id for p in (await people(session, ids)).values() if p.active}


async def teams(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, TeamFacts]:
    """The teams with these ids (absent ones are left out), in one statement."""
    if not ids:
        return {}
    stmt = select(Team.id, Team.bu_id, Team.key, Team.name).where(Team.id.in_(set(ids)))
    return {r.id: TeamFacts(r.id, r.bu_id, r.key, r.name) for r in await session.execute(stmt)}


async def services(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, ServiceFacts]:
    """The services with these ids (absent ones are left out), in one statement."""
    if not ids:
        return {}
    stmt = select(
        Service.id,
        Service.key,
        Service.name,
        Service.bu_id,
        Service.team_id,
        Service.tier,
        Service.data_classification,
    ).where(Service.id.in_(set(ids)))
    return {r.id: ServiceFacts(*r) for r in await session.execute(stmt)}


async def people(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, PersonFacts]:
    """The people with these ids (absent ones are left out), in one statement."""
    if not ids:
        return {}
    stmt = select(
        Person.id, Person.username, Person.display_name, Person.kind, Person.active
    ).where(Person.id.in_(set(ids)))
    return {r.id: PersonFacts(*r) for r in await session.execute(stmt)}


async def service_facts(session: AsyncSession, service_id: uuid.UUID) -> ServiceFacts | None:
    """A service as plain facts (None when it does not exist)."""
    return (await services(session, [service_id])).get(service_id)


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


async def approver_disciplines(
    session: AsyncSession, bu_id: uuid.UUID
) -> dict[uuid.UUID, frozenset[str]]:
    """Everyone who approves for a discipline in the BU (approver grants there or org-wide),
    with those disciplines, in one statement."""
    stmt = select(RoleGrant.person_id, RoleGrant.discipline).where(
        RoleGrant.role == "approver",
        RoleGrant.discipline.is_not(None),
        or_(RoleGrant.domain == str(bu_id), RoleGrant.domain == ORG_SCOPE),
    )
    found: dict[uuid.UUID, set[str]] = {}
    for row in (await session.execute(stmt)).all():
        found.setdefault(row.person_id, set()).add(row.discipline)
    return {person: frozenset(disciplines) for person, disciplines in found.items()}


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
