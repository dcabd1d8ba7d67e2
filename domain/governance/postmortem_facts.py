"""Published facts that verify post-mortem action items (issue 17): documentation-template
versions made since an instant, with every section and field key they hold (one statement)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import DocumentTemplate


@dataclass(frozen=True, slots=True)
class TemplateVersion:
    id: uuid.UUID
    key: str
    version: int
    at: datetime
    items: frozenset[str]
    """Its section keys and `<section>.<field>` keys and field keys."""


def _items(sections: object) -> frozenset[str]:
    out: set[str] = set()
    for s in sections if isinstance(sections, list) else []:
        if not isinstance(s, dict):
            continue
        out.add(str(s.get("key")))
        for f in s.get("fields", []) if isinstance(s.get("fields"), list) else []:
            if isinstance(f, dict):
                out.update({str(f.get("key")), f"{s.get('key')}.{f.get('key')}"})
    return frozenset(out)


async def template_versions_since(
    session: AsyncSession, bu_id: uuid.UUID, keys: Sequence[str], since: datetime
) -> list[TemplateVersion]:
    """Versions of the org's and the BU's templates keyed `keys` made at or after `since`."""
    if not keys:
        return []
    t = DocumentTemplate
    stmt = (
        select(t)
        .where(
            t.key.in_(sorted(keys)),
            t.created_at >= since,
            or_(t.bu_id.is_(None), t.bu_id == bu_id),
        )
        .order_by(t.created_at, t.id)
    )
    return [
        TemplateVersion(v.id, v.key, v.version, v.created_at, _items(v.sections))
        for v in (await session.scalars(stmt)).all()
    ]
