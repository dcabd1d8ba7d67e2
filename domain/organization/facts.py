"""What other contexts may know of the organization: plain, batched facts, never ORM objects.

Every context above this one reads business units, teams, services and people through here,
so the organization's tables stay its own (docs/architecture.md). A context that must scope or
label its rows by the organization in the same statement joins `fragments` instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Integer, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import ORG_SCOPE, Scope
from domain.kernel.errors import NotFound
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import ids_param
from domain.organization import vendor_repository
from domain.organization.models import (
    BusinessUnit,
    Person,
    RoleGrant,
    Service,
    ServiceDependency,
    Team,
)
from domain.organization.vendor_gate_rules import VendorFacts
from domain.organization.vendor_rules import AttestationFacts

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


SERVICE_FACTS = (
    Service.id,
    Service.key,
    Service.name,
    Service.bu_id,
    Service.team_id,
    Service.tier,
    Service.data_classification,
)
"""The columns of `ServiceFacts`, in its order."""


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
    rows = await session.execute(_TEAMS, {"ids": list(set(ids))})
    return {r.id: TeamFacts(r.id, r.bu_id, r.key, r.name) for r in rows}


_TEAMS = prepared(select(Team.id, Team.bu_id, Team.key, Team.name).where(Team.id.in_(ids_param())))


async def services(
    session: AsyncSession, ids: Collection[uuid.UUID], *, for_update: bool = False
) -> dict[uuid.UUID, ServiceFacts]:
    """The services with these ids (absent ones are left out), in one statement; with
    `for_update`, their rows stay locked until the unit of work ends (a caller's writes about a
    service serialize, e.g. the starts of its deployments)."""
    if not ids:
        return {}
    stmt = _SERVICES_FOR_UPDATE if for_update else _SERVICES
    return {r.id: ServiceFacts(*r) for r in await session.execute(stmt, {"ids": list(set(ids))})}


# Built once, as the other statements a cold decision snapshot reads (building them costs
# more than running them); the values are bound at each reading.
_SERVICES = prepared(select(*SERVICE_FACTS).where(Service.id.in_(ids_param())))
_SERVICES_FOR_UPDATE = _SERVICES.with_for_update()


async def people(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, PersonFacts]:
    """The people with these ids (absent ones are left out), in one statement."""
    if not ids:
        return {}
    stmt = select(
        Person.id, Person.username, Person.display_name, Person.kind, Person.active
    ).where(Person.id.in_(set(ids)))
    return {r.id: PersonFacts(*r) for r in await session.execute(stmt)}


async def service_ids_of_team(session: AsyncSession, team_id: uuid.UUID) -> list[uuid.UUID]:
    """The services the team owns, in one statement."""
    return list((await session.scalars(select(Service.id).where(Service.team_id == team_id))).all())


async def dependencies_touching(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(consumer, provider) of the dependencies with either end among `ids`, in one statement."""
    return await _dependencies(session, ids, or_)


