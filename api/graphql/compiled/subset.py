"""What compiled execution supports: per GraphQL type, each field's read and how it renders.

The table is the whole subset. A field that is not in it (or an argument its entry does not
take) keeps its document on the normal executor. Every read is the organization's read use
case the normal resolvers' DataLoaders batch (`api/graphql/loaders/__init__.py`), given the
same reader (the caller's actor and authorizer), so the authorization scope is applied in the
statements exactly as the normal resolvers apply it: `business_units` through `scoped`, the
teams and services of a parent only for parents in scope, dependency links and nodes by id
filtered by the scope of their BU.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from types import SimpleNamespace
from typing import Any, Literal

from api.global_ids import to_global_id
from domain.kernel.reader import Reader
from domain.organization import queries as org
from domain.organization import vocabulary as voc

Row = Any
Render = Callable[[Row], Any]
Found = dict[Any, Any]
Read = Callable[..., Awaitable[Found]]
"""`read(reader, parents, **arguments)`: the children of every parent row, by parent id."""

ROOT: Any = SimpleNamespace(id=None)
"""The parent row of the root fields (its id keys their results)."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """A scalar or enum, rendered from the row."""

    render: Render


@dataclass(frozen=True, slots=True)
class Child:
    """Objects read in one batch for every parent at a level: a connection (a page per
    parent), a list (rows per parent) or one object (a row, or none, per parent)."""

    shape: Literal["connection", "list", "object"]
    read: Read
    arguments: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Same:
    """An object of another type made from the same row (a dependency link's `service`)."""


Field = Leaf | Child | Same


def column(name: str) -> Leaf:
    return Leaf(lambda row: getattr(row, name))


def text_list(name: str) -> Leaf:
    return Leaf(lambda row: list(getattr(row, name)))


def global_id(type_name: str) -> Leaf:
    return Leaf(lambda row: to_global_id(type_name, row.id))


def enum_name(vocabulary: type[Enum], name: str) -> Leaf:
    """The GraphQL enum value strawberry writes for the column's value: the member's name."""
    names = {member.value: member.name for member in vocabulary}
    return Leaf(lambda row: names[getattr(row, name)])


def timestamp(name: str) -> Leaf:
    """strawberry's DateTime: `isoformat()` of the value as read."""

    def render(row: Row) -> str:
        value: datetime = getattr(row, name)
        return value.isoformat()

    return Leaf(render)


PAGE = frozenset({"first", "after"})


# -- the reads: each the read use case behind the normal resolver's loader ------------------


async def root_business_units(r: Reader, _: Sequence[Row], *, first: Any, after: Any) -> Found:
    return {None: await org.business_units(r, first=first, after=after)}


async def root_teams(r: Reader, _: Sequence[Row], *, first: Any, after: Any) -> Found:
    return {None: await org.teams(r, bu_id=None, first=first, after=after)}


async def root_services(r: Reader, _: Sequence[Row], *, first: Any, after: Any) -> Found:
    page = await org.services(r, bu_id=None, team_id=None, tier=None, first=first, after=after)
    return {None: page}


async def teams_of(r: Reader, bus: Sequence[Row], *, first: Any, after: Any) -> Found:
    return await org.teams_of_bus(r, [b.id for b in bus], first=first, after=after)


async def services_of(r: Reader, teams: Sequence[Row], *, first: Any, after: Any) -> Found:
    pairs = [(t.id, t.bu_id) for t in teams]
    return await org.services_of_teams(r, pairs, first=first, after=after)


async def providers_of(r: Reader, services: Sequence[Row]) -> Found:
    return await org.dependency_links(r, [s.id for s in services], direction="provider")


async def consumers_of(r: Reader, services: Sequence[Row]) -> Found:
    return await org.dependency_links(r, [s.id for s in services], direction="consumer")


def node_of(by_id: Callable[[Reader, Sequence[uuid.UUID]], Awaitable[Found]], key: str) -> Child:
    """The node whose id is the row's `key` column; none when absent or out of scope."""

    async def read(r: Reader, rows: Sequence[Row]) -> Found:
        wanted = {getattr(row, key) for row in rows}
        found = await by_id(r, list(wanted))
        return {row.id: found.get(getattr(row, key)) for row in rows}

    return Child("object", read)


def _entity(type_name: str) -> dict[str, Field]:
    return {
        "id": global_id(type_name),
        "key": column("key"),
        "name": column("name"),
        "version": column("version"),
        "createdAt": timestamp("created_at"),
        "updatedAt": timestamp("updated_at"),
    }


SUBSET: dict[str, dict[str, Field]] = {
    "Query": {
        "businessUnits": Child("connection", root_business_units, PAGE),
        "teams": Child("connection", root_teams, PAGE),
        "services": Child("connection", root_services, PAGE),
    },
    "BusinessUnit": {
        **_entity("BusinessUnit"),
        "description": column("description"),
        "teams": Child("connection", teams_of, PAGE),
    },
    "Team": {
        **_entity("Team"),
        "description": column("description"),
        "services": Child("connection", services_of, PAGE),
        "businessUnit": node_of(org.business_units_by_id, "bu_id"),
    },
    "Service": {
        **_entity("Service"),
        "tier": enum_name(voc.Tier, "tier"),
        "dataClassification": enum_name(voc.DataClassification, "data_classification"),
        "regions": text_list("regions"),
        "dependsOn": Child("list", providers_of),
        "dependents": Child("list", consumers_of),
        "team": node_of(org.teams_by_id, "team_id"),
        "businessUnit": node_of(org.business_units_by_id, "bu_id"),
    },
    "ServiceLink": {
        "kind": enum_name(voc.DependencyKind, "_kind"),
        "service": Same(),
    },
}
"""Per GraphQL object type, its compiled fields (by GraphQL name)."""

CONNECTION_FIELDS = frozenset({"nodes", "edges", "pageInfo", "__typename"})
EDGE_FIELDS = frozenset({"cursor", "node", "__typename"})
PAGE_INFO_FIELDS = frozenset({"hasNextPage", "endCursor", "__typename"})
