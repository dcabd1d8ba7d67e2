"""SQL of maturity assessments, their revisions and the questionnaire versions."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights.maturity_models import (
    MaturityAssessment,
    MaturityQuestionnaire,
    MaturityRevision,
)
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import Grouped, group_by, rows_by_ids, scoped

ASSESSMENT = MaturityAssessment.__table__
REVISION = MaturityRevision.__table__
QUESTIONNAIRE = MaturityQuestionnaire.__table__


async def assessment_of(
    session: AsyncSession, team_id: uuid.UUID, quarter: str, *, for_update: bool = False
) -> MaturityAssessment | None:
    stmt = select(MaturityAssessment).where(
        MaturityAssessment.team_id == team_id, MaturityAssessment.quarter == quarter
    )
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).first()


async def latest_questionnaire(
    session: AsyncSession, bu_id: uuid.UUID
) -> MaturityQuestionnaire | None:
    stmt = (
        select(MaturityQuestionnaire)
        .where(MaturityQuestionnaire.bu_id == bu_id)
        .order_by(MaturityQuestionnaire.number.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).first()


async def revision_count(session: AsyncSession, assessment_id: uuid.UUID) -> int:
    stmt = select(func.count()).where(REVISION.c.assessment_id == assessment_id)
    return int(await session.scalar(stmt) or 0)


async def assessment_row(
    session: AsyncSession, scope: Scope, team_id: uuid.UUID, quarter: str
) -> Row[Any] | None:
    stmt = scoped(select(ASSESSMENT), ASSESSMENT.c.bu_id, scope).where(
        ASSESSMENT.c.team_id == team_id, ASSESSMENT.c.quarter == quarter
    )
    found: Row[Any] | None = (await session.execute(stmt)).first()
    return found


async def assessments_page(
    session: AsyncSession,
    scope: Scope,
    *,
    team_id: uuid.UUID | None,
    bu_id: uuid.UUID | None,
    quarter: str | None = None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Assessments in the BUs of `scope`, oldest quarter first (by team, by BU, by quarter)."""
    stmt = scoped(select(ASSESSMENT), ASSESSMENT.c.bu_id, scope)
    if team_id is not None:
        stmt = stmt.where(ASSESSMENT.c.team_id == team_id)
    if bu_id is not None:
        stmt = stmt.where(ASSESSMENT.c.bu_id == bu_id)
    if quarter is not None:
        stmt = stmt.where(ASSESSMENT.c.quarter == quarter)
    return await page_by(session, stmt, ASSESSMENT, "quarter", first=first, after=after)


async def assessments_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, ASSESSMENT, ids)


async def questionnaires_by_ids(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, QUESTIONNAIRE, ids)


async def questionnaires_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Published questionnaire versions in the BUs of `scope`, oldest first."""
    stmt = scoped(select(QUESTIONNAIRE), QUESTIONNAIRE.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(QUESTIONNAIRE.c.bu_id == bu_id)
    return await page_by(session, stmt, QUESTIONNAIRE, "published_at", first=first, after=after)


async def revisions_of(session: AsyncSession, assessment_ids: Collection[uuid.UUID]) -> Grouped:
    """Every revision of these assessments, oldest first, grouped by assessment."""
    if not assessment_ids:
        return {}
    stmt = (
        select(REVISION)
        .where(REVISION.c.assessment_id.in_(sorted(set(assessment_ids), key=str)))
        .order_by(REVISION.c.assessment_id, REVISION.c.number)
    )
    return group_by(list((await session.execute(stmt)).all()), "assessment_id")
