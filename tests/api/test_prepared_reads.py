"""Reads marked `prepared` answer from their plans on PostgreSQL exactly as SQLAlchemy answers
(domain/kernel/prepared_reads.py): the same keys, rows and Python values, the same facts for
the promotion decision; the engine's cursor events still see each statement; any failure is
answered (or refused) by SQLAlchemy itself."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import Integer, Select, bindparam, select, text, union_all
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api import db_budget
from api.graphql.relay import from_global_id
from domain.kernel import prepared_reads
from domain.kernel.errors import Unavailable
from domain.kernel.prepared_reads import ReadSession, prepared
from domain.kernel.repository import ids_param
from domain.organization.models import BusinessUnit, Service
from domain.pipelines.gather import Ask, take_snapshot
from tests.api.conftest import Api
from tests.api.governance_support import services
from tests.api.test_promotion_decision import scan, world
from tests.api.test_query_cost import counting

SERVICE = Service.__table__

BY_IDS = prepared(
    select(SERVICE.c.id, SERVICE.c.key, SERVICE.c.regions, SERVICE.c.created_at, SERVICE.c.tier)
    .where(SERVICE.c.id.in_(ids_param()))
    .order_by(SERVICE.c.key)
)
TWICE = prepared(
    union_all(
        select(SERVICE.c.key).where(SERVICE.c.id.in_(ids_param())),
        select(SERVICE.c.name).where(
            SERVICE.c.id.in_(ids_param()), SERVICE.c.tier != bindparam("tier")
        ),
    )
    .subquery()
    .select()
)
"""The same expanding list twice (one `$n` for both) and a plain value between."""
NOT_IN = prepared(select(SERVICE.c.key).where(SERVICE.c.id.not_in(ids_param())))
LITERAL = prepared(
    select(SERVICE.c.key)
    .order_by(SERVICE.c.key)
    .limit(bindparam("n", type_=Integer(), literal_execute=True))
)
"""No plan (a value SQLAlchemy writes into the text at each run); it still answers."""


@asynccontextmanager
async def _sessions(api: Api) -> AsyncIterator[tuple[AsyncSession, AsyncSession]]:
    """A reader session (plans) and a plain one on the same autocommit engine."""
    plain = async_sessionmaker(
        api.runtime.db.engine.execution_options(isolation_level="AUTOCOMMIT"),
        expire_on_commit=False,
    )
    async with api.runtime.db.read_session() as reader, plain() as sqlalchemy:
        assert isinstance(reader, ReadSession)
        yield reader, sqlalchemy


async def _both(
    api: Api, statement: Select[Any], params: dict[str, Any]
) -> tuple[Sequence[Any], Sequence[Any]]:
    async with _sessions(api) as (reader, plain):
        planned = await reader.execute(statement, params)
        expected = await plain.execute(statement, params)
        assert list(planned.keys()) == list(expected.keys())
        return planned.all(), expected.all()


def _planned_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ran: list[str] = []
    run = prepared_reads._run

    async def counted(plan: Any, *args: Any) -> Any:
        ran.append(plan.sql)
        return await run(plan, *args)

    monkeypatch.setattr(prepared_reads, "_run", counted)
    return ran


class TestMarking:
    def test_every_marked_statement_has_a_plan_on_postgresql(self) -> None:
        import domain.models  # noqa: F401 - every context's statements are marked at import

        dialect = asyncpg_dialect.dialect()
        unplanned = [
            str(m.statement)[:80]
            for m in prepared_reads._MARKED.values()
            if m.statement is not LITERAL and prepared_reads._compile(m.statement, dialect) is None
        ]
        assert unplanned == []

    def test_entities_and_locks_are_refused(self) -> None:
        with pytest.raises(ValueError, match="column selects"):
            prepared(select(BusinessUnit))
        with pytest.raises(ValueError, match="locks nothing"):
            prepared(select(SERVICE.c.id).with_for_update())
        with pytest.raises(ValueError, match="locks nothing"):
            prepared(select(SERVICE.c.id).execution_options(yield_per=10))


@pytest.mark.postgres_only
class TestPlansAnswerAsSQLAlchemy:
    async def test_rows_keys_and_values_for_no_one_and_many_ids(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ids = [from_global_id(s) for s in await services(api, "payments", 3)]
        ran = _planned_runs(monkeypatch)
        for wanted in ([], ids[:1], ids, [*ids, uuid.uuid4()]):
            planned, expected = await _both(api, BY_IDS, {"ids": wanted})
            assert planned == expected
            assert len(planned) == len(wanted[:3])
        assert len(ran) == 4 and "= ANY(CAST($1 AS UUID[]))" in ran[0]
        row = planned[0]
        assert isinstance(row.id, uuid.UUID) and type(row.id) is type(expected[0].id)
        assert isinstance(row.regions, list)  # JSON decoded, as SQLAlchemy decodes it
        assert row.created_at.tzinfo is not None

    async def test_one_list_bound_twice_and_a_value_between(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ids = [from_global_id(s) for s in await services(api, "payments", 2)]
        ran = _planned_runs(monkeypatch)
        planned, expected = await _both(api, TWICE, {"ids": ids, "tier": "nonesuch"})
        assert sorted(planned) == sorted(expected) and len(planned) == 4
        assert len(ran) == 1

    async def test_a_statement_without_a_plan_is_answered_by_sqlalchemy(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ran = _planned_runs(monkeypatch)
        planned, expected = await _both(api, LITERAL, {"n": 2})
        assert planned == expected and len(planned) == 2 and ran == []

    async def test_not_in_no_id_and_some(self, api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
        ids = [from_global_id(s) for s in await services(api, "payments", 2)]
        ran = _planned_runs(monkeypatch)
        for wanted in ([], ids):
            planned, expected = await _both(api, NOT_IN, {"ids": wanted})
            assert sorted(planned) == sorted(expected)
        assert len(ran) == 2 and "<> ALL(CAST($1 AS UUID[]))" in ran[0]

    async def test_the_decision_snapshot_is_the_same_through_plans(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        ask = Ask(
            from_global_id(w["service"]),
            from_global_id(w["env"]["id"]),
            w["version"],
            from_global_id(w["release"]["id"]),
        )
        now = api.runtime.clock.now()
        ran = _planned_runs(monkeypatch)
        async with _sessions(api) as (reader, plain):
            with counting(api) as through_plans:
                planned = await take_snapshot(reader, ask, now)
            with counting(api) as through_sqlalchemy:
                expected = await take_snapshot(plain, ask, now)
        assert planned == expected
        assert planned.evidence.artifact_id is not None and planned.of_release is not None
        # Most of its statements ran from plans, and the cursor events saw every one of them.
        assert len(ran) >= 25
        assert len(through_plans) == len(through_sqlalchemy)


@pytest.mark.postgres_only
class TestAroundThePlan:
    async def test_the_request_budget_is_charged(self, api: Api) -> None:
        ids = [from_global_id(s) for s in await services(api, "payments", 1)]
        token = db_budget.begin(60_000)
        try:
            async with api.runtime.db.read_session() as reader:
                await reader.execute(BY_IDS, {"ids": ids})
            budget = db_budget.current()
            assert budget is not None and budget.spent_ms > 0
        finally:
            db_budget.end(token)

    async def test_a_spent_budget_refuses_the_statement(self, api: Api) -> None:
        token = db_budget.begin(1)
        try:
            budget = db_budget.current()
            assert budget is not None
            budget.spent_ms = 5
            async with api.runtime.db.read_session() as reader:
                with pytest.raises(db_budget.DatabaseBudgetExceeded):
                    await reader.execute(BY_IDS, {"ids": []})
        finally:
            db_budget.end(token)

    async def test_a_failing_driver_leaves_the_answer_to_sqlalchemy(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ids = [from_global_id(s) for s in await services(api, "payments", 2)]

        async def broken(*_: Any) -> Any:
            raise ConnectionResetError("the driver failed")

        monkeypatch.setattr(prepared_reads, "_run", broken)
        planned, expected = await _both(api, BY_IDS, {"ids": ids})
        assert planned == expected and len(planned) == 2

    async def test_a_connection_killed_under_a_plan_is_an_outage_and_the_pool_recovers(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ids = [from_global_id(s) for s in await services(api, "payments", 1)]
        ran = _planned_runs(monkeypatch)
        with pytest.raises(Unavailable):
            async with api.runtime.db.read_session() as reader:
                await reader.execute(BY_IDS, {"ids": ids})
                pid = await reader.scalar(text("SELECT pg_backend_pid()"))
                async with api.runtime.db.read_session() as other:
                    await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                await reader.execute(BY_IDS, {"ids": ids})
        assert len(ran) == 2  # the second ran from its plan, failed, and SQLAlchemy answered
        async with api.runtime.db.read_session() as reader:
            assert len((await reader.execute(BY_IDS, {"ids": ids})).all()) == 1

    async def test_after_a_commit_the_session_reads_on(self, api: Api) -> None:
        ids = [from_global_id(s) for s in await services(api, "payments", 1)]
        async with api.runtime.db.read_session() as reader:
            first = (await reader.execute(BY_IDS, {"ids": ids})).all()
            await reader.commit()
            again = (await reader.execute(BY_IDS, {"ids": ids})).all()
            await reader.rollback()
            assert await reader.scalar(BY_IDS, {"ids": ids}) == first[0].id
        assert first == again
