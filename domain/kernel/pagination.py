"""Keyset pagination: opaque cursors over (sort key, id), never OFFSET."""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import ColumnElement, FromClause, Row, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.errors import DomainError

T = TypeVar("T")
MAX_PAGE = 500
DEFAULT_PAGE = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool
    cursors: list[str]


def encode_cursor(sort_value: Any, id_: uuid.UUID) -> str:
    raw = orjson.dumps([sort_value, str(id_)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort_value, id_ = orjson.loads(raw)
        return sort_value, uuid.UUID(id_)
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise DomainError("The cursor is not one this API gave out.", field="after") from exc


def check_first(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(f"first must be between 0 and {MAX_PAGE}.", field="first")
    return first


def after_clause(
    sort_col: ColumnElement[Any],
    id_col: ColumnElement[Any],
    after: str | None,
    *,
    descending: bool = False,
) -> ColumnElement[bool] | None:
    """What follows the cursor `after` in (sort, id) order, or in reverse when `descending`."""
    if after is None:
        return None
    value, id_ = decode_cursor(after)
    value = _typed(sort_col, value)
    if descending:
        return or_(sort_col < value, and_(sort_col == value, id_col < id_))
    return or_(sort_col > value, and_(sort_col == value, id_col > id_))


def _typed(col: ColumnElement[Any], value: Any) -> Any:
    """A cursor's sort value back in the column's Python type (JSON keeps times as text)."""
    try:
        python_type = col.type.python_type
    except NotImplementedError:
        return value
    if python_type is datetime:
        try:
            return datetime.fromisoformat(value)
        except (TypeError, ValueError) as exc:
            raise DomainError("The cursor is not one this API gave out.", field="after") from exc
    if value is not None and not _of_type(value, python_type):
        # A forged cursor's number against a text column would reach the database as a
        # comparison it refuses (PostgreSQL: operator does not exist), an error of ours.
        raise DomainError("The cursor is not one this API gave out.", field="after")
    return value


def _of_type(value: Any, python_type: type) -> bool:
    if python_type is str:
        return isinstance(value, str)
    if python_type in (int, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    return True


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    sort_col: ColumnElement[Any],
    id_col: ColumnElement[Any],
    sort_key: str,
    first: int | None,
    after: str | None,
    descending: bool = False,
) -> Page[Row[Any]]:
    """One page of rows of `stmt`, ordered by (sort, id) (both reversed when `descending`), plus
    whether more follow."""
    limit = check_first(first)
    clause = after_clause(sort_col, id_col, after, descending=descending)
    if clause is not None:
        stmt = stmt.where(clause)
    order = (sort_col.desc(), id_col.desc()) if descending else (sort_col, id_col)
    rows = list((await session.execute(stmt.order_by(*order).limit(limit + 1))).all())
    return _page(rows, limit, sort_key)


async def page_by(
    session: AsyncSession,
    stmt: Select[Any],
    table: FromClause,
    sort: str,
    *,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """`fetch_page` ordered by the column `sort` of `table`, then by its id; the cursor keeps
    that column's value under its name."""
    return await fetch_page(
        session,
        stmt,
        sort_col=table.c[sort],
        id_col=table.c.id,
        sort_key=sort,
        first=first,
        after=after,
    )


async def fetch_pages_by_parent(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    parent_col: ColumnElement[Any],
    parent_ids: Sequence[Any],
    sort_col: ColumnElement[Any],
    id_col: ColumnElement[Any],
    sort_key: str,
    parent_key: str,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page per parent in ONE statement (window function), for DataLoaders of nested lists."""
    limit = check_first(first)
    rank = (
        func.row_number().over(partition_by=parent_col, order_by=(sort_col, id_col)).label("_rank")
    )
    stmt = stmt.add_columns(rank).where(parent_col.in_(parent_ids))
    clause = after_clause(sort_col, id_col, after)
    if clause is not None:
        stmt = stmt.where(clause)
    inner = stmt.subquery()
    outer = (
        select(inner).where(inner.c._rank <= limit + 1).order_by(inner.c[parent_key], inner.c._rank)
    )
    grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
    for row in (await session.execute(outer)).all():
        grouped[row._mapping[parent_key]].append(row)
    return {pid: _page(grouped.get(pid, []), limit, sort_key) for pid in parent_ids}


def _page(rows: list[Row[Any]], limit: int, sort_key: str) -> Page[Row[Any]]:
    has_next = len(rows) > limit
    rows = rows[:limit]
    cursors = [encode_cursor(r._mapping[sort_key], r._mapping["id"]) for r in rows]
    return Page(items=rows, has_next=has_next, cursors=cursors)
