"""Reading promotions, within what the reader may read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.kernel.access import Resource
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.repository import rows_by_ids
from domain.pipelines import promotion_repository as repo
from domain.pipelines.promotion_models import Promotion

PROMOTION = Promotion.__table__


async def promotions_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    scope = r.scope(Resource.PROMOTION)
    rows = await rows_by_ids(r.session, PROMOTION, ids)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def promotions(
    r: Reader,
    *,
    service_id: uuid.UUID | None,
    environment_id: uuid.UUID | None,
    statuses: Sequence[str],
    now: datetime,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Promotions you may read, in the order they were asked; in any of `statuses` (all when
    none) as they stand at `now`."""
    return await repo.promotions_page(
        r.session,
        r.scope(Resource.PROMOTION),
        service_id=service_id,
        environment_id=environment_id,
        statuses=statuses,
        now=now,
        first=first,
        after=after,
    )
