"""Published facts for post-mortem timelines (issue 17): the audit records of some entities,
in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import sealed

MAX_RECORDS = 500


@dataclass(frozen=True, slots=True)
class AuditFact:
    seq: int
    at: datetime
    action: str
    actor: str
    entity_type: str
    entity_id: str
    rule: str


async def audit_of(
    session: AsyncSession, entities: Sequence[tuple[str, str]], limit: int = MAX_RECORDS
) -> list[AuditFact]:
    """The audit records of these (entity type, entity id) pairs, oldest first, at most
    `limit` (the entity index answers each pair)."""
    if not entities:
        return []
    await sealed(session)
    a = AuditRecord
    stmt = (
        select(a.seq, a.occurred_at, a.action, a.actor_username, a.entity_type, a.entity_id, a.rule)
        .where(or_(*(((a.entity_type == t) & (a.entity_id == i)) for t, i in entities)))
        .order_by(a.seq)
        .limit(limit)
    )
    return [AuditFact(*r) for r in (await session.execute(stmt)).all()]
