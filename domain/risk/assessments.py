"""Assessing a release: facts + the core model + the BU's effective mapping → a result.

`assess_release` reads and scores without writing or authorizing (the promotion decision
calls it on its snapshot); `assess_risk` is the use case that stores an assessment, audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import repository as gov_repo
from domain.guardrails.effective import effective_for_service
from domain.guardrails.vocabulary import RiskLevel
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.uow import UnitOfWork
from domain.risk import factors, rules, versions
from domain.risk import repository as repo
from domain.risk.commands import AssessRisk
from domain.risk.errors import RiskErrorCode as Code
from domain.risk.model import Requirements
from domain.risk.models import RiskAssessment
from domain.risk.scoring import Assessment, RiskFacts, Size, score


@dataclass(frozen=True, slots=True)
class RiskResult:
    release_id: uuid.UUID
    bu_id: uuid.UUID
    facts: RiskFacts
    model_version: int
    mapping_version: int
    assessment: Assessment
    requirements: Requirements
    peer_review_change_types: tuple[str, ...]
    """The union of the effective `peer_review_change_types` of its services."""
    board_required_from: tuple[str, ...]
    """The effective `board_required_from_risk` of its services."""

    @property
    def level(self) -> RiskLevel:
        return self.assessment.level


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
    release = await gov_repo.get_release(session, release_id)
    if release is None:
        raise NotFound("Release was not found.")
    if size is None:
        latest = (await repo.latest_assessments(session, [release.id])).get(release.id)
        if latest is not None:
            size = RiskFacts.from_json(latest.facts).size
    facts = (await factors.gather(session, [release.id], now, {release.id: size}))[release.id]
    model = await versions.current_model(session)
    overlay, mapping_version = await versions.current_overlay(session, release.bu_id)
    label = f"bu:{await repo.bu_key(session, release.bu_id)}"
    mapping = rules.effective(model.mapping, overlay, label).mapping
    assessment = score(model, facts, mapping)
    guardrails = [
        await effective_for_service(session, line.service_id, now)
        for line in await gov_repo.release_lines(session, release.id)
    ]
    board_from = tuple(sorted({g["board_required_from_risk"] for g in guardrails}))
    requirements = rules.with_board_guardrail(
        mapping.requirements[assessment.level], assessment.level, board_from
    )
    return RiskResult(
        release_id=release.id,
        bu_id=release.bu_id,
        facts=facts,
        model_version=model.version,
        mapping_version=mapping_version,
        assessment=assessment,
        requirements=requirements,
        peer_review_change_types=tuple(
            sorted({c for g in guardrails for c in g["peer_review_change_types"]})
        ),
        board_required_from=board_from,
    )


async def assess_risk(uow: UnitOfWork, c: AssessRisk) -> RiskAssessment:
    """Assess a release and store the result (score, level, why, what it requires)."""
    release = await gov_repo.get_release(uow.session, c.release_id)
    if release is None or not uow.scope(Action.READ, Resource.RELEASE).allows(release.bu_id):
        raise NotFound("Release was not found.", field="releaseId")
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
