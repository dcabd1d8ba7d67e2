"""Read use cases of the organization: every list is scoped to the BUs the actor may read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource, Scope
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.repository import rows_by_ids
from domain.organization import repository as repo
from domain.organization.models import BusinessUnit, Person, Service, Team, Vendor

Rows = dict[Any, Row[Any]]


async def business_units(r: Reader, *, first: int | None, after: str | None) -> Page[Row[Any]]:
    return await repo.bus_page(r.session, r.scope(Resource.BUSINESS_UNIT), first=first, after=after)


async def teams(
    r: Reader, *, bu_id: uuid.UUID | None, first: int | None, after: str | None
) -> Page[Row[Any]]:
    return await repo.teams_page(
        r.session, r.scope(Resource.TEAM), bu_id=bu_id, first=first, after=after
    )


async def services(
    r: Reader,
    *,
    bu_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    tier: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    return await repo.services_page(
        r.session,
        r.scope(Resource.SERVICE),
        bu_id=bu_id,
        team_id=team_id,
        tier=tier,
        first=first,
        after=after,
    )


async def vendors(
    r: Reader, *, bu_id: uuid.UUID | None, first: int | None, after: str | None
) -> Page[Row[Any]]:
    return await repo.vendors_page(
        r.session, r.scope(Resource.VENDOR), bu_id=bu_id, first=first, after=after
    )


async def people(
    r: Reader, *, search: str | None, first: int | None, after: str | None
) -> Page[Row[Any]]:
    if r.scope(Resource.PERSON).empty:
        return Page(items=[], has_next=False, cursors=[])
    return await repo.people_page(r.session, search=search, first=first, after=after)


def _visible(rows: Rows, r: Reader, resource: Resource, bu_key: str) -> Rows:
    scope = r.scope(resource)
    if scope.everywhere:
        return rows
    return {k: v for k, v in rows.items() if scope.allows(v._mapping[bu_key])}


async def business_units_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(
        await rows_by_ids(r.session, BusinessUnit.__table__, ids),
        r,
        Resource.BUSINESS_UNIT,
        "id",
    )


async def teams_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(await rows_by_ids(r.session, Team.__table__, ids), r, Resource.TEAM, "bu_id")


async def services_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(
        await rows_by_ids(r.session, Service.__table__, ids), r, Resource.SERVICE, "bu_id"
    )


async def vendors_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(
        await rows_by_ids(r.session, Vendor.__table__, ids), r, Resource.VENDOR, "bu_id"
    )


async def people_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    if r.scope(Resource.PERSON).empty:
        return {}
    return await rows_by_ids(r.session, Person.__table__, ids)


async def teams_of_bus(
    r: Reader, bu_ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    scope = r.scope(Resource.TEAM)
    allowed = [b for b in bu_ids if scope.allows(b)]
    pages = await repo.teams_by_bu(r.session, allowed, first=first, after=after) if allowed else {}
    empty: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])
    return {b: pages.get(b, empty) for b in bu_ids}


async def services_of_teams(
    r: Reader, teams: Sequence[tuple[uuid.UUID, uuid.UUID]], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """Pages of services for (team id, team's BU id) pairs; teams outside the scope get none."""
    scope = r.scope(Resource.SERVICE)
    allowed = [t for t, bu in teams if scope.allows(bu)]
    pages = (
        await repo.services_by_team(r.session, allowed, first=first, after=after) if allowed else {}
    )
    empty: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])
    return {t: pages.get(t, empty) for t, _ in teams}


async def dependency_links(
    r: Reader, service_ids: Sequence[uuid.UUID], *, direction: str
) -> dict[Any, list[Row[Any]]]:
    """For each service, the services it depends on ('provider') or that depend on it."""
    edges = await repo.dependency_edges(r.session, service_ids, direction=direction)
    scope = r.scope(Resource.SERVICE)
    if scope.everywhere:
        return edges
    return {k: [row for row in v if scope.allows(row.bu_id)] for k, v in edges.items()}


async def grants_of_people(r: Reader, person_ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    scope = r.scope(Resource.ROLE_GRANT)
    if scope.empty:
        return {}
    return await repo.grants_by_person(r.session, person_ids, scope)


async def me(r: Reader) -> Row[Any] | None:
    """The actor's own person record, readable whatever its roles."""
    if r.actor.person_id is None:
        return None
    return (await rows_by_ids(r.session, Person.__table__, [r.actor.person_id])).get(
        r.actor.person_id
    )


async def my_grants(r: Reader) -> list[Row[Any]]:
    """Your own grants: always yours to see, whatever you may read of others'."""
    if r.actor.person_id is None:
        return []
    grouped = await repo.grants_by_person(r.session, [r.actor.person_id], Scope(everywhere=True))
    return grouped.get(r.actor.person_id, [])


async def my_tokens(r: Reader) -> list[Row[Any]]:
    if r.actor.person_id is None:
        return []
    return await repo.tokens_of(r.session, r.actor.person_id)


async def scopes_of_tokens(r: Reader, token_ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await repo.scopes_by_token(r.session, token_ids)
