"""SQL helpers every context's repository shares."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Row, Select, Table, Uuid, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.kernel.prepared_reads import prepared

Grouped = dict[Any, list[Row[Any]]]
T = TypeVar("T")


def scoped(stmt: Select[Any], bu_col: Any, scope: Scope, *, org_rows: bool = False) -> Select[Any]:
    """Only rows of the BUs in scope; org rows (bu_id null) too when `org_rows` and the scope
    is not empty (org-level things are readable by anyone who may read that kind anywhere)."""
    if scope.everywhere:
        return stmt
    in_bus = bu_col.in_(sorted(scope.bu_ids, key=str))
    if org_rows and not scope.empty:
        return stmt.where(or_(in_bus, bu_col.is_(None)))
    return stmt.where(in_bus)


async def rows_by_ids(
    session: AsyncSession, table: Any, ids: Sequence[uuid.UUID], *, stmt: Select[Any] | None = None
) -> dict[Any, Row[Any]]:
    """Rows of a table by primary key, in one statement (none when no id is asked for); `stmt`
    selects them when they carry more than the table's columns (for DataLoaders)."""
    if not ids:
        return {}
    if stmt is None and isinstance(table, Table):
        rows = (await session.execute(_by_ids(table), {"ids": list(ids)})).all()
    else:
        found = select(table) if stmt is None else stmt
        rows = (await session.execute(found.where(table.c.id.in_(ids)))).all()
    return {row.id: row for row in rows}


_BY_IDS: dict[Table, Select[Any]] = {}


def _by_ids(table: Table) -> Select[Any]:
    """A table's rows by id, built once per table (a `prepared` read: on PostgreSQL's read
    sessions it runs from its plan, domain/kernel/prepared_reads.py)."""
    found = _BY_IDS.get(table)
    if found is None:
        found = _BY_IDS[table] = prepared(select(table).where(table.c.id.in_(ids_param())))
    return found


async def rows_with_bu_by_ids(
    session: AsyncSession, table: Any, ids: Sequence[uuid.UUID], *, parent: Any, via: str
) -> dict[Any, Row[Any]]:
    """Rows of a table by primary key, each with the `bu_id` of the `parent` row its `via`
    column names (rows scoped by their parent's BU), in one statement."""
    stmt = select(table, parent.c.bu_id).join(parent, parent.c.id == table.c[via])
    return await rows_by_ids(session, table, ids, stmt=stmt)


def group_by(rows: Sequence[Row[Any]], key: str) -> Grouped:
    """Rows grouped by one of their columns, order kept."""
    grouped: Grouped = defaultdict(list)
    for row in rows:
        grouped[row._mapping[key]].append(row)
    return grouped


async def get_readable(
    session: AsyncSession,
    model: type[T],
    entity_id: uuid.UUID,
    scope: Scope,
    *,
    what: str,
    field: str | None = None,
    org_rows: bool = False,
    for_update: bool = False,
) -> T:
    """The aggregate with this id when `scope` reaches its BU (org rows too, with `org_rows`);
    NOT_FOUND otherwise, so that what is outside your scope reads as absent. The one place
    every context's "visible or not found" goes through."""
    table: Any = model
    stmt = scoped(select(model).where(table.id == entity_id), table.bu_id, scope, org_rows=org_rows)
    if for_update:
        stmt = stmt.with_for_update()
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound(f"{what} was not found.", field=field)
    return found  # type: ignore[no-any-return]


def ids_param(name: str = "ids") -> BindParameter[Any]:
    """An expanding bind parameter for a list of ids, in a statement built once at import.
    Typed here: a foreign-key column takes its type from the column it references only once
    that table is defined, so a parameter built against it earlier would stay untyped (and
    SQLite could not bind the ids)."""
    return bindparam(name, expanding=True, type_=Uuid())


def id_param(name: str = "id") -> BindParameter[Any]:
    """A bind parameter for one id, in a statement built once at import (see `ids_param`)."""
    return bindparam(name, type_=Uuid())
