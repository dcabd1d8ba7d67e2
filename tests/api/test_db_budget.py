"""The database time budget per request (api/db_budget.py): a request that has spent it gets
DATABASE_BUDGET_EXCEEDED for its further statements; the next request has a budget of its own."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event

from api import db_budget
from tests.api.conftest import Api, serving, settings_for

NESTED = "query Nested { teams(first: 5) { nodes { key services(first: 5) { nodes { key } } } } }"


class TestDatabaseBudget:
    async def test_a_request_past_its_budget_is_refused_and_the_next_has_its_own(
        self, api: Api, migrated_url: str, tmp_path: Path
    ) -> None:
        # One microsecond: any statement spends it, so a request runs one statement and its
        # further ones are refused, whatever the machine's speed.
        settings = settings_for(
            migrated_url, tmp_path, rate_limit_enabled=True, db_time_budget_ms=0.001
        )
        async with serving(settings) as app:
            budgeted: list[str] = []

            def count(*_: object) -> None:
                if db_budget.current() is not None:
                    budgeted.append("statement")

            event.listen(app.runtime.db.engine.sync_engine, "after_cursor_execute", count)
            for user in ("viewer", "rmo"):
                budgeted.clear()
                body = (await app.post(NESTED, as_user=user)).json()
                codes = {e["extensions"]["code"] for e in body["errors"]}
                assert codes == {"DATABASE_BUDGET_EXCEEDED"}, body
                assert body["errors"][0]["extensions"]["limit"] == 0.001
                # Each request ran within a budget of its own: its first statement ran.
                assert budgeted

    async def test_a_machine_endpoint_past_its_budget_answers_503_with_the_code(
        self, api: Api, migrated_url: str, tmp_path: Path
    ) -> None:
        release = (await api.ok("{ releases(first: 1) { nodes { id } } }"))["releases"]["nodes"]
        settings = settings_for(
            migrated_url, tmp_path, rate_limit_enabled=True, db_time_budget_ms=0.001
        )
        async with serving(settings) as app:
            token = app.token("rmo")
            response = await app.http.get(
                f"/evidence/releases/{release[0]['id']}",
                headers={"authorization": f"Bearer {token}"},
            )
            assert response.status_code == 503, response.text
            error = response.json()["errors"][0]
            assert error["extensions"] == {"code": "DATABASE_BUDGET_EXCEEDED", "limit": 0.001}

    async def test_within_the_budget_nothing_changes(
        self, api: Api, migrated_url: str, tmp_path: Path
    ) -> None:
        settings = settings_for(migrated_url, tmp_path, rate_limit_enabled=True)
        async with serving(settings) as app:
            body = (await app.post(NESTED, as_user="viewer")).json()
            assert "errors" not in body, body
            assert body["data"]["teams"]["nodes"]


class TestBudgetAccount:
    def test_no_budget_when_the_limit_is_zero(self) -> None:
        token = db_budget.begin(0)
        assert token is None and db_budget.current() is None

    def test_a_budget_is_the_requests_own_and_ends_with_it(self) -> None:
        token = db_budget.begin(10)
        budget = db_budget.current()
        assert budget is not None and not budget.spent
        budget.spent_ms = 10
        assert budget.spent
        db_budget.end(token)
        assert db_budget.current() is None
