"""SQL of the flags context. A flag's BU is its service's: scoped lists join the organization's
published service rows (domain.organization.fragments)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.flags.models import (
    Flag,
    FlagChange,
    FlagEnvironment,
    FlagEvaluation,
    FlagRevision,
    FlagSegment,
)
from domain.flags.vocabulary import ChangeStatus
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import group_by, rows_by_ids, scoped
from domain.organization import facts as org_facts
from domain.organization import fragments as org

FLAG = Flag.__table__
STATE = FlagEnvironment.__table__
SEGMENT = FlagSegment.__table__
CHANGE = FlagChange.__table__
EVALUATION = FlagEvaluation.__table__
REVISION = FlagRevision.__table__
SERVICE = org.service_rows()


def _flags_with_bu() -> Select[Any]:
    """Flag rows with their service's BU, tier and key (`bu_id`, `tier`, `service_key`)."""
    return select(FLAG, SERVICE.c.bu_id, SERVICE.c.tier, SERVICE.c.key.label("service_key")).join(
        SERVICE, SERVICE.c.id == FLAG.c.service_id
    )


# -- writes --------------------------------------------------------------------------------


async def bump_revision(session: AsyncSession) -> None:
    """Every flag change bumps the one revision row (also serializing flag writers)."""
    await session.execute(update(FlagRevision).values(revision=FlagRevision.revision + 1))


async def get_flag(session: AsyncSession, flag_id: uuid.UUID) -> Flag | None:
    return await session.get(Flag, flag_id)


async def flag_key_taken(session: AsyncSession, key: str) -> bool:
    return (await session.scalar(select(FLAG.c.id).where(FLAG.c.key == key))) is not None


async def segment_key_taken(session: AsyncSession, key: str) -> bool:
    return (await session.scalar(select(SEGMENT.c.id).where(SEGMENT.c.key == key))) is not None


async def service_facts(
    session: AsyncSession, service_id: uuid.UUID
) -> org_facts.ServiceFacts | None:
    return await org_facts.service_facts(session, service_id)


async def get_state(
    session: AsyncSession, flag_id: uuid.UUID, environment: str
) -> FlagEnvironment | None:
    stmt = select(FlagEnvironment).where(
        FlagEnvironment.flag_id == flag_id, FlagEnvironment.environment == environment
    )
    return (await session.scalars(stmt)).first()


async def states_of_flag(session: AsyncSession, flag_id: uuid.UUID) -> list[FlagEnvironment]:
    stmt = (
        select(FlagEnvironment)
        .where(FlagEnvironment.flag_id == flag_id)
        .order_by(FlagEnvironment.environment)
    )
    return list((await session.scalars(stmt)).all())


async def segment_keys_for(session: AsyncSession, bu_id: uuid.UUID) -> set[str]:
    """Segments a flag of this BU may use: the BU's own and the organization's."""
    stmt = select(SEGMENT.c.key).where(or_(SEGMENT.c.bu_id == bu_id, SEGMENT.c.bu_id.is_(None)))
    return set((await session.scalars(stmt)).all())


async def get_segment(session: AsyncSession, segment_id: uuid.UUID) -> FlagSegment | None:
    return await session.get(FlagSegment, segment_id)


async def get_change(session: AsyncSession, change_id: uuid.UUID) -> FlagChange | None:
    return await session.get(FlagChange, change_id)


async def record_evaluations(
    session: AsyncSession, seen: Iterable[tuple[uuid.UUID, str]], at: datetime
) -> None:
    """Upsert last-evaluated times; a row only ever moves forward (many processes write)."""
    rows = [{"flag_id": f, "environment": e, "last_evaluated_at": at} for f, e in seen]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(FlagEvaluation).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["flag_id", "environment"],
        set_={"last_evaluated_at": stmt.excluded.last_evaluated_at},
        where=FlagEvaluation.last_evaluated_at < stmt.excluded.last_evaluated_at,
    )
    await session.execute(stmt)


# -- evaluation snapshots ------------------------------------------------------------------


async def current_revision(session: AsyncSession) -> int:
    return int(await session.scalar(select(REVISION.c.revision)) or 0)


async def snapshot_rows(session: AsyncSession, environment: str) -> tuple[list[Any], list[Any]]:
    """Live flags with their state in `environment` (state columns null when none), and
    every segment."""
    flags = _flags_with_bu().add_columns(
        STATE.c.enabled,
        STATE.c.dark_launch,
        STATE.c.dark_launch_segment,
        STATE.c.rules,
        STATE.c.default_serve,
        STATE.c.id.label("state_id"),
    )
    flags = flags.outerjoin(
        STATE, (STATE.c.flag_id == FLAG.c.id) & (STATE.c.environment == environment)
    ).where(FLAG.c.archived_at.is_(None))
    segments = select(SEGMENT.c.key, SEGMENT.c.bu_id, SEGMENT.c.conditions)
    return (
        list((await session.execute(flags)).all()),
        list((await session.execute(segments)).all()),
    )


