"""Stored results of mutations sent with an Idempotency-Key, so a retry replays, never repeats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base


class IdempotentResponse(Base):
    __tablename__ = "idempotent_responses"

    actor_subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column()
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(index=True)


IN_PROGRESS = 0
"""status_code of a reservation whose request has not finished yet."""


async def find(session: AsyncSession, actor_subject: str, key: str) -> IdempotentResponse | None:
    return await session.get(IdempotentResponse, (actor_subject, key))


async def reserve(
    session: AsyncSession, actor_subject: str, key: str, request_hash: str, at: datetime
) -> bool:
    """Claim the key for this request; False when someone already holds it."""
    try:
        async with session.begin_nested():
            session.add(
                IdempotentResponse(
                    actor_subject=actor_subject,
                    key=key,
                    request_hash=request_hash,
                    status_code=IN_PROGRESS,
                    body=b"",
                    created_at=at,
                )
            )
    except IntegrityError:
        return False
    return True


async def complete(
    session: AsyncSession, actor_subject: str, key: str, status_code: int, body: bytes
) -> None:
    await session.execute(
        update(IdempotentResponse)
        .where(IdempotentResponse.actor_subject == actor_subject, IdempotentResponse.key == key)
        .values(status_code=status_code, body=body)
    )


async def release(session: AsyncSession, actor_subject: str, key: str) -> None:
    """Give the key back (the request failed before producing an answer worth replaying)."""
    await session.execute(
        delete(IdempotentResponse).where(
            IdempotentResponse.actor_subject == actor_subject, IdempotentResponse.key == key
        )
    )


async def purge_before(session: AsyncSession, cutoff: datetime) -> None:
    await session.execute(delete(IdempotentResponse).where(IdempotentResponse.created_at < cutoff))
