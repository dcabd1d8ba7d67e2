"""Answers of mutations sent with an Idempotency-Key, so a retry replays, never repeats.

The key is claimed and its answer stored in the same transaction as the mutation's effects
(`api.graphql.mutations.KeyedUnit`): a mutation either committed with its answer or did not
happen at all, so there is no reservation to time out and no window in which a retry could run
it twice. Only answers worth repeating are stored (committed work, deterministic refusals);
a transient failure rolls the claim back with everything else.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import LargeBinary, String, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base


class Keeping(enum.StrEnum):
    """How the stored body is kept."""

    CLEAR = "clear"
    SEALED = "sealed"  # Fernet under SIGNALBOX_SECRET_KEY: the answer shows a secret
    WITHHELD = "withheld"  # the answer showed a secret and no key seals it: not kept at all


class IdempotentResponse(Base):
    __tablename__ = "idempotent_responses"

    actor_subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column()
    body: Mapped[bytes] = mapped_column(LargeBinary)
    keeping: Mapped[str] = mapped_column(String(16), default=Keeping.CLEAR)
    created_at: Mapped[datetime] = mapped_column(index=True)


CLAIMED = 0
"""status_code of a claim whose answer is not written yet; never visible outside its transaction."""


def request_digest(request: dict[str, Any]) -> str:
    """The digest of a parsed request: canonical JSON (sorted keys, no insignificant
    whitespace), so the same request re-serialised hashes the same."""
    return hashlib.sha256(orjson.dumps(request, option=orjson.OPT_SORT_KEYS)).hexdigest()


async def find(session: AsyncSession, actor_subject: str, key: str) -> IdempotentResponse | None:
    return await session.get(IdempotentResponse, (actor_subject, key))


async def claim(
    session: AsyncSession, actor_subject: str, key: str, request_hash: str, at: datetime
) -> bool:
    """Claim the key inside the caller's transaction; False when another request has answered
    under it (on PostgreSQL the claim waits for that request's transaction to end). After
    False the transaction is spent: roll it back."""
    session.add(
        IdempotentResponse(
            actor_subject=actor_subject,
            key=key,
            request_hash=request_hash,
            status_code=CLAIMED,
            body=b"",
            keeping=Keeping.CLEAR,
            created_at=at,
        )
    )
    try:
        await session.flush()
    except IntegrityError:
        return False
    return True


async def answer(
    session: AsyncSession,
    actor_subject: str,
    key: str,
    status_code: int,
    body: bytes,
    keeping: Keeping,
) -> None:
    """Store the answer under the claimed key, in the same transaction as the effects."""
    await session.execute(
        update(IdempotentResponse)
        .where(IdempotentResponse.actor_subject == actor_subject, IdempotentResponse.key == key)
        .values(status_code=status_code, body=body, keeping=keeping)
    )


async def purge_before(session: AsyncSession, cutoff: datetime) -> None:
    await session.execute(delete(IdempotentResponse).where(IdempotentResponse.created_at < cutoff))
