"""All SQL of the organization context. Lists read Core rows; writes load ORM aggregates."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_pages_by_parent, page_by
from domain.kernel.repository import scoped
from domain.organization.models import (
    ApiToken,
    ApiTokenScope,
    BusinessUnit,
    Person,
    RoleGrant,
    Service,
    ServiceDependency,
    Team,
    Vendor,
)

BU = BusinessUnit.__table__
TEAM = Team.__table__
SERVICE = Service.__table__
DEP = ServiceDependency.__table__
VENDOR = Vendor.__table__
PERSON = Person.__table__
GRANT = RoleGrant.__table__
TOKEN = ApiToken.__table__
TOKEN_SCOPE = ApiTokenScope.__table__


# -- business units ------------------------------------------------------------------------


async def get_bu(session: AsyncSession, bu_id: uuid.UUID) -> BusinessUnit | None:
    return await session.get(BusinessUnit, bu_id)


async def bu_key_taken(session: AsyncSession, key: str) -> bool:
    return bool(await session.scalar(select(exists().where(BU.c.key == key))))


async def bu_id_by_key(session: AsyncSession, key: str) -> uuid.UUID | None:
    return await session.scalar(select(BU.c.id).where(BU.c.key == key))


async def bus_page(
    session: AsyncSession, scope: Scope, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    stmt = scoped(select(BU), BU.c.id, scope)
    return await page_by(session, stmt, BU, "key", first=first, after=after)


# -- teams ---------------------------------------------------------------------------------


async def get_team(session: AsyncSession, team_id: uuid.UUID) -> Team | None:
    return await session.get(Team, team_id)


async def team_key_taken(session: AsyncSession, bu_id: uuid.UUID, key: str) -> bool:
    return bool(
        await session.scalar(select(exists().where(TEAM.c.bu_id == bu_id, TEAM.c.key == key)))
    )


async def teams_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(TEAM), TEAM.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(TEAM.c.bu_id == bu_id)
    return await page_by(session, stmt, TEAM, "key", first=first, after=after)


async def teams_by_bu(
    session: AsyncSession, bu_ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    return await fetch_pages_by_parent(
        session,
        select(TEAM),
        parent_col=TEAM.c.bu_id,
        parent_ids=bu_ids,
        sort_col=TEAM.c.key,
        id_col=TEAM.c.id,
        sort_key="key",
        parent_key="bu_id",
        first=first,
        after=after,
    )


# -- services ------------------------------------------------------------------------------


async def get_service(session: AsyncSession, service_id: uuid.UUID) -> Service | None:
    return await session.get(Service, service_id)


async def service_key_taken(session: AsyncSession, key: str) -> bool:
    return bool(await session.scalar(select(exists().where(SERVICE.c.key == key))))


async def services_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    tier: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(SERVICE), SERVICE.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(SERVICE.c.bu_id == bu_id)
    if team_id is not None:
        stmt = stmt.where(SERVICE.c.team_id == team_id)
    if tier is not None:
        stmt = stmt.where(SERVICE.c.tier == tier)
    return await page_by(session, stmt, SERVICE, "key", first=first, after=after)


async def services_by_team(
    session: AsyncSession, team_ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    return await fetch_pages_by_parent(
        session,
        select(SERVICE),
        parent_col=SERVICE.c.team_id,
        parent_ids=team_ids,
        sort_col=SERVICE.c.key,
        id_col=SERVICE.c.id,
        sort_key="key",
        parent_key="team_id",
        first=first,
        after=after,
    )


# -- dependencies --------------------------------------------------------------------------


async def get_dependency(
    session: AsyncSession, consumer_id: uuid.UUID, provider_id: uuid.UUID
) -> ServiceDependency | None:
    return await session.scalar(
        select(ServiceDependency).where(
            ServiceDependency.consumer_id == consumer_id,
            ServiceDependency.provider_id == provider_id,
        )
    )


async def dependency_edges(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], *, direction: str
) -> dict[Any, list[Row[Any]]]:
    """Edges whose consumer (direction 'provider': what it calls) or provider is in the list,
    each joined to the service on the other end, in one statement."""
    own, other = (
        (DEP.c.consumer_id, DEP.c.provider_id)
        if direction == "provider"
        else (DEP.c.provider_id, DEP.c.consumer_id)
    )
    stmt = (
        select(SERVICE, own.label("_owner"), DEP.c.kind.label("_kind"))
        .join(DEP, other == SERVICE.c.id)
        .where(own.in_(service_ids))
        .order_by(SERVICE.c.key)
    )
    grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
    for row in (await session.execute(stmt)).all():
        grouped[row._owner].append(row)
    return grouped


# -- vendors -------------------------------------------------------------------------------


async def get_vendor(session: AsyncSession, vendor_id: uuid.UUID) -> Vendor | None:
    return await session.get(Vendor, vendor_id)


async def vendor_name_taken(session: AsyncSession, bu_id: uuid.UUID, name: str) -> bool:
    return bool(
        await session.scalar(select(exists().where(VENDOR.c.bu_id == bu_id, VENDOR.c.name == name)))
    )


async def vendors_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(VENDOR), VENDOR.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(VENDOR.c.bu_id == bu_id)
    return await page_by(session, stmt, VENDOR, "name", first=first, after=after)


# -- people and grants ---------------------------------------------------------------------


async def get_person(session: AsyncSession, person_id: uuid.UUID) -> Person | None:
    return await session.get(Person, person_id)


async def person_by_username(session: AsyncSession, username: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.username == username))


async def person_by_subject(session: AsyncSession, issuer: str, subject: str) -> Person | None:
    return await session.scalar(
        select(Person).where(Person.issuer == issuer, Person.subject == subject)
    )


async def email_taken(session: AsyncSession, email: str) -> bool:
    """Whether someone already has this address (ix_people_email)."""
    taken = exists().where(PERSON.c.email == email)
    return bool(await session.scalar(select(taken)))


async def username_taken(session: AsyncSession, username: str) -> bool:
    return bool(await session.scalar(select(exists().where(PERSON.c.username == username))))


async def people_page(
    session: AsyncSession, *, search: str | None, first: int | None, after: str | None
) -> Page[Row[Any]]:
    stmt = select(PERSON)
    if search:
        pattern = f"%{search.lower()}%"
        stmt = stmt.where(PERSON.c.username.like(pattern) | PERSON.c.display_name.ilike(pattern))
    return await page_by(session, stmt, PERSON, "username", first=first, after=after)


async def all_people(session: AsyncSession) -> list[Row[Any]]:
    return list((await session.execute(select(PERSON).order_by(PERSON.c.username))).all())


async def grants_of(session: AsyncSession, person_id: uuid.UUID) -> list[RoleGrant]:
    return list(
        (await session.scalars(select(RoleGrant).where(RoleGrant.person_id == person_id))).all()
    )


async def get_grant(session: AsyncSession, grant_id: uuid.UUID) -> RoleGrant | None:
    return await session.get(RoleGrant, grant_id)


async def find_grant(
    session: AsyncSession, person_id: uuid.UUID, role: str, domain: str
) -> RoleGrant | None:
    return await session.scalar(
        select(RoleGrant).where(
            RoleGrant.person_id == person_id, RoleGrant.role == role, RoleGrant.domain == domain
        )
    )


async def grants_by_person(
    session: AsyncSession, person_ids: Sequence[uuid.UUID], scope: Scope
) -> dict[Any, list[Row[Any]]]:
    stmt = select(GRANT).where(GRANT.c.person_id.in_(person_ids)).order_by(GRANT.c.role)
    if not scope.everywhere:
        stmt = stmt.where(GRANT.c.bu_id.in_(sorted(scope.bu_ids, key=str)))
    grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
    for row in (await session.execute(stmt)).all():
        grouped[row.person_id].append(row)
    return grouped


async def stream_subject_grants(
    session: AsyncSession, batch: int = 5000
) -> AsyncIterator[tuple[str, str, str]]:
    """Every (subject, role, domain) the authorizer must know: people's grants and token scopes."""
    result = await session.stream(
        select(GRANT.c.person_id, GRANT.c.role, GRANT.c.domain).execution_options(yield_per=batch)
    )
    async for person_id, role, domain in result:
        yield f"person:{person_id}", role, domain
    result = await session.stream(
        select(TOKEN_SCOPE.c.token_id, TOKEN_SCOPE.c.role, TOKEN_SCOPE.c.domain)
        .join(TOKEN, TOKEN.c.id == TOKEN_SCOPE.c.token_id)
        .where(TOKEN.c.revoked_at.is_(None))
        .execution_options(yield_per=batch)
    )
    async for token_id, role, domain in result:
        yield f"token:{token_id}", role, domain


