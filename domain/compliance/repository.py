"""All SQL of the audit trail: appending to the hash chain, and reading it back.

Two ways onto the chain, both under one lock (the chain cannot fork):

- inline (`append_audit`, SQLite, and PostgreSQL when `SIGNALBOX_AUDIT_APPEND=inline`): the
  writing transaction takes the chain lock and links its records itself; writers serialize.
- journaled (`journal_audit`, PostgreSQL by default): the writing transaction inserts its
  entries into `audit_journal`, without the lock, so they commit (or roll back) with the state
  change; a sealer (`seal_batch`) later chains committed entries under the lock, moving them
  from the journal onto `audit_records` in one transaction. Chain order is seal order. Every
  reader of the trail seals first (`sealed`), so no read is stale past a commit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from domain.compliance import rules
from domain.compliance.models import AuditJournalEntry, AuditRecord
from domain.kernel.audit import AuditEntry

log = logging.getLogger(__name__)

AUDIT = AuditRecord.__table__
COLUMNS = tuple(AUDIT.c[name] for name in rules.RECORD_FIELDS)
JOURNAL = cast(Table, AuditJournalEntry.__table__)
ENTRY_FIELDS = tuple(name for name in rules.HASHED_FIELDS if name not in ("seq", "prev_hash"))
"""What a journal entry holds: a record's hashed fields but its place in the chain."""

AUDIT_CHAIN_LOCK = 0x5349_474E_414C_4258
"""The PostgreSQL advisory lock key ("SIGNALBX") that serializes appends to the chain."""

APPEND_ATTEMPTS = 3
STREAM_BATCH = 1000
SEAL_BATCH = 500
"""Journal entries chained per sealing transaction (hashing them: ~10 ms of CPU)."""


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
                rows = rules.link(fields, await chain_head(session))
                await session.execute(insert(AuditRecord), rows)
            return
        except IntegrityError:
            if attempt == APPEND_ATTEMPTS:
                raise
            log.warning("audit chain head moved under us; retrying (attempt %d)", attempt)


async def journal_audit(session: AsyncSession, entries: Sequence[AuditEntry]) -> None:
    """Journal entries inside the caller's transaction, for a sealer to chain (an AuditAppender;
    PostgreSQL). No lock: concurrent writers do not wait for each other. The entry commits or
    rolls back with the state change it records, and a sealer sees it only once committed."""
    if not entries:
        return
    await session.execute(insert(JOURNAL), [_fields(entry) for entry in entries])


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


# -- sealing ---------------------------------------------------------------------------------


async def seal_batch(
    session: AsyncSession, limit: int = SEAL_BATCH, *, up_to: int | None = None
) -> int:
    """Chain up to `limit` committed journal entries (lowest id first; none above `up_to`)
    onto the head, inside the caller's transaction, and return how many (PostgreSQL; the
    caller commits).

    Under the chain lock: the entries are deleted from the journal, linked after the head and
    inserted as records in the same transaction, so a failure anywhere leaves the journal as
    it was. An entry committed after this statement began waits for the next batch.
    """
    bound = [] if up_to is None else [JOURNAL.c.id <= up_to]
    if await session.scalar(select(JOURNAL.c.id).where(*bound).limit(1)) is None:
        return 0  # nothing to do: no lock taken, no sealer kept waiting
    await session.execute(select(func.pg_advisory_xact_lock(AUDIT_CHAIN_LOCK)))
    oldest = select(JOURNAL.c.id).where(*bound).order_by(JOURNAL.c.id).limit(limit)
    taken = (
        (await session.execute(delete(JOURNAL).where(JOURNAL.c.id.in_(oldest)).returning(JOURNAL)))
        .mappings()
        .all()
    )
    if not taken:
        return 0
    entries = [{name: row[name] for name in ENTRY_FIELDS} for row in sorted(taken, key=_by_id)]
    await session.execute(insert(AuditRecord), rules.link(entries, await chain_head(session)))
    return len(taken)


