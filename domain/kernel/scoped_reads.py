"""Read use cases that are a repository read cut to the BUs the reader may read, and no more."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Resource, Scope
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.repository import Grouped

P = ParamSpec("P")
T = TypeVar("T")
R = TypeVar("R")


def _scoped(
    resource: Resource,
    read: Callable[Concatenate[AsyncSession, Scope, P], Awaitable[R]],
    nothing: Callable[[], R],
) -> Callable[Concatenate[Reader, P], Awaitable[R]]:
    async def scoped_read(r: Reader, /, *args: P.args, **kwargs: P.kwargs) -> R:
        scope = r.scope(resource)
        if scope.empty:
            return nothing()
        return await read(r.session, scope, *args, **kwargs)

    return scoped_read


def scoped_page(
    resource: Resource,
    page: Callable[Concatenate[AsyncSession, Scope, P], Awaitable[Page[T]]],
) -> Callable[Concatenate[Reader, P], Awaitable[Page[T]]]:
    """The read use case `page(session, scope, **filters)` makes when its filters pass through
    unchanged: scoped by where the reader may read `resource`, empty (no statement) nowhere."""
    return _scoped(resource, page, lambda: Page(items=[], has_next=False, cursors=[]))


def scoped_list(
    resource: Resource,
    rows: Callable[Concatenate[AsyncSession, Scope, P], Awaitable[list[T]]],
) -> Callable[Concatenate[Reader, P], Awaitable[list[T]]]:
    """As `scoped_page`, for a repository read that returns every row at once."""
    return _scoped(resource, rows, list)


def readable_by_id(
    resource: Resource,
    by_ids: Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[dict[Any, Row[Any]]]],
) -> Callable[[Reader, Sequence[uuid.UUID]], Awaitable[dict[Any, Row[Any]]]]:
    """The read use case of a batched reader by ids: only the rows of BUs where the reader may
    read `resource` (the others read as absent)."""

    async def read(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
        scope = r.scope(resource)
        return {k: v for k, v in (await by_ids(r.session, ids)).items() if scope.allows(v.bu_id)}

    return read


def readable_groups(
    resource: Resource, groups: Callable[Concatenate[AsyncSession, P], Awaitable[Grouped]]
) -> Callable[Concatenate[Reader, P], Awaitable[Grouped]]:
    """The read use case of a batched reader `groups(session, ids)`: in each group only the rows
    of BUs where the reader may read `resource` (no statement when there are none)."""

    async def read(r: Reader, /, *args: P.args, **kwargs: P.kwargs) -> Grouped:
        scope = r.scope(resource)
        if scope.empty:
            return {}
        grouped = await groups(r.session, *args, **kwargs)
        return {k: [row for row in rows if scope.allows(row.bu_id)] for k, rows in grouped.items()}

    return read
