"""What compiled execution supports: per GraphQL type, each field's read and how it renders.

The table is the whole subset. A field that is not in it (or an argument its entry does not
take) keeps its document on the normal executor. Every read is the organization's read use
case the normal resolvers' DataLoaders batch (`api/graphql/loaders/__init__.py`), given the
same reader (the caller's actor and authorizer), so the authorization scope is applied exactly
as the normal resolvers apply it: `business_units` through `scoped`, the teams and services of
a parent only for parents in scope, dependency links and nodes by id filtered by the scope of
their BU. On PostgreSQL the connection and list reads have a twin in `postgres.py`: the same
statements and the same scope, on the session's asyncpg connection, without ORM row
processing (the differential test runs both databases, so each twin is checked against the
normal executor).

Rows are mappings (`row["column"]`): SQLAlchemy rows' `_mapping`, or asyncpg records.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Literal

import orjson

from api.global_ids import to_global_id
from api.graphql.compiled import postgres as pg
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.organization import queries as org
from domain.organization import vocabulary as voc

Row = Any
Found = dict[Any, Any]
Read = Callable[..., Awaitable[Found]]
"""`read(reader, parents, **arguments)`: the children of every parent row, by parent id."""
FastRead = Callable[..., Awaitable[Found]]
"""`read(reader, connection, parents, **arguments)`: the same, on PostgreSQL (`postgres.py`)."""

ROOT: Row = {"id": None}
"""The parent row of the root fields (its id keys their results)."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """A scalar or enum: `render(row, got)` (the reads' results are not needed)."""

    render: Callable[[Row, Any], Any]


@dataclass(frozen=True, slots=True)
class Child:
    """Objects read in one batch for every parent at a level: a connection (a page per
    parent), a list (rows per parent) or one object (a row, or none, per parent)."""

    shape: Literal["connection", "list", "object"]
    read: Read
    arguments: frozenset[str] = frozenset()
    postgres: FastRead | None = None


@dataclass(frozen=True, slots=True)
class Same:
    """An object of another type made from the same row (a dependency link's `service`)."""


Field = Leaf | Child | Same


def column(name: str) -> Leaf:
    return Leaf(lambda row, _got: row[name])


def json(name: str) -> Leaf:
    """A JSON column: its value, or its text as read on PostgreSQL (`postgres.JSON_COLUMNS`),
    written into the answer as it is."""

    def render(row: Row, _got: Any) -> Any:
        value = row[name]
        return orjson.Fragment(value) if isinstance(value, str) else value

    return Leaf(render)


def global_id(type_name: str) -> Leaf:
    return Leaf(lambda row, _got: to_global_id(type_name, row["id"]))


def enum_name(vocabulary: type[Enum], name: str) -> Leaf:
    """The GraphQL enum value strawberry writes for the column's value: the member's name."""
    names = {member.value: member.name for member in vocabulary}
    return Leaf(lambda row, _got: names[row[name]])


def timestamp(name: str) -> Leaf:
    """strawberry's DateTime: `isoformat()` of the value as read."""

    def render(row: Row, _got: Any) -> str:
        value: datetime = row[name]
        return value.isoformat()

    return Leaf(render)


PAGE = frozenset({"first", "after"})


# -- the reads: each the read use case behind the normal resolver's loader ------------------


def _page(page: Page[Any]) -> Page[Any]:
    return Page([r._mapping for r in page.items], page.has_next, page.cursors)


def _pages(pages: dict[Any, Page[Any]]) -> Found:
    return {parent: _page(page) for parent, page in pages.items()}


async def root_business_units(r: Reader, _: Sequence[Row], *, first: Any, after: Any) -> Found:
    return {None: _page(await org.business_units(r, first=first, after=after))}


async def root_teams(r: Reader, _: Sequence[Row], *, first: Any, after: Any) -> Found:
    return {None: _page(await org.teams(r, bu_id=None, first=first, after=after))}


async def root_services(r: Reader, _: Sequence[Row], *, first: Any, after: Any) -> Found:
    page = await org.services(r, bu_id=None, team_id=None, tier=None, first=first, after=after)
    return {None: _page(page)}


async def teams_of(r: Reader, bus: Sequence[Row], *, first: Any, after: Any) -> Found:
    return _pages(await org.teams_of_bus(r, [b["id"] for b in bus], first=first, after=after))


async def services_of(r: Reader, teams: Sequence[Row], *, first: Any, after: Any) -> Found:
    pairs = [(t["id"], t["bu_id"]) for t in teams]
    return _pages(await org.services_of_teams(r, pairs, first=first, after=after))


def links(direction: str) -> Read:
    async def read(r: Reader, services: Sequence[Row]) -> Found:
        ids = [s["id"] for s in services]
        found = await org.dependency_links(r, ids, direction=direction)
        return {owner: [row._mapping for row in rows] for owner, rows in found.items()}

    return read


def node_of(by_id: Callable[[Reader, Sequence[uuid.UUID]], Awaitable[Found]], key: str) -> Child:
    """The node whose id is the row's `key` column; none when absent or out of scope."""

    async def read(r: Reader, rows: Sequence[Row]) -> Found:
        found = await by_id(r, list({row[key] for row in rows}))
        out: Found = {}
        for row in rows:
            node = found.get(row[key])
            out[row["id"]] = None if node is None else node._mapping
        return out

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
        "businessUnits": Child("connection", root_business_units, PAGE, pg.root_business_units),
        "teams": Child("connection", root_teams, PAGE),
        "services": Child("connection", root_services, PAGE),
    },
    "BusinessUnit": {
        **_entity("BusinessUnit"),
        "description": column("description"),
        "teams": Child("connection", teams_of, PAGE, pg.teams_of),
    },
    "Team": {
        **_entity("Team"),
        "description": column("description"),
        "services": Child("connection", services_of, PAGE, pg.services_of),
        "businessUnit": node_of(org.business_units_by_id, "bu_id"),
    },
    "Service": {
        **_entity("Service"),
        "tier": enum_name(voc.Tier, "tier"),
        "dataClassification": enum_name(voc.DataClassification, "data_classification"),
        "regions": json("regions"),
        "dependsOn": Child("list", links("provider"), postgres=pg.links("provider")),
        "dependents": Child("list", links("consumer"), postgres=pg.links("consumer")),
        "team": node_of(org.teams_by_id, "team_id"),
        "businessUnit": node_of(org.business_units_by_id, "bu_id"),
    },
    "ServiceLink": {
        "kind": enum_name(voc.DependencyKind, "_kind"),
        "service": Same(),
    },
}
"""Per GraphQL object type, its compiled fields (by GraphQL name)."""
