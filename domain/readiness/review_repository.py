"""SQL of SRE readiness reviews: templates, reviews and their items."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids, scoped
from domain.readiness.review_models import ReadinessReview, ReviewItem, ReviewTemplate

TEMPLATE = ReviewTemplate.__table__
REVIEW = ReadinessReview.__table__
ITEM = ReviewItem.__table__


async def get_template(session: AsyncSession, template_id: uuid.UUID) -> ReviewTemplate | None:
    return await session.get(ReviewTemplate, template_id)


async def latest_template(session: AsyncSession, domain: str, key: str) -> ReviewTemplate | None:
    stmt = (
        select(ReviewTemplate)
        .where(ReviewTemplate.domain == domain, ReviewTemplate.key == key)
        .order_by(ReviewTemplate.version.desc())
        .limit(1)
    )
    return await session.scalar(stmt)


async def latest_templates(session: AsyncSession, domains: Sequence[str]) -> list[ReviewTemplate]:
    """The latest version of every template of these domains (active or not), by key."""
    stmt = (
        select(ReviewTemplate)
        .where(ReviewTemplate.domain.in_(domains))
        .order_by(ReviewTemplate.domain, ReviewTemplate.key, ReviewTemplate.version.desc())
    )
    latest: dict[tuple[str, str], ReviewTemplate] = {}
    for t in (await session.scalars(stmt)).all():
        latest.setdefault((t.domain, t.key), t)
    return list(latest.values())


async def review_of_release(
    session: AsyncSession, release_id: uuid.UUID, *, for_update: bool = False
) -> ReadinessReview | None:
    stmt = select(ReadinessReview).where(ReadinessReview.release_id == release_id)
    if for_update:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def review_of_service(session: AsyncSession, service_id: uuid.UUID) -> ReadinessReview | None:
    stmt = select(ReadinessReview).where(ReadinessReview.service_id == service_id)
    return await session.scalar(stmt)


async def items_of(session: AsyncSession, review_id: uuid.UUID) -> list[ReviewItem]:
    stmt = select(ReviewItem).where(ReviewItem.review_id == review_id).order_by(ReviewItem.position)
    return list((await session.scalars(stmt)).all())


async def review_rows(
    session: AsyncSession,
    release_ids: Sequence[uuid.UUID],
    service_ids: Sequence[uuid.UUID] = (),
) -> list[Row[Any]]:
    """Each review of these releases and of these services (first launch) with its items (one
    row per item; a review without items once, its item columns null), in one statement."""
    if not release_ids and not service_ids:
        return []
    wanted = {"releases": list(release_ids), "services": list(service_ids)}
    rows: list[Row[Any]] = list((await session.execute(_REVIEW_ROWS, wanted)).all())  # type: ignore[arg-type]
    return rows


# Built once (a cold decision snapshot reads it; building costs more than running).
_REVIEW_ROWS = prepared(
    select(
        REVIEW.c.id,
        REVIEW.c.release_id,
        REVIEW.c.service_id,
        REVIEW.c.opened_by_id,
        REVIEW.c.status,
        REVIEW.c.signed_off_by_id,
        ITEM.c.key,
        ITEM.c.kind,
        ITEM.c.title,
        ITEM.c.evidence_url,
        ITEM.c.checked_at,
        ITEM.c.expires_at,
    )
    .outerjoin(ITEM, ITEM.c.review_id == REVIEW.c.id)
    .where(
        or_(
            REVIEW.c.release_id.in_(ids_param("releases")),
            REVIEW.c.service_id.in_(ids_param("services")),
        )
    )
    .order_by(REVIEW.c.id, ITEM.c.position)
)


async def reviews_of_subjects(
    session: AsyncSession, ids: Sequence[uuid.UUID], scope: Scope, *, of: str = "release_id"
) -> dict[Any, Row[Any]]:
    """The review of each release (`of="service_id"`: each service's first-launch review), in
    the BUs of `scope`, by its subject."""
    if not ids:
        return {}
    stmt = scoped(select(REVIEW).where(REVIEW.c[of].in_(ids)), REVIEW.c.bu_id, scope)
    return {getattr(row, of): row for row in (await session.execute(stmt)).all()}


async def reviews_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, REVIEW, ids)


async def items_of_reviews(session: AsyncSession, review_ids: Sequence[uuid.UUID]) -> Grouped:
    """Items per review, in checklist order."""
    if not review_ids:
        return {}
    stmt = select(ITEM).where(ITEM.c.review_id.in_(review_ids)).order_by(ITEM.c.position)
    return group_by(list((await session.execute(stmt)).all()), "review_id")


async def templates_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, TEMPLATE, ids)


async def templates_page(
    session: AsyncSession, scope: Scope, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """Every template version (org ones and those of the BUs in scope), by key then version."""
    stmt = scoped(select(TEMPLATE), TEMPLATE.c.bu_id, scope, org_rows=True)
    return await page_by(session, stmt, TEMPLATE, "created_at", first=first, after=after)
