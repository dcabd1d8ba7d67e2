"""The connection and list reads of the subset on PostgreSQL, straight on asyncpg.

Each is the statement its read use case builds (`domain/organization/repository.py`, through
`domain/kernel/pagination.py`), written out once: the same tables, filters, window-function
page per parent, order and limit, and the same authorization scope from the same reader
(`Reader.scope`), applied where the use case applies it: in the statement for business units
(`scoped`), to the parents for teams and services of a parent (`teams_of_bus`,
`services_of_teams`), and to the rows for dependency links (`dependency_links`). They run on
the request session's own connection, and count against the request's database time budget
(`api/db_budget.py`) as SQLAlchemy's statements do.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from api import db_budget
from domain.kernel.access import Resource, Scope
from domain.kernel.pagination import Page, check_first, decode_cursor, encode_cursor
from domain.kernel.reader import Reader

Found = dict[Any, Any]

JSON_COLUMNS = frozenset({"regions"})
BU_COLUMNS = "id, key, name, description, version, created_at, updated_at"
TEAM_COLUMNS = f"{BU_COLUMNS}, bu_id"
SERVICE_COLUMNS = (
    "id, bu_id, team_id, key, name, tier, data_classification, regions, version, "
    "created_at, updated_at"
)
"""`regions` (JSON) is read as its text and written into the answer as it is (`subset.json`)."""


async def fetch(connection: Any, sql: str, *params: Any) -> list[Any]:
    """The rows of one statement, timed against the request's database budget."""
    budget = db_budget.current()
    if budget is not None and budget.spent:
        raise db_budget.DatabaseBudgetExceeded(budget.limit_ms)
    started = time.perf_counter()
    try:
        return list(await connection.fetch(sql, *params))
    finally:
        if budget is not None:
            budget.spent_ms += (time.perf_counter() - started) * 1000


class _Where:
    """Conditions and their numbered parameters."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[Any] = []

    def param(self, value: Any) -> str:
        self.params.append(value)
        return f"${len(self.params)}"

    def add(self, condition: str) -> None:
        self.conditions.append(condition)

    def after(self, after: str | None) -> None:
        """What follows the cursor in (key, id) order (`pagination.after_clause`)."""
        if after is None:
            return
        key, id_ = decode_cursor(after)
        k, i = self.param(key), self.param(id_)
        self.add(f"(key > {k} OR (key = {k} AND id > {i}))")

    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


def _page(rows: list[Any], limit: int) -> Page[Any]:
    """`pagination._page`: the first `limit` rows, whether more follow, their cursors."""
    page = rows[:limit]
    return Page(page, len(rows) > limit, [encode_cursor(r["key"], r["id"]) for r in page])


async def root_business_units(
    r: Reader, connection: Any, _: Sequence[Any], *, first: Any, after: Any
) -> Found:
    """`repository.bus_page`: scoped by the BU's own id, by key."""
    limit = check_first(first)
    where = _Where()
    scope = r.scope(Resource.BUSINESS_UNIT)
    if not scope.everywhere:
        where.add(f"id = ANY({where.param(_ids(scope))}::uuid[])")
    where.after(after)
    sql = (
        f"SELECT {BU_COLUMNS} FROM business_units {where.sql()} "  # noqa: S608 - names ours
        f"ORDER BY key, id LIMIT {where.param(limit + 1)}"
    )
    return {None: _page(await fetch(connection, sql, *where.params), limit)}


async def _pages_by_parent(
    connection: Any,
    table: str,
    columns: str,
    parent: str,
    parents: list[Any],
    *,
    first: Any,
    after: Any,
) -> Found:
    """`pagination.fetch_pages_by_parent`: a page per parent in one statement."""
    limit = check_first(first)
    empty: Page[Any] = Page([], False, [])
    if not parents:
        return {}
    where = _Where()
    where.add(f"{parent} = ANY({where.param(parents)}::uuid[])")
    where.after(after)
    outer = ", ".join(_as_text(c.strip()) for c in columns.split(","))
    sql = (
        f"SELECT {outer} FROM (SELECT {columns}, row_number() OVER "  # noqa: S608 - names ours
        f"(PARTITION BY {parent} ORDER BY key, id) AS _rank FROM {table} {where.sql()}) ranked "
        f"WHERE _rank <= {where.param(limit + 1)} ORDER BY {parent}, _rank"
    )
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in await fetch(connection, sql, *where.params):
        grouped[row[parent]].append(row)
    return {p: _page(grouped[p], limit) if p in grouped else empty for p in parents}


async def teams_of(
    r: Reader, connection: Any, bus: Sequence[Any], *, first: Any, after: Any
) -> Found:
    """`queries.teams_of_bus`: teams only of the BUs in the scope of teams."""
    scope = r.scope(Resource.TEAM)
    check_first(first)
    allowed = [b["id"] for b in bus if scope.allows(b["id"])]
    found = await _pages_by_parent(
        connection, "teams", TEAM_COLUMNS, "bu_id", allowed, first=first, after=after
    )
    return _every(found, [b["id"] for b in bus])


async def services_of(
    r: Reader, connection: Any, teams: Sequence[Any], *, first: Any, after: Any
) -> Found:
    """`queries.services_of_teams`: services only of teams whose BU is in the scope of
    services."""
    scope = r.scope(Resource.SERVICE)
    check_first(first)
    allowed = [t["id"] for t in teams if scope.allows(t["bu_id"])]
    found = await _pages_by_parent(
        connection, "services", SERVICE_COLUMNS, "team_id", allowed, first=first, after=after
    )
    return _every(found, [t["id"] for t in teams])


def links(direction: str) -> Any:
    """`queries.dependency_links`: each service's providers ('provider') or consumers, joined
    to the service at the other end, by its key; only services in the scope of services."""
    own, other = (
        ("consumer_id", "provider_id")
        if direction == "provider"
        else ("provider_id", "consumer_id")
    )
    columns = ", ".join(_as_text(f"s.{c.strip()}") for c in SERVICE_COLUMNS.split(","))
    sql = (
        f"SELECT {columns}, d.{own} AS _owner, d.kind AS _kind FROM services s "  # noqa: S608
        f"JOIN service_dependencies d ON d.{other} = s.id "
        f"WHERE d.{own} = ANY($1::uuid[]) ORDER BY s.key"
    )

    async def read(r: Reader, connection: Any, services: Sequence[Any]) -> Found:
        scope = r.scope(Resource.SERVICE)
        grouped: Found = defaultdict(list)
        for row in await fetch(connection, sql, [s["id"] for s in services]):
            if scope.allows(row["bu_id"]):
                grouped[row["_owner"]].append(row)
        return grouped

    return read


def _as_text(column: str) -> str:
    """JSON columns as their text: no decoding per row (asyncpg's codec would)."""
    name = column.rsplit(".", 1)[-1]
    return f"{column}::text AS {name}" if name in JSON_COLUMNS else column


def _ids(scope: Scope) -> list[Any]:
    return sorted(scope.bu_ids, key=str)


def _every(found: Found, parents: list[Any]) -> Found:
    empty: Page[Any] = Page([], False, [])
    return {p: found.get(p, empty) for p in parents}
