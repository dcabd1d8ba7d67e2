"""Assessing a release: facts + the core model + the BU's effective mapping → a result.

`assess_release` reads (domain.risk.facts) and scores (the pure domain.risk.assessment_rules)
without writing or authorizing; `assess_risk` is the use case that stores an assessment,
audited. The promotion decision assesses on its own snapshot, over guardrails it already has.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import facts as release_facts
from domain.guardrails.effective import effective_for_services
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.risk import rules
from domain.risk.assessment_rules import RiskResult, assess
from domain.risk.commands import AssessRisk
from domain.risk.errors import RiskErrorCode as Code
from domain.risk.facts import risk_inputs
from domain.risk.models import RiskAssessment
from domain.risk.scoring import Size


def check_size(size: Size | None) -> Size | None:
    if size is None:
        return None
    for value, field in (
        (size.lines_changed, "linesChanged"),
        (size.files_changed, "filesChanged"),
    ):
        if not 0 <= value <= rules.MAX_SIZE:
            raise DomainError(
                f"A size is a count from 0 to {rules.MAX_SIZE}.",
                code=Code.INVALID_SIZE,
                field=f"size.{field}",
            )
    return size


async def assess_release(
    session: AsyncSession, release_id: uuid.UUID, now: datetime, size: Size | None = None
) -> RiskResult:
    """Score a release now with the model and mapping in force; nothing is written. Without a
    size, the size of its latest stored assessment is used (if any)."""
    release = await release_facts.release(session, release_id, field=None)
    inputs = await risk_inputs(session, release.id, release.bu_id, now, size)
    shipped = (await release_facts.shipped_services(session, [release.id])).get(release.id, [])
    guardrails = await effective_for_services(session, [s.id for s in shipped], now)
    return assess(inputs, list(guardrails.values()))


async def assess_risk(uow: UnitOfWork, c: AssessRisk) -> RiskAssessment:
    """Assess a release and store the result (score, level, why, what it requires)."""
    release = await release_facts.release(
        uow.session, c.release_id, readable_in=uow.scope(Action.READ, Resource.RELEASE)
    )
    rule = uow.authorize_visible(Action.CREATE, Resource.RISK_ASSESSMENT, release.bu_id, "Release")
    now = uow.clock.now()
    result = await assess_release(uow.session, release.id, now, check_size(c.size))
    row = RiskAssessment(
        id=uuid.uuid4(),
        release_id=release.id,
        bu_id=release.bu_id,
        model_version=result.model_version,
        mapping_version=result.mapping_version,
        score=round(result.assessment.score, 4),
        level=result.level.value,
        contributions=[
            {
                "factor": x.factor.value,
                "group": x.group.value,
                "input": x.input,
                "weight": x.weight,
                "points": round(x.points, 4),
                "explanation": x.explanation,
            }
            for x in result.assessment.contributions
        ],
        requirements=result.requirements.as_json(),
        facts=result.facts.as_json(),
        assessed_at=now,
        assessed_by_id=uow.actor.person_id,
    )
    await uow.created(row, action="risk_assessment.create", bu_id=release.bu_id, rule=rule)
    return row
