"""N+1 cannot hide: a nested query issues the same number of statements whatever the row count."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from tests.api.conftest import Api

NESTED = """
query($bus: Int, $teams: Int, $services: Int) {
  businessUnits(first: $bus) { nodes { key teams(first: $teams) { nodes { key
    services(first: $services) { nodes { key team { key } businessUnit { key }
      dependsOn { kind service { key } } dependents { service { key } } } } } } } }
}"""


@contextmanager
def counting(api: Api) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append(statement)

    engine = api.runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


class TestNestedQueriesCostConstantStatements:
    async def test_statement_count_does_not_grow_with_rows(self, api: Api) -> None:
        small_vars = {"bus": 1, "teams": 1, "services": 1}
        large_vars = {"bus": 50, "teams": 50, "services": 50}
        await api.ok(NESTED, small_vars)  # warm: token, person and grant lookups are cached
        with counting(api) as small:
            small_data = await api.ok(NESTED, small_vars)
        with counting(api) as large:
            large_data = await api.ok(NESTED, large_vars)
        services = [
            s
            for bu in large_data["businessUnits"]["nodes"]
            for t in bu["teams"]["nodes"]
            for s in t["services"]["nodes"]
        ]
        assert len(services) >= 30
        assert len(small_data["businessUnits"]["nodes"]) == 1
        assert len(large) == len(small), (len(small), len(large))
        # BUs, teams, services, providers, consumers, the team and the BU of each service.
        assert len(large) <= 8
