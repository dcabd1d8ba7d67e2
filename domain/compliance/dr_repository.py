"""SQL of disaster-recovery procedures and their tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import DrProcedure, DrTest
from domain.compliance.vocabulary import DrProcedureStatus, DrResult
from domain.kernel.pagination import Page, fetch_pages_by_parent
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids

PROC = DrProcedure.__table__
TEST = DrTest.__table__
ACTIVE = str(DrProcedureStatus.ACTIVE)


async def get_procedure(
    session: AsyncSession, procedure_id: uuid.UUID, *, for_update: bool = False
) -> DrProcedure | None:
    stmt = select(DrProcedure).where(DrProcedure.id == procedure_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def procedures_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, PROC, ids)


async def procedures_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], *, include_retired: bool
) -> Grouped:
    """Each service's procedures, by kind then title."""
    if not service_ids:
        return {}
    stmt = _OF_SERVICES[include_retired]
    return group_by(
        list((await session.execute(stmt, {"ids": list(service_ids)})).all()), "service_id"
    )


def _of_services(include_retired: bool) -> Select[Any]:
    stmt = select(PROC).where(PROC.c.service_id.in_(ids_param()))
    if not include_retired:
        stmt = stmt.where(PROC.c.status == ACTIVE)
    return stmt.order_by(PROC.c.kind, PROC.c.title, PROC.c.id)


# Built once (a cold decision snapshot reads them; building costs more than running).
_OF_SERVICES = {retired: _of_services(retired) for retired in (False, True)}


async def active_procedures_with_last_pass(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> Grouped:
    """Each service's active procedures, by kind then title, each with `last_passed_at`: when
    its newest passing test was performed (None: never), in one statement."""
    if not service_ids:
        return {}
    rows = (await session.execute(_WITH_LAST_PASS, {"ids": list(service_ids)})).all()
    return group_by(list(rows), "service_id")


def _with_last_pass() -> Select[Any]:
    last_pass = (
        select(func.max(TEST.c.performed_at))
        .where(TEST.c.procedure_id == PROC.c.id, TEST.c.result == str(DrResult.PASSED))
        .scalar_subquery()
    )
    return _OF_SERVICES[False].add_columns(last_pass.label("last_passed_at"))


def _latest(only_passed: bool) -> Any:
    """Each procedure's newest test (optionally: newest passing one), by a window function."""
    rank = (
        func.row_number()
        .over(
            partition_by=TEST.c.procedure_id,
            order_by=(TEST.c.performed_at.desc(), TEST.c.id.desc()),
        )
        .label("_rank")
    )
    inner = select(TEST, rank)
    if only_passed:
        inner = inner.where(TEST.c.result == str(DrResult.PASSED))
    return inner


async def last_tests(
    session: AsyncSession, procedure_ids: Sequence[uuid.UUID], *, only_passed: bool
) -> dict[Any, Row[Any]]:
    """The newest (passing) test of each procedure, in one statement."""
    if not procedure_ids:
        return {}
    rows = (await session.execute(_LAST_TESTS[only_passed], {"ids": list(procedure_ids)})).all()
    return {r.procedure_id: r for r in rows}


def _last_tests(only_passed: bool) -> Select[Any]:
    ids: Any = ids_param()
    inner = _latest(only_passed).where(TEST.c.procedure_id.in_(ids)).subquery()
    return select(inner).where(inner.c._rank == 1)


async def tests_of_procedures(
    session: AsyncSession,
    procedure_ids: Sequence[uuid.UUID],
    *,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of tests per procedure, oldest first (history), in one statement."""
    return await fetch_pages_by_parent(
        session,
        select(TEST),
        parent_col=TEST.c.procedure_id,
        parent_ids=procedure_ids,
        sort_col=TEST.c.performed_at,
        id_col=TEST.c.id,
        sort_key="performed_at",
        parent_key="procedure_id",
        first=first,
        after=after,
    )


async def tests_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, TEST, ids)


_LAST_TESTS = {passed: _last_tests(passed) for passed in (False, True)}
_WITH_LAST_PASS = prepared(_with_last_pass())
