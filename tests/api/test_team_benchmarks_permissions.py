"""Every role against team benchmarks, per authz/PERMISSIONS.md (as the change ledger's: the
demo users hold their roles in payments, rmo and auditor org-wide): the CSV answers exactly
where `change_ledger/export` is ticked, and a role that may not read the ledger sees no cohort
(and a payments team reads as not found)."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.test_permission_matrix import USERS, expected
from tests.api.test_team_benchmarks_support import (
    BENCHMARK,
    BENCHMARKS,
    bench_team,
    history,
    period,
    year,
)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_benchmarks_csv_answers_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    response = await api.http.get(
        "/insights/team-benchmarks.csv",
        headers={"authorization": f"Bearer {api.token(USERS[role])}"},
    )
    allowed = expected(role, "change_ledger", "export", org_level=False)
    assert response.status_code == (200 if allowed else 403), (role, response.text)


@pytest.mark.parametrize("role", list(USERS))
async def test_the_benchmarks_read_exactly_where_the_matrix_says(api: Api, role: str) -> None:
    start, end = year(2030 + list(USERS).index(role))
    team = await bench_team(api, "payments", 3)
    await history(api, team, start, 2)
    found = await api.gql(BENCHMARKS, period(start, end), as_user=USERS[role])
    mine = await api.gql(BENCHMARK, {"t": team.team, **period(start, end)}, as_user=USERS[role])
    if expected(role, "change_ledger", "read", org_level=False):
        assert [c["teams"][0]["label"] for c in found["data"]["teamBenchmarks"]["cohorts"]] == [
            team.name
        ], (role, found)
        assert mine["data"]["teamBenchmark"]["team"]["label"] == team.name, (role, mine)
    else:
        assert found["data"]["teamBenchmarks"]["cohorts"] == [], (role, found)
        assert mine["errors"][0]["extensions"]["code"] == "NOT_FOUND", (role, mine)
