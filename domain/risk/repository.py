"""SQL of the risk context: model and mapping versions, assessments, peer reviews.

(The facts a score is made of are read by domain/risk/factors.py.)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.orm import Base
from domain.kernel.pagination import Page, fetch_pages_by_parent, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, id_param, ids_param, rows_by_ids, scoped
from domain.organization import fragments as org
from domain.risk.models import PeerReview, RiskAssessment, RiskMappingVersion, RiskModelVersion

MODEL = RiskModelVersion.__table__
MAPPING = RiskMappingVersion.__table__
ASSESSMENT = RiskAssessment.__table__
REVIEW = PeerReview.__table__
BU = org.business_unit_rows()
PERSON = org.person_rows()


async def insert_once(session: AsyncSession, row: Base) -> bool:
    """Insert a version row in a savepoint; False when its (unique) version is already taken."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


# -- core model versions ---------------------------------------------------------------------


async def latest_model(session: AsyncSession) -> RiskModelVersion | None:
    return await session.scalar(_LATEST_MODEL)


_LATEST_MODEL = select(RiskModelVersion).order_by(RiskModelVersion.version.desc()).limit(1)


async def latest_model_row(session: AsyncSession) -> Row[Any] | None:
    """The latest core model's columns, for reading (a prepared read, no ORM object)."""
    return (await session.execute(_LATEST_MODEL_ROW)).first()


_LATEST_MODEL_ROW = prepared(select(MODEL).order_by(MODEL.c.version.desc()).limit(1))


async def models_page(session: AsyncSession, *, first: int | None, after: str | None) -> Page[Any]:
    return await page_by(session, select(MODEL), MODEL, "version", first=first, after=after)


# -- BU mapping versions ---------------------------------------------------------------------


async def latest_mapping_row(session: AsyncSession, bu_id: uuid.UUID) -> Row[Any] | None:
    """The BU's latest overlay's columns, for reading (a prepared read, no ORM object)."""
    return (await session.execute(_LATEST_MAPPING_ROW, {"bu_id": bu_id})).first()


_LATEST_MAPPING_ROW = prepared(
    select(MAPPING)
    .where(MAPPING.c.bu_id == id_param("bu_id"))
    .order_by(MAPPING.c.version.desc())
    .limit(1)
)


async def latest_mappings(session: AsyncSession) -> list[Row[Any]]:
    """The latest overlay of every BU that has one, with the BU's key (one statement)."""
    rank = (
        func.row_number()
        .over(partition_by=MAPPING.c.bu_id, order_by=MAPPING.c.version.desc())
        .label("_rank")
    )
    inner = select(MAPPING, rank).subquery()
    stmt = (
        select(inner, BU.c.key.label("bu_key"))
        .join(BU, BU.c.id == inner.c.bu_id)
        .where(inner.c._rank == 1)
        .order_by(BU.c.key)
    )
    return list((await session.execute(stmt)).all())


async def bu_key(session: AsyncSession, bu_id: uuid.UUID) -> str | None:
    return await session.scalar(_BU_KEY, {"bu_id": bu_id})


_BU_KEY = prepared(select(BU.c.key).where(BU.c.id == id_param("bu_id")))


# -- assessments -----------------------------------------------------------------------------


async def latest_assessments(
    session: AsyncSession, release_ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    """The newest assessment of each release, in one statement."""
    if not release_ids:
        return {}
    rows = (await session.execute(_LATEST_ASSESSMENTS, {"ids": list(release_ids)})).all()
    return {r.release_id: r for r in rows}


def _latest_assessments() -> Select[Any]:
    rank = (
        func.row_number()
        .over(
            partition_by=ASSESSMENT.c.release_id,
            order_by=(ASSESSMENT.c.assessed_at.desc(), ASSESSMENT.c.id.desc()),
        )
        .label("_rank")
    )
    ids: Any = ids_param()
    inner = select(ASSESSMENT, rank).where(ASSESSMENT.c.release_id.in_(ids)).subquery()
    return select(inner).where(inner.c._rank == 1)


# Built once (a cold decision snapshot reads these; building costs more than running).
_LATEST_ASSESSMENTS = prepared(_latest_assessments())


async def assessments_of_releases(
    session: AsyncSession,
    release_ids: Sequence[uuid.UUID],
    *,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """A page of assessments per release, oldest first (history), in one statement."""
    return await fetch_pages_by_parent(
        session,
        select(ASSESSMENT),
        parent_col=ASSESSMENT.c.release_id,
        parent_ids=release_ids,
        sort_col=ASSESSMENT.c.assessed_at,
        id_col=ASSESSMENT.c.id,
        sort_key="assessed_at",
        parent_key="release_id",
        first=first,
        after=after,
    )


async def assessments_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, ASSESSMENT, ids)


# -- peer reviews ----------------------------------------------------------------------------


async def review_of(
    session: AsyncSession, release_id: uuid.UUID, reviewer_id: uuid.UUID
) -> PeerReview | None:
    stmt = select(PeerReview).where(
        PeerReview.release_id == release_id, PeerReview.reviewer_id == reviewer_id
    )
    return await session.scalar(stmt)


async def reviews_of_releases(
    session: AsyncSession, release_ids: Sequence[uuid.UUID], scope: Scope | None = None
) -> Grouped:
    """Reviews per release, oldest first, with the reviewer's username."""
    if not release_ids:
        return {}
    stmt = _REVIEWS_OF
    if scope is not None:
        stmt = scoped(stmt, REVIEW.c.bu_id, scope)
    rows = (await session.execute(stmt, {"ids": list(release_ids)})).all()
    return group_by(list(rows), "release_id")


_REVIEWS_OF = prepared(
    select(REVIEW, PERSON.c.username.label("reviewer_username"))
    .join(PERSON, PERSON.c.id == REVIEW.c.reviewer_id)
    .where(REVIEW.c.release_id.in_(ids_param()))
    .order_by(REVIEW.c.created_at, REVIEW.c.id)
)


async def reviews_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, REVIEW, ids)
