"""All SQL of the audit trail: appending to the hash chain under a lock, and reading it back."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import rules
from domain.compliance.models import AuditRecord
from domain.kernel.audit import AuditEntry

log = logging.getLogger(__name__)

AUDIT = AuditRecord.__table__
COLUMNS = tuple(AUDIT.c[name] for name in rules.RECORD_FIELDS)

AUDIT_CHAIN_LOCK = 0x5349_474E_414C_4258
"""The PostgreSQL advisory lock key ("SIGNALBX") that serializes appends to the chain."""

APPEND_ATTEMPTS = 3
STREAM_BATCH = 1000


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which records to read; every criterion is optional and they all have to hold."""

    occurred_from: datetime | None = None
    """Inclusive."""
    occurred_before: datetime | None = None
    """Exclusive."""
    bu_id: uuid.UUID | None = None
    actor_subject: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None


# -- appending -------------------------------------------------------------------------------


async def append_audit(session: AsyncSession, entries: Sequence[AuditEntry]) -> None:
    """Chain entries onto the audit trail inside the caller's transaction (an AuditAppender).

    Writers are serialized so the chain cannot fork: PostgreSQL takes a transaction-level
    advisory lock; on SQLite the writing unit of work already holds the database's write lock
    (BEGIN IMMEDIATE). Should a writer that bypassed the lock still take our seq, the primary
    key refuses the fork and we re-read the head and retry inside a savepoint. On PostgreSQL
    this relies on READ COMMITTED (the default): each statement after the lock sees the head
    the previous holder committed.
    """
    if not entries:
        return
    fields = [_fields(entry) for entry in entries]
    if session.get_bind().dialect.name == "postgresql":
        # Taken outside the savepoint: a rolled-back savepoint would release it.
        await session.execute(select(func.pg_advisory_xact_lock(AUDIT_CHAIN_LOCK)))
    for attempt in range(1, APPEND_ATTEMPTS + 1):
        try:
            async with session.begin_nested():
                rows = rules.link(fields, await head(session))
                await session.execute(insert(AuditRecord), rows)
            return
        except IntegrityError:
            if attempt == APPEND_ATTEMPTS:
                raise
            log.warning("audit chain head moved under us; retrying (attempt %d)", attempt)


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "occurred_at": entry.occurred_at,
        "actor_subject": entry.actor.subject,
        "actor_username": entry.actor.username,
        "token_id": entry.actor.token_id,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "bu_id": entry.bu_id,
        "before": _as_stored(entry.before),
        "after": _as_stored(entry.after),
        "rule": entry.rule,
        "request_id": entry.request_id,
    }


def _as_stored(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """The JSON value as it will read back, so the hash is taken over what is stored."""
    if value is None:
        return None
    stored: dict[str, Any] = json.loads(json.dumps(value, allow_nan=False))
    return stored


# -- reading ---------------------------------------------------------------------------------


async def head(session: AsyncSession) -> rules.ChainHead | None:
    """The last record of the chain, or None while the trail is empty."""
    row = (
        await session.execute(
            select(AUDIT.c.seq, AUDIT.c.hash).order_by(AUDIT.c.seq.desc()).limit(1)
        )
    ).first()
    return None if row is None else rules.ChainHead(seq=row.seq, hash=row.hash)


async def hash_at(session: AsyncSession, seq: int) -> str | None:
    """The stored hash of the record numbered `seq`, or None when there is none."""
    hash_: str | None = await session.scalar(select(AUDIT.c.hash).where(AUDIT.c.seq == seq))
    return hash_


async def count_records(
    session: AsyncSession,
    where: AuditFilter = AuditFilter(),
    *,
    bu_scope: frozenset[uuid.UUID] | None = None,
) -> int:
    """How many records match; `bu_scope` (None: everywhere) limits them to those BUs."""
    stmt = select(func.count()).select_from(AUDIT).where(*_criteria(where, bu_scope))
    return int(await session.scalar(stmt) or 0)


async def stream_records(
    session: AsyncSession,
    where: AuditFilter = AuditFilter(),
    *,
    bu_scope: frozenset[uuid.UUID] | None = None,
    after_seq: int = 0,
    batch_size: int = STREAM_BATCH,
) -> AsyncIterator[dict[str, Any]]:
    """Matching records (every column) in seq order, fetched in keyset batches, never OFFSET."""
    criteria = _criteria(where, bu_scope)
    while True:
        stmt = _select(criteria, after_seq).limit(batch_size)
        batch = (await session.execute(stmt)).mappings().all()
        for record in batch:
            yield dict(record)
        if len(batch) < batch_size:
            return
        after_seq = batch[-1]["seq"]


async def list_records(
    session: AsyncSession,
    where: AuditFilter,
    *,
    bu_scope: frozenset[uuid.UUID] | None,
    after_seq: int,
    limit: int,
) -> list[AuditRecord]:
    """One page of matching records after `after_seq`, in seq order."""
    stmt = (
        select(AuditRecord)
        .where(AUDIT.c.seq > after_seq, *_criteria(where, bu_scope))
        .order_by(AUDIT.c.seq)
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())


def _select(criteria: list[ColumnElement[bool]], after_seq: int) -> Select[Any]:
    return select(*COLUMNS).where(AUDIT.c.seq > after_seq, *criteria).order_by(AUDIT.c.seq)


def _criteria(
    where: AuditFilter, bu_scope: frozenset[uuid.UUID] | None
) -> list[ColumnElement[bool]]:
    criteria: list[ColumnElement[bool]] = []
    if bu_scope is not None:
        criteria.append(AUDIT.c.bu_id.in_(sorted(bu_scope, key=str)))
    if where.bu_id is not None:
        criteria.append(AUDIT.c.bu_id == where.bu_id)
    if where.occurred_from is not None:
        criteria.append(AUDIT.c.occurred_at >= where.occurred_from)
    if where.occurred_before is not None:
        criteria.append(AUDIT.c.occurred_at < where.occurred_before)
    if where.actor_subject is not None:
        criteria.append(AUDIT.c.actor_subject == where.actor_subject)
    if where.entity_type is not None:
        criteria.append(AUDIT.c.entity_type == where.entity_type)
    if where.entity_id is not None:
        criteria.append(AUDIT.c.entity_id == where.entity_id)
    return criteria