async def subject_grants(session: AsyncSession, subject: str) -> list[tuple[str, str]]:
    """The (role, domain) pairs of one subject, to refresh the authorizer after a change."""
    kind, _, raw = subject.partition(":")
    try:
        ident = uuid.UUID(raw)
    except ValueError:
        return []  # not a subject Signalbox issues: it holds nothing
    if kind == "person":
        stmt = select(GRANT.c.role, GRANT.c.domain).where(GRANT.c.person_id == ident)
    else:
        stmt = (
            select(TOKEN_SCOPE.c.role, TOKEN_SCOPE.c.domain)
            .join(TOKEN, TOKEN.c.id == TOKEN_SCOPE.c.token_id)
            .where(TOKEN_SCOPE.c.token_id == ident, TOKEN.c.revoked_at.is_(None))
        )
    return [(r.role, r.domain) for r in (await session.execute(stmt)).all()]


# -- API tokens ----------------------------------------------------------------------------


async def token_by_hash(session: AsyncSession, token_hash: str) -> Row[Any] | None:
    stmt = select(TOKEN, PERSON.c.username, PERSON.c.display_name, PERSON.c.active).join(
        PERSON, PERSON.c.id == TOKEN.c.person_id
    )
    return (await session.execute(stmt.where(TOKEN.c.token_hash == token_hash))).first()


async def get_token(
    session: AsyncSession, token_id: uuid.UUID, *, for_update: bool = False
) -> ApiToken | None:
    """The token; `for_update` locks its row until the unit ends (a writer's read)."""
    return await session.get(ApiToken, token_id, with_for_update=for_update)


async def tokens_of(session: AsyncSession, person_id: uuid.UUID) -> list[Row[Any]]:
    stmt = select(TOKEN).where(TOKEN.c.person_id == person_id).order_by(TOKEN.c.created_at.desc())
    return list((await session.execute(stmt)).all())


async def scopes_by_token(
    session: AsyncSession, token_ids: Sequence[uuid.UUID]
) -> dict[Any, list[Row[Any]]]:
    stmt = (
        select(TOKEN_SCOPE)
        .where(TOKEN_SCOPE.c.token_id.in_(token_ids))
        .order_by(TOKEN_SCOPE.c.role)
    )
    grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
    for row in (await session.execute(stmt)).all():
        grouped[row.token_id].append(row)
    return grouped


async def touch_token(session: AsyncSession, token_id: uuid.UUID, at: datetime) -> None:
    await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))
