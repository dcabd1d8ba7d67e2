"""What a use case tells the audit trail; compliance/ turns it into hash-chained records."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Actor


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One state change: who did what to what, before and after, and the rule allowing it."""

    occurred_at: datetime
    actor: Actor
    action: str
    entity_type: str
    entity_id: str
    bu_id: uuid.UUID | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    rule: str
    request_id: str | None


class AuditAppender(Protocol):
    async def __call__(self, session: AsyncSession, entries: Sequence[AuditEntry]) -> None:
        """Append entries to the chain inside the caller's transaction."""
        ...
