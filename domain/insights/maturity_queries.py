"""Reads of maturity assessments for the API: scoped by the BUs where the caller may read them
(outside that scope reads as absent), batched for DataLoaders; an assessment's insight (its
telemetry, the gap per dimension, the bottlenecks) is worked out for a whole batch at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.insights import maturity_repository as repo
from domain.insights.maturity_questionnaire import BUILT_IN, BUILT_IN_VERSION
from domain.insights.maturity_rules import Gap, Quarter, gaps, telemetry_levels
from domain.insights.maturity_telemetry import QuarterTelemetry, telemetry_of
from domain.insights.maturity_vocabulary import Dimension
from domain.kernel.access import Resource
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id, scoped_page

assessments = scoped_page(Resource.MATURITY_ASSESSMENT, repo.assessments_page)
"""Assessments you may read, oldest quarter first (by team, by BU): the history."""

assessments_by_id = readable_by_id(Resource.MATURITY_ASSESSMENT, repo.assessments_by_ids)

questionnaires = scoped_page(Resource.MATURITY_QUESTIONNAIRE, repo.questionnaires_page)
"""Published questionnaire versions you may read, oldest first."""

questionnaires_by_id = readable_by_id(Resource.MATURITY_QUESTIONNAIRE, repo.questionnaires_by_ids)


async def revisions_of(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    """Every submission of these assessments (they are read through the assessment, whose
    scope the caller passed already)."""
    return dict(await repo.revisions_of(r.session, ids))


async def assessment(r: Reader, team_id: uuid.UUID, quarter: str) -> Row[Any] | None:
    """The team's assessment for the quarter; None when absent or not yours to see."""
    scope = r.scope(Resource.MATURITY_ASSESSMENT)
    parsed = Quarter.parse(quarter)
    if scope.empty or parsed is None:
        return None
    return await repo.assessment_row(r.session, scope, team_id, str(parsed))


@dataclass(frozen=True, slots=True)
class Insight:
    """An assessment next to what the platform recorded of the team that quarter."""

    measured: QuarterTelemetry
    levels: dict[Dimension, int | None]
    gaps: tuple[Gap, ...]
    gap_threshold: int

    @property
    def flagged(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.gaps if g.flagged)


async def insights_of(
    r: Reader, ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, Insight]:
    """The insight of each assessment you may read (seven statements for any number)."""
    rows = await assessments_by_id(r, ids)
    questionnaires = await repo.questionnaires_by_ids(
        r.session, sorted({q for a in rows.values() if (q := a.questionnaire_id)}, key=str)
    )
    keys = {a.id: (a.team_id, Quarter.parse(a.quarter) or Quarter.of(now)) for a in rows.values()}
    measured = await telemetry_of(r.session, set(keys.values()), now)
    found = {}
    for a in rows.values():
        q = questionnaires.get(a.questionnaire_id)
        threshold = q.gap_threshold if q is not None else BUILT_IN_VERSION.gap_threshold
        telemetry = measured[keys[a.id]]
        levels = telemetry_levels(telemetry.telemetry)
        found[a.id] = Insight(
            telemetry, levels, tuple(gaps(a.answers, levels, threshold)), threshold
        )
    return found


@dataclass(frozen=True, slots=True)
class Questions:
    """The questionnaire a BU's teams answer now."""

    number: int
    gap_threshold: int
    built_in: bool
    dimensions: list[dict[str, Any]]


async def current_questions(r: Reader, bu_id: uuid.UUID) -> Questions | None:
    """The BU's latest published questionnaire or the built-in one; None outside your scope."""
    if not r.may_read(Resource.MATURITY_QUESTIONNAIRE, bu_id):
        return None
    latest = await repo.latest_questionnaire(r.session, bu_id)
    if latest is None:
        return Questions(BUILT_IN_VERSION.number, BUILT_IN_VERSION.gap_threshold, True, BUILT_IN)
    return Questions(latest.number, latest.gap_threshold, False, list(latest.dimensions))
