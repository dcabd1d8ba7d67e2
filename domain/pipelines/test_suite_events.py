"""Test-suite runs reported as CDEvents (`testsuiterun.finished`), as plain facts for the
contexts above pipelines: the stored event's suite, outcome and custom data, whatever effect it
had here (a higher context maps the suite onto its own things, e.g. a synthetic journey)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.pipelines import cdevents_rules as rules
from domain.pipelines.models import CdEvent

TYPE_PREFIX = "dev.cdevents.testsuiterun.finished."
MAX_EVENTS = 500


@dataclass(frozen=True, slots=True)
class FinishedTestSuite:
    id: uuid.UUID
    """The stored event's id."""
    bu_id: uuid.UUID
    at: datetime
    suite_id: str
    suite_name: str
    passed: bool
    custom: dict[str, Any]


def _fact(row: Any) -> FinishedTestSuite:
    content = row.payload.get("subject", {}).get("content", {})
    suite = content.get("testSuite") if isinstance(content.get("testSuite"), dict) else {}
    return FinishedTestSuite(
        row.id,
        row.bu_id,
        row.timestamp,
        str(suite.get("id") or row.subject_id)[:200],
        str(suite.get("name") or "")[:200],
        content.get("outcome") in rules.TEST_SUITE_SUCCEEDED,
        rules.custom_data(row.payload),
    )


async def finished_since(
    session: AsyncSession, bu_ids: Collection[uuid.UUID], since: datetime
) -> list[FinishedTestSuite]:
    """The test-suite runs the BUs reported since `since`, earliest first (the index on (BU,
    type, received_at)); at most MAX_EVENTS."""
    if not bu_ids:
        return []
    stmt = (
        select(CdEvent.id, CdEvent.bu_id, CdEvent.timestamp, CdEvent.subject_id, CdEvent.payload)
        .where(
            CdEvent.bu_id.in_(set(bu_ids)),
            CdEvent.type.startswith(TYPE_PREFIX),
            CdEvent.received_at >= since,
        )
        .order_by(CdEvent.received_at, CdEvent.id)
        .limit(MAX_EVENTS)
    )
    return [_fact(r) for r in (await session.execute(stmt)).all()]
