"""Global ids, the Node interface and Relay connections."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypedDict, TypeVar, get_type_hints

import strawberry
from strawberry.dataloader import DataLoader

from api.global_ids import from_global_id as from_global_id
from api.global_ids import to_global_id as to_global_id
from api.global_ids import type_of_global_id as type_of_global_id
from api.graphql.context import Info
from domain.kernel.pagination import Page

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


def from_optional_global_id(global_id: str | None, expected: str, field: str) -> uuid.UUID | None:
    """Decode an optional `Type:uuid`: absent stays None, anything else as `from_global_id`."""
    return None if global_id is None else from_global_id(global_id, expected, field)


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


class FromRow(Protocol[T_co]):
    @classmethod
    def from_row(cls, row: Any) -> T_co: ...


async def load_node(
    loader: DataLoader[uuid.UUID, Any], cls: FromRow[T_co], id_: uuid.UUID | None
) -> T_co | None:
    """One related object through its DataLoader; None when absent or not yours to see."""
    if id_ is None:
        return None
    row = await loader.load(id_)
    return cls.from_row(row) if row is not None else None


def node_field(node: FromRow[T], loader: str, key: str, description: str | None = None) -> Any:
    """A field holding the node whose id is the root's `key`, loaded through
    `info.context.loaders.<loader>`; null when absent or not yours to see."""

    async def resolve(root: Any, info: Info) -> T | None:
        return await load_node(getattr(info.context.loaders, loader), node, getattr(root, key))

    resolve.__annotations__["return"] = node | None  # type: ignore[operator]
    return strawberry.field(resolver=resolve, description=description)


async def load_nodes(
    loader: DataLoader[uuid.UUID, Any], cls: FromRow[T_co], ids: list[uuid.UUID]
) -> list[T_co]:
    """Related objects through their DataLoader, in order, leaving out the absent ones."""
    rows = await loader.load_many(ids)
    return [cls.from_row(row) for row in rows if row is not None]


async def load_page(
    loader: DataLoader[Any, Page[Any]], key: Any, node: FromRow[T]
) -> Connection[T]:
    """One page of related rows through their DataLoader, as a connection of `node`s."""
    return connection(await loader.load(key), node)


def connection(page: Page[Any], node: FromRow[T]) -> Connection[T]:
    """A page of rows as a connection of `node`s."""
    edges = [
        Edge(cursor=c, node=node.from_row(row))
        for c, row in zip(page.cursors, page.items, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None
        ),
    )


async def paginate(
    info: Info,
    node: FromRow[T],
    query: Callable[..., Awaitable[Page[Any]]],
    /,
    *args: Any,
    **kwargs: Any,
) -> Connection[T]:
    """One page of a domain read (which takes a reader first) as a connection of `node`s."""
    async with info.context.reader() as r:
        page = await query(r, *args, **kwargs)
    return connection(page, node)


class PageArgs(TypedDict):
    """The page a connection field asks its read for."""

    first: int | None
    after: str | None


PageRead = Callable[..., Awaitable[Page[Any]]]
"""A domain read of one page, given a reader (and a filter) and the page asked for."""


def connection_field(node: FromRow[T], description: str) -> Callable[[PageRead], Any]:
    """A connection of `node`s, one page of the decorated read: `read(reader, page)`, or
    `read(reader, filter, page)` whose `filter` annotation is the field's GraphQL filter input
    (absent, it reads as an empty one). The field's arguments: that `filter`, then `first`
    (50 by default) and `after`."""

    def declare(read: PageRead) -> Any:
        params = list(inspect.signature(read).parameters)
        if len(params) == 2:

            async def resolve(info: Info, first: int | None = 50, after: str | None = None) -> Any:
                return await paginate(info, node, read, PageArgs(first=first, after=after))

        else:
            filter_type = get_type_hints(read)[params[1]]

            async def resolve(  # type: ignore[misc]  # the unfiltered variant, plus `filter`
                info: Info, filter: Any = None, first: int | None = 50, after: str | None = None
            ) -> Any:
                page = PageArgs(first=first, after=after)
                return await paginate(info, node, read, filter or filter_type(), page)

            resolve.__annotations__["filter"] = filter_type | None
        resolve.__annotations__["return"] = Connection[node]  # type: ignore[valid-type]
        return strawberry.field(resolver=resolve, description=description)

    return declare