# -- reads ---------------------------------------------------------------------------------


async def flags_page(
    session: AsyncSession,
    scope: Scope,
    *,
    service_id: uuid.UUID | None,
    kind: str | None,
    include_archived: bool,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(_flags_with_bu(), SERVICE.c.bu_id, scope)
    if service_id is not None:
        stmt = stmt.where(FLAG.c.service_id == service_id)
    if kind is not None:
        stmt = stmt.where(FLAG.c.kind == kind)
    if not include_archived:
        stmt = stmt.where(FLAG.c.archived_at.is_(None))
    return await page_by(session, stmt, FLAG, "key", first=first, after=after)


async def flags_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, FLAG, ids, stmt=_flags_with_bu())


async def flag_by_key(session: AsyncSession, key: str) -> Any:
    return (await session.execute(_flags_with_bu().where(FLAG.c.key == key))).first()


async def live_flags(session: AsyncSession, scope: Scope) -> list[Row[Any]]:
    stmt = scoped(_flags_with_bu(), SERVICE.c.bu_id, scope).where(FLAG.c.archived_at.is_(None))
    return list((await session.execute(stmt.order_by(FLAG.c.key))).all())


async def states_of_flags(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, list[Row[Any]]]:
    stmt = select(STATE).where(STATE.c.flag_id.in_(ids)).order_by(STATE.c.environment)
    return group_by((await session.execute(stmt)).all(), "flag_id")


async def evaluations_of_flags(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, list[Row[Any]]]:
    stmt = select(EVALUATION).where(EVALUATION.c.flag_id.in_(ids))
    return group_by((await session.execute(stmt)).all(), "flag_id")


async def segments_page(
    session: AsyncSession, scope: Scope, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    stmt = scoped(select(SEGMENT), SEGMENT.c.bu_id, scope, org_rows=True)
    return await page_by(session, stmt, SEGMENT, "key", first=first, after=after)


async def segments_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, SEGMENT, ids)


def _changes() -> Select[Any]:
    return (
        select(CHANGE, SERVICE.c.bu_id)
        .join(FLAG, FLAG.c.id == CHANGE.c.flag_id)
        .join(SERVICE, SERVICE.c.id == FLAG.c.service_id)
    )


async def changes_page(
    session: AsyncSession,
    scope: Scope,
    *,
    flag_id: uuid.UUID | None,
    status: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Changes, oldest first (the cursor holds the creation time as ISO text)."""
    stmt = scoped(_changes(), SERVICE.c.bu_id, scope)
    if flag_id is not None:
        stmt = stmt.where(CHANGE.c.flag_id == flag_id)
    if status is not None:
        stmt = stmt.where(CHANGE.c.status == status)
    # Keyset over (created_at, id) ascending: history reads oldest first, like the audit trail.
    return await page_by(session, stmt, CHANGE, "created_at", first=first, after=after)


async def changes_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, CHANGE, ids, stmt=_changes())


async def changes_of_flags(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, list[Row[Any]]]:
    """Every change of each flag, oldest first (flag histories are short: changes are rare)."""
    stmt = _changes().where(CHANGE.c.flag_id.in_(ids)).order_by(CHANGE.c.created_at, CHANGE.c.id)
    return group_by((await session.execute(stmt)).all(), "flag_id")


async def production_changes_in_range(
    session: AsyncSession,
    scope: Scope,
    *,
    starts_at: datetime,
    ends_at: datetime,
    bu_id: uuid.UUID | None,
    service_ids: Sequence[uuid.UUID] | None,
    limit: int,
) -> list[Row[Any]]:
    """Applied production flag changes in [starts_at, ends_at), in time order: each flip is a
    production change for the calendar. Uses the (status, created_at) index."""
    stmt: Select[Any] = (
        select(
            CHANGE.c.id,
            CHANGE.c.flag_id,
            CHANGE.c.environment,
            CHANGE.c.action,
            CHANGE.c.created_at,
            CHANGE.c.decided_at,
            CHANGE.c.requested_by_id,
            CHANGE.c.decided_by_id,
            CHANGE.c.reason,
            CHANGE.c.note,
            CHANGE.c.after,
            CHANGE.c.version,
            FLAG.c.key.label("flag_key"),
            FLAG.c.service_id,
            SERVICE.c.bu_id,
        )
        .join(FLAG, FLAG.c.id == CHANGE.c.flag_id)
        .join(SERVICE, SERVICE.c.id == FLAG.c.service_id)
        .where(
            CHANGE.c.status == str(ChangeStatus.APPLIED),
            CHANGE.c.production.is_(True),
            CHANGE.c.created_at >= starts_at,
            CHANGE.c.created_at < ends_at,
        )
        .order_by(CHANGE.c.created_at, CHANGE.c.id)
        .limit(limit)
    )
    stmt = scoped(stmt, SERVICE.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(SERVICE.c.bu_id == bu_id)
    if service_ids is not None:
        stmt = stmt.where(FLAG.c.service_id.in_(service_ids))
    return list((await session.execute(stmt)).all())