def _by_id(row: Any) -> int:
    return int(row["id"])


async def journal_waiting(session: AsyncSession) -> bool:
    """Does any committed entry wait to be chained?"""
    return await session.scalar(select(JOURNAL.c.id).limit(1)) is not None


async def _journal_end(session: AsyncSession) -> int | None:
    """The highest id committed to the journal so far: every entry committed before now has
    an id no higher (ids are taken at insert; one committed later may be lower)."""
    end: int | None = await session.scalar(select(func.max(JOURNAL.c.id)))
    return end


_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _turn() -> asyncio.Lock:
    """One sealer at a time in this process (per event loop): a reader waiting for a seal holds
    one connection and the sealer one more, never a connection per waiting reader."""
    loop = asyncio.get_running_loop()
    turn = _TURNS.get(loop)
    if turn is None:
        turn = _TURNS[loop] = asyncio.Lock()
    return turn


async def seal_pending(engine: AsyncEngine, *, batch: int = SEAL_BATCH) -> int:
    """Chain every entry committed to the journal before this call (and no entry above the
    highest id then, so a steady stream of writes cannot keep it going), a batch per
    transaction, each on a connection of its own from `engine`; return how many."""
    if engine.dialect.name != "postgresql":
        return 0
    sealed_count = 0
    async with _turn():
        end: int | None = None
        while True:
            async with engine.connect() as connection:
                # A real transaction even on a reader's AUTOCOMMIT engine (set on the connection:
                # an engine derived from that one would keep AUTOCOMMIT); the pool resets it.
                await connection.execution_options(isolation_level="READ COMMITTED")
                async with AsyncSession(bind=connection) as session, session.begin():
                    if end is None and (end := await _journal_end(session)) is None:
                        return 0
                    done = await seal_batch(session, batch, up_to=end)
            sealed_count += done
            if done < batch:
                return sealed_count


async def sealed(session: AsyncSession) -> None:
    """Make every entry committed so far readable as a record before `session` reads the trail.

    A session given a connection by its caller (one enclosing transaction, as in the domain
    tests) seals in that transaction, its own uncommitted entries included; any other seals in
    transactions of its own, which a READ COMMITTED reader sees from its next statement on.
    """
    bind = session.bind
    if bind is None or bind.dialect.name != "postgresql":
        return
    if not await journal_waiting(session):
        return
    if isinstance(bind, AsyncConnection):
        end = await _journal_end(session)
        while await seal_batch(session, up_to=end) == SEAL_BATCH:
            pass
        return
    await seal_pending(bind)


# -- reading ---------------------------------------------------------------------------------


async def head(session: AsyncSession) -> rules.ChainHead | None:
    """The last record of the chain, or None while the trail is empty."""
    await sealed(session)
    return await chain_head(session)


async def chain_head(session: AsyncSession) -> rules.ChainHead | None:
    """The head as it stands, sealing nothing: what an appender holding the lock links to."""
    row = (
        await session.execute(
            select(AUDIT.c.seq, AUDIT.c.hash).order_by(AUDIT.c.seq.desc()).limit(1)
        )
    ).first()
    return None if row is None else rules.ChainHead(seq=row.seq, hash=row.hash)


async def hash_at(session: AsyncSession, seq: int) -> str | None:
    """The stored hash of the record numbered `seq`, or None when there is none."""
    await sealed(session)
    hash_: str | None = await session.scalar(select(AUDIT.c.hash).where(AUDIT.c.seq == seq))
    return hash_


async def count_records(
    session: AsyncSession,
    where: AuditFilter = AuditFilter(),
    *,
    bu_scope: frozenset[uuid.UUID] | None = None,
) -> int:
    """How many records match; `bu_scope` (None: everywhere) limits them to those BUs."""
    await sealed(session)
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
    await sealed(session)
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
    await sealed(session)
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
