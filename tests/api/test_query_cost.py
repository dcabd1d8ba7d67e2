"""N+1 cannot hide: a nested query issues the same number of statements whatever the row count."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event

from tests.api.conftest import Api, unique

T = TypeVar("T")

NESTED = """
query($bu: ID!, $teams: Int, $services: Int) {
  node(id: $bu) { ... on BusinessUnit { key teams(first: $teams) { nodes { key
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


async def fewest(api: Api, ask: Callable[[], Awaitable[T]], times: int = 3) -> tuple[T, int]:
    """What `ask` answers and the fewest statements it took over `times` runs. A statement only
    some runs make is the clock's, not the query's: the revocation lease is renewed by whichever
    request comes once it is 1.5 s old, so on a busy machine a slow request may pay for it."""
    counts = []
    for _ in range(times):
        with counting(api) as statements:
            answer = await ask()
        counts.append(len(statements))
    return answer, min(counts)


async def _seed(api: Api, teams: int, services: int) -> str:
    """A fresh BU whose every team owns services that depend on each other."""
    bu = await api.ok(
        "mutation($i: BusinessUnitCreateInput!) { businessUnitCreate(input: $i) { businessUnit { id } errors { code } } }",
        {"i": {"key": unique("cost"), "name": "Cost"}},
    )
    bu_id = bu["businessUnitCreate"]["businessUnit"]["id"]
    previous = None
    for _ in range(teams):
        team = await api.ok(
            "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
            {"i": {"businessUnitId": bu_id, "key": unique("t"), "name": "T"}},
        )
        for _ in range(services):
            made = await api.ok(
                "mutation($i: ServiceCreateInput!) { serviceCreate(input: $i) { service { id } errors { code } } }",
                {
                    "i": {
                        "teamId": team["teamCreate"]["team"]["id"],
                        "key": unique("s"),
                        "name": "S",
                        "tier": "INTERNAL",
                        "dataClassification": "INTERNAL",
                    }
                },
            )
            sid = made["serviceCreate"]["service"]["id"]
            if previous:
                await api.ok(
                    "mutation($i: ServiceDependencyInput!) { serviceDependencyAdd(input: $i) { errors { code } } }",
                    {"i": {"consumerId": sid, "providerId": previous}},
                )
            previous = sid
    return bu_id


class TestNestedQueriesCostConstantStatements:
    async def test_statement_count_does_not_grow_with_rows(self, api: Api) -> None:
        bu = await _seed(api, teams=4, services=5)
        small_vars = {"bu": bu, "teams": 1, "services": 1}
        large_vars = {"bu": bu, "teams": 50, "services": 50}
        await api.ok(NESTED, small_vars)  # warm: token, person and grant lookups are cached
        with counting(api) as small:
            await api.ok(NESTED, small_vars)
        with counting(api) as large:
            data = await api.ok(NESTED, large_vars)
        services = [s for t in data["node"]["teams"]["nodes"] for s in t["services"]["nodes"]]
        assert len(services) == 20
        assert sum(len(s["dependsOn"]) for s in services) == 19
        assert len(large) == len(small), (len(small), len(large))
        # The BU, its teams, their services, providers, consumers, and each service's team and BU.
        assert len(large) <= 8
