"""The transactional outbox: messages written in the transaction of the change, delivered later.

A use case calls `enqueue` inside its unit of work, so a message exists exactly when the change
committed. A delivery worker then works through the due messages:

1. `claim` (one short transaction) takes a batch of due messages and leases them: their
   `available_at` moves a lease ahead and `attempts` grows. On PostgreSQL the batch is picked with
   `SELECT ... FOR UPDATE SKIP LOCKED`, so several processes share the work without waiting on
   each other; on SQLite the writer's `BEGIN IMMEDIATE` already serializes claims.
2. The worker delivers outside any transaction (no lock is held during network calls).
3. `mark_delivered` or `mark_failed` (another short transaction) records the outcome. A failure
   waits an exponential backoff, capped; after `max_attempts` the message is dead: kept, with
   its last error, visible to operators, never retried.

A worker that dies mid-delivery leaves its lease to expire, and the message is delivered again:
delivery is at least once, and receivers dedupe by message id (the key is unique per message).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ColumnElement, Index, String, Text, and_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin

MAX_ERROR_CHARS = 1000


class OutboxMessage(IdMixin, Base):
    """One message to deliver. `key` dedupes: the same key is never enqueued twice.

    `destination` is None for an event to fan out (its consumers decide where it goes), or names
    one receiver (such as `webhook:<subscription id>`). `bu_id` is the BU the event belongs to,
    for scoping who may read it (no foreign key: the kernel knows no organization).
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "delivered_at", "dead_at", "available_at"),
        Index("ix_outbox_messages_bu_id_created_at", "bu_id", "created_at"),
    )

    topic: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(300), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    bu_id: Mapped[uuid.UUID | None] = mapped_column()
    destination: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column()
    available_at: Mapped[datetime] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column()
    dead_at: Mapped[datetime | None] = mapped_column()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff (base, doubled per failure, capped); dead after max_attempts."""

    base_seconds: float = 10.0
    cap_seconds: float = 3600.0
    max_attempts: int = 12
    lease_seconds: float = 60.0

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt (1-based)."""
        exponent = max(attempts - 1, 0)
        # 2**exponent grows without bound; compare before multiplying past the cap.
        seconds = self.cap_seconds if exponent >= 64 else self.base_seconds * 2**exponent
        return timedelta(seconds=min(seconds, self.cap_seconds))


@dataclass(frozen=True, slots=True)
class Claimed:
    """A leased message, as plain values (safe to use after its session closed)."""

    id: uuid.UUID
    topic: str
    key: str
    payload: dict[str, Any]
    bu_id: uuid.UUID | None
    destination: str | None
    attempts: int
    created_at: datetime


def _due(now: datetime) -> ColumnElement[bool]:
    t = OutboxMessage.__table__.c
    return and_(t.delivered_at.is_(None), t.dead_at.is_(None), t.available_at <= now)


async def enqueue(
    session: AsyncSession,
    *,
    topic: str,
    key: str,
    payload: dict[str, Any],
    now: datetime,
    bu_id: uuid.UUID | None = None,
    destination: str | None = None,
    message_id: uuid.UUID | None = None,
) -> OutboxMessage | None:
    """Add a message in the caller's transaction; None (nothing added) when the key exists."""
    if not key or len(key) > 300:
        raise ValueError(f"An outbox key is 1 to 300 characters, not {len(key)}.")
    existing = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
    if existing is not None:
        return None
    message = OutboxMessage(
        id=message_id or uuid.uuid4(),
        topic=topic,
        key=key,
        payload=payload,
        bu_id=bu_id,
        destination=destination,
        created_at=now,
        available_at=now,
        attempts=0,
    )
    try:
        # A concurrent writer may add the same key between the check and the insert.
        async with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    return message


async def has_due(session: AsyncSession, now: datetime) -> bool:
    """Whether any message is due (a cheap read before taking a writer's lock)."""
    stmt = select(OutboxMessage.id).where(_due(now)).limit(1)
    return (await session.scalar(stmt)) is not None


async def claim(
    session: AsyncSession, *, now: datetime, limit: int, policy: RetryPolicy
) -> list[Claimed]:
    """Lease up to `limit` due messages, oldest due first, for one delivery attempt each."""
    stmt = (
        select(OutboxMessage)
        .where(_due(now))
        .order_by(OutboxMessage.available_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list((await session.scalars(stmt)).all())
    lease = now + timedelta(seconds=policy.lease_seconds)
    out = []
    for row in rows:
        row.attempts += 1
        row.available_at = lease
        out.append(
            Claimed(
                id=row.id,
                topic=row.topic,
                key=row.key,
                payload=row.payload,
                bu_id=row.bu_id,
                destination=row.destination,
                attempts=row.attempts,
                created_at=row.created_at,
            )
        )
    await session.flush()
    return out


async def mark_delivered(session: AsyncSession, message_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.delivered_at.is_(None))
        .values(delivered_at=now, last_error=None)
    )


async def mark_failed(
    session: AsyncSession,
    message_id: uuid.UUID,
    *,
    attempts: int,
    error: str,
    now: datetime,
    policy: RetryPolicy,
    final: bool = False,
) -> None:
    """Record a failed attempt: retry after the backoff, or dead when out of attempts (or final)."""
    values: dict[str, Any] = {"last_error": error[:MAX_ERROR_CHARS]}
    if final or attempts >= policy.max_attempts:
        values["dead_at"] = now
    else:
        values["available_at"] = now + policy.delay(attempts)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.delivered_at.is_(None))
        .values(**values)
    )
