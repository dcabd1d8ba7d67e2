"""Reads built once, run straight on the driver in PostgreSQL read sessions.

SQLAlchemy's execution path costs about 0.1-0.15 ms of CPU per statement over asyncpg's own
(cache-key lookup, execution context, result metadata, expanding `IN` lists re-rendered at each
run); a cold promotion decision reads about forty statements, so that path was half of its CPU.
A statement built once at import and marked with `prepared(...)` is compiled once per dialect
into a plan: its SQL with each expanding `IN` written as `= ANY(CAST($n AS type[]))` and each
`NOT IN` as `<> ALL(...)` (one text whatever the number of ids, so asyncpg keeps one prepared
statement per connection), its bind processors and its result processors (SQLAlchemy's own,
chosen for the column types the server reports: the values are the Python values SQLAlchemy
returns).

`ReadSession` (the class of the reader sessions on PostgreSQL, which run in autocommit, so a
statement there runs alone exactly as SQLAlchemy would run it) answers a marked statement from
its plan and hands back a SQLAlchemy `Result` with the same keys and rows. The engine's
before/after cursor events are dispatched around it as SQLAlchemy dispatches them, so whatever
listens there (the request's database budget, the write watch, statement counts in tests) sees
it. Anything else, and any failure at all, runs through SQLAlchemy itself: errors, outages and
connection invalidation keep their one path. `tests/domain/kernel/test_prepared_reads.py`
checks both paths answer alike.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.engine import Dialect, IteratorResult, Result
from sqlalchemy.engine.result import SimpleResultMetaData
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.type_api import TypeEngine

S = TypeVar("S", bound=Select[*tuple[Any, ...]])
Processor = Callable[[Any], Any] | None

_MARKED: dict[int, _Marked] = {}
"""Marked statements by id; each entry holds its statement, so the id is never reused."""


def prepared(statement: S) -> S:
    """Mark a statement built once (its values bound at each run) to run from a plan in read
    sessions on PostgreSQL. Only selects of columns: ORM entities load through the session."""
    for described in statement.column_descriptions:
        if not isinstance(described["type"], TypeEngine):
            raise ValueError(f"only column selects can be prepared, not {described['name']}")
    if statement.get_execution_options() or statement._for_update_arg is not None:
        raise ValueError("a prepared read takes no execution options and locks nothing")
    _MARKED[id(statement)] = _Marked(statement)
    return statement


@dataclass(slots=True)
class _Marked:
    statement: Select[Any]
    plans: weakref.WeakKeyDictionary[Dialect, _Plan | None] = field(
        default_factory=weakref.WeakKeyDictionary
    )

    def plan(self, dialect: Dialect) -> _Plan | None:
        try:
            return self.plans[dialect]
        except KeyError:
            made = self.plans[dialect] = _compile(self.statement, dialect)
            return made


@dataclass(slots=True)
class _Plan:
    sql: str
    compiled: Any
    names: tuple[str, ...]
    """The bind names in the order of their `$n`."""
    expanding: frozenset[str]
    binders: tuple[Processor, ...]
    types: tuple[TypeEngine[Any], ...]
    metadata: SimpleResultMetaData
    results: tuple[Processor, ...] | None = None
    """Known after the first run, from the column types the server reports."""

    def arguments(self, params: Mapping[str, Any] | None) -> list[Any]:
        values = self.compiled.construct_params(params or {})
        out = []
        for name, bind in zip(self.names, self.binders, strict=True):
            value = values[name]
            if name in self.expanding:
                value = [bind(v) for v in value] if bind else list(value)
            elif bind is not None:
                value = bind(value)
            out.append(value)
        return out

    def rows(self, records: Sequence[Any]) -> list[tuple[Any, ...]]:
        processors = self.results or ()
        if not any(processors):
            return [tuple(r) for r in records]
        pairs = list(enumerate(processors))
        out = []
        for record in records:
            row = list(record)
            for i, process in pairs:
                if process is not None:
                    row[i] = process(row[i])
            out.append(tuple(row))
        return out


_IN_LIST = re.compile(r"(NOT )?IN \(__\[POSTCOMPILE_(\w+)\]\)")


def _compile(statement: Select[Any], dialect: Dialect) -> _Plan | None:
    """The plan of `statement` on `dialect`; None when it cannot run without SQLAlchemy."""
    if dialect.driver != "asyncpg" or dialect.paramstyle != "numeric_dollar":
        return None
    compiled = statement.compile(dialect=dialect)
    order = list(compiled.positiontup or ())
    binds = compiled.binds
    if len(set(order)) != len(order):
        return None
    numbered = [n for n in order if not binds[n].expanding]
    expanding = [n for n in order if binds[n].expanding]
    names = list(numbered)

    def as_any(match: re.Match[str]) -> str:
        negated, name = match.group(1), match.group(2)
        if name not in expanding:
            return match.group(0)  # left as it is: the plan is refused below
        if name not in names:
            names.append(name)
        type_name = dialect.type_compiler_instance.process(binds[name].type)
        array = f"CAST(${names.index(name) + 1} AS {type_name}[])"
        return f"<> ALL({array})" if negated else f"= ANY({array})"

    sql = _IN_LIST.sub(as_any, compiled.string)
    if "__[POSTCOMPILE_" in sql or len(names) != len(order):
        return None  # a literal rendered at run time
    processors = compiled._bind_processors
    binders: list[Processor] = []
    for name in names:
        bind = processors.get(name)
        if bind is not None and not callable(bind):
            return None  # a tuple's processors, one per element
        binders.append(bind)
    columns = compiled._result_columns
    return _Plan(
        sql=sql,
        compiled=compiled,
        names=tuple(names),
        expanding=frozenset(expanding),
        binders=tuple(binders),
        types=tuple(c.type for c in columns),
        metadata=SimpleResultMetaData([c.keyname for c in columns]),
    )


class ReadSession(AsyncSession):
    """The reader sessions' class on PostgreSQL (autocommit): marked statements run from
    their plans."""

    _held: tuple[Any, Any, Any] | None = None
    """(the session's transaction, its connection, the driver's connection) while it holds."""

    async def execute(self, statement: Any, params: Any = None, **options: Any) -> Result[Any]:
        marked = _MARKED.get(id(statement)) if not options else None
        if marked is None or not (params is None or isinstance(params, Mapping)):
            return await self._sqlalchemy(statement, params, **options)
        connection, driver = await self._connections()
        plan = marked.plan(connection.dialect)
        if plan is None:
            return await self._sqlalchemy(statement, params, **options)
        try:
            return await _run(plan, connection.sync_connection, driver, params)
        except _Unplannable:
            marked.plans[connection.dialect] = None
            return await self._sqlalchemy(statement, params)
        except Exception:
            # The one place errors are shaped (outages, invalidation, wrapping): SQLAlchemy's.
            self._held = None
            return await self._sqlalchemy(statement, params)

    async def _sqlalchemy(self, statement: Any, params: Any, **options: Any) -> Result[Any]:
        result: Result[Any] = await super().execute(statement, params, **options)
        return result

    async def _connections(self) -> tuple[Any, Any]:
        """The session's connection and the driver's under it, asked for once per session
        transaction (asking costs a greenlet switch; a commit, rollback or close ends the
        transaction, and the next ask finds a new one)."""
        transaction = self.sync_session.get_transaction()
        held = self._held
        if held is not None and held[0] is transaction and transaction.is_active:
            return held[1], held[2]
        connection = await self.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        self._held = (self.sync_session.get_transaction(), connection, driver)
        return connection, driver

    async def scalar(self, statement: Any, params: Any = None, **options: Any) -> Any:
        if not options and id(statement) in _MARKED:
            return (await self.execute(statement, params)).scalar()
        return await super().scalar(statement, params, **options)


async def _run(
    plan: _Plan, sync: Any, driver: Any, params: Mapping[str, Any] | None
) -> Result[Any]:
    arguments = plan.arguments(params)
    dispatch = sync.dispatch
    for before in dispatch.before_cursor_execute:
        before(sync, None, plan.sql, arguments, None, False)
    if plan.results is None:
        statement = await driver.prepare(plan.sql)
        records = await statement.fetch(*arguments)
        plan.results = _result_processors(plan, sync.dialect, statement.get_attributes())
    else:
        records = await driver.fetch(plan.sql, *arguments)
    dispatch.after_cursor_execute(sync, None, plan.sql, arguments, None, False)
    return IteratorResult(plan.metadata, iter(plan.rows(records)))


class _Unplannable(Exception):
    """The server's columns are not the statement's result columns (SQLAlchemy runs it)."""


def _result_processors(plan: _Plan, dialect: Dialect, attributes: Any) -> tuple[Processor, ...]:
    oids = [a.type.oid for a in attributes]
    if len(oids) != len(plan.types):
        raise _Unplannable
    return tuple(
        t._cached_result_processor(dialect, oid) for t, oid in zip(plan.types, oids, strict=True)
    )