async def dependencies_among(
    session: AsyncSession, ids: Collection[uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(consumer, provider) of the dependencies with both ends among `ids`, in one statement."""
    return await _dependencies(session, ids, and_)


async def _dependencies(
    session: AsyncSession,
    ids: Collection[uuid.UUID],
    ends: Callable[[ColumnElement[bool], ColumnElement[bool]], ColumnElement[bool]],
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    if not ids:
        return []
    dep, wanted = ServiceDependency, set(ids)
    stmt = select(dep.consumer_id, dep.provider_id).where(
        ends(dep.consumer_id.in_(wanted), dep.provider_id.in_(wanted))
    )
    return [(r.consumer_id, r.provider_id) for r in await session.execute(stmt)]


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


async def services_of_vendors(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ServiceFacts]]:
    """Per vendor, the services that use it, by key, in one statement."""
    links = await vendor_repository.services_of_vendors(session, vendor_ids)
    return {
        vendor_id: [
            ServiceFacts(r.id, r.key, r.name, r.bu_id, r.team_id, r.tier, r.data_classification)
            for r in rows
        ]
        for vendor_id, rows in links.items()
    }


async def attestations_of_vendors(
    session: AsyncSession, vendor_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[AttestationFacts]]:
    """Per vendor, every attestation it holds (revoked and expired too), newest issue first,
    in one statement."""
    held = await vendor_repository.attestations_of_vendors(session, vendor_ids)
    return {
        vendor_id: [vendor_repository.facts_of(a) for a in rows] for vendor_id, rows in held.items()
    }


@dataclass(frozen=True, slots=True)
class VendorReleaseFacts:
    id: uuid.UUID
    vendor_id: uuid.UUID
    vendor_name: str
    status: str
    starts_at: datetime
    ends_at: datetime


async def vendor_release(
    session: AsyncSession, vendor_release_id: uuid.UUID
) -> VendorReleaseFacts | None:
    """The vendor release with its vendor's name (None when there is none), in one statement."""
    found = await vendor_repository.releases_by_ids(session, [vendor_release_id])
    r = found.get(vendor_release_id)
    if r is None:
        return None
    return VendorReleaseFacts(r.id, r.vendor_id, r.vendor_name, r.status, r.starts_at, r.ends_at)


async def approver_disciplines(
    session: AsyncSession, bu_id: uuid.UUID
) -> dict[uuid.UUID, frozenset[str]]:
    """Everyone who approves for a discipline in the BU (approver grants there or org-wide),
    with those disciplines, in one statement."""
    found: dict[uuid.UUID, set[str]] = {}
    for row in (await session.execute(_APPROVERS, {"bu": str(bu_id)})).all():
        found.setdefault(row.person_id, set()).add(row.discipline)
    return {person: frozenset(disciplines) for person, disciplines in found.items()}


_APPROVERS = prepared(
    select(RoleGrant.person_id, RoleGrant.discipline).where(
        RoleGrant.role == "approver",
        RoleGrant.discipline.is_not(None),
        or_(RoleGrant.domain == bindparam("bu"), RoleGrant.domain == ORG_SCOPE),
    )
)


async def holds_role(
    session: AsyncSession, person_id: uuid.UUID, role: str, bu_id: uuid.UUID
) -> bool:
    """Whether a person holds `role` in a BU (granted there or org-wide), in one statement."""
    stmt = select(RoleGrant.id).where(
        RoleGrant.person_id == person_id,
        RoleGrant.role == role,
        RoleGrant.domain.in_([str(bu_id), ORG_SCOPE]),
    )
    return (await session.scalar(stmt.limit(1))) is not None


async def disciplines_approved_by(
    session: AsyncSession, person_id: uuid.UUID, bu_id: uuid.UUID
) -> frozenset[str]:
    """The disciplines a person approves for in a BU (approver grants there or org-wide), in
    one statement."""
    stmt = select(RoleGrant.discipline).where(
        RoleGrant.person_id == person_id,
        RoleGrant.role == "approver",
        RoleGrant.domain.in_([str(bu_id), ORG_SCOPE]),
        RoleGrant.discipline.is_not(None),
    )
    return frozenset(d for d in (await session.scalars(stmt)).all() if d)


async def approval_delegates(
    session: AsyncSession, bu_id: uuid.UUID, *, exclude: Sequence[uuid.UUID]
) -> tuple[str, ...]:
    """Who may approve in the BU (approvers, release managers, BU admins; org grants too),
    by username: the pool a small team draws independent approvers from."""
    stmt = _DELEGATES_BUT if exclude else _DELEGATES
    values = {"bu": str(bu_id), "limit": MAX_DELEGATES + len(exclude), "exclude": list(exclude)}
    return tuple((await session.scalars(stmt, values)).all())[:MAX_DELEGATES]


_DELEGATES = prepared(
    select(Person.username)
    .join(RoleGrant, RoleGrant.person_id == Person.id)
    .where(
        Person.active.is_(True),
        Person.kind == "human",
        RoleGrant.role.in_(APPROVING_ROLES),
        or_(RoleGrant.domain == bindparam("bu"), RoleGrant.domain == ORG_SCOPE),
    )
    .distinct()
    .order_by(Person.username)
    .limit(bindparam("limit", type_=Integer()))
)
_DELEGATES_BUT = prepared(_DELEGATES.where(Person.id.not_in(ids_param("exclude"))))


async def roles_granted_in(
    session: AsyncSession, person_id: uuid.UUID, bu_id: uuid.UUID
) -> frozenset[str]:
    """The roles a person holds granted in the BU itself (org-wide grants left out), in one
    statement: who belongs to the BU's teams, as against who oversees every BU."""
    stmt = select(RoleGrant.role).where(
        RoleGrant.person_id == person_id, RoleGrant.domain == str(bu_id)
    )
    return frozenset((await session.scalars(stmt)).all())
