"""Use cases of quarterly maturity assessments: a team submits its self-assessment for the
quarter once, revises it until the quarter closes (every submission kept), and a BU admin
publishes a new version of the BU's questionnaire. Each writes its audit record in the same
unit of work."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.insights import maturity_repository as repo
from domain.insights.maturity_commands import (
    Answer,
    PublishQuestionnaire,
    ReviseAssessment,
    SubmitAssessment,
)
from domain.insights.maturity_errors import MaturityErrorCode as Code
from domain.insights.maturity_models import (
    MaturityAssessment,
    MaturityQuestionnaire,
    MaturityRevision,
)
from domain.insights.maturity_questionnaire import (
    BUILT_IN_NUMBER,
    BUILT_IN_VERSION,
    Version,
    checked_answers,
    checked_dimensions,
    checked_gap_threshold,
)
from domain.insights.maturity_rules import Quarter
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import described, expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts

ASSESSMENT = Resource.MATURITY_ASSESSMENT
QUESTIONNAIRE = Resource.MATURITY_QUESTIONNAIRE
MEMBER_ROLES = frozenset({"engineer", "sre", "bu_admin"})
"""Who answers for a team: its BU's engineers and SREs (the members) and BU admins (its
leads), granted in the BU itself; an org-wide grant oversees teams, it does not belong to one."""


def open_quarter(text: str, now: datetime) -> Quarter:
    """The quarter named, while it is open at `now`."""
    quarter = Quarter.parse(text)
    if quarter is None:
        raise DomainError(
            "A quarter reads like 2026-Q4.", code=Code.INVALID_QUARTER, field="quarter"
        )
    if now >= quarter.end:
        raise DomainError(
            f"{quarter} closed on {quarter.end.date().isoformat()}; its assessment is final.",
            code=Code.QUARTER_CLOSED,
            field="quarter",
        )
    if now < quarter.start:
        raise DomainError(
            f"{quarter} has not started.", code=Code.QUARTER_NOT_STARTED, field="quarter"
        )
    return quarter


async def _member(uow: UnitOfWork, bu_id: uuid.UUID) -> None:
    person = uow.actor.person_id
    roles = (
        frozenset()
        if person is None
        else await org_facts.roles_granted_in(uow.session, person, bu_id)
    )
    if not roles & MEMBER_ROLES:
        raise DomainError(
            "Only the team's members and leads (engineers, SREs, BU admins of its BU) answer "
            "its self-assessment.",
            code=Code.NOT_A_MEMBER,
        )


async def current_version(uow: UnitOfWork, bu_id: uuid.UUID) -> Version:
    """The BU's latest published questionnaire, or the built-in one."""
    latest = await repo.latest_questionnaire(uow.session, bu_id)
    if latest is None:
        return BUILT_IN_VERSION
    dimensions = tuple(d["dimension"] for d in latest.dimensions)
    return Version(latest.id, latest.number, dimensions, latest.gap_threshold)


def _answered(
    answers: tuple[Answer, ...], version: Version
) -> tuple[dict[str, int], dict[str, str]]:
    levels = checked_answers([(a.dimension, a.level) for a in answers], version)
    notes = {
        a.dimension.strip().lower(): described(a.note, field=f"answers.{n}.note")
        for n, a in enumerate(answers)
        if a.note.strip()
    }
    return levels, notes


def _revision(a: MaturityAssessment, number: int) -> MaturityRevision:
    return MaturityRevision(
        id=uuid.uuid4(),
        assessment_id=a.id,
        number=number,
        questionnaire_id=a.questionnaire_id,
        questionnaire_number=a.questionnaire_number,
        answers=a.answers,
        notes=a.notes,
        submitted_by_id=a.submitted_by_id,
        submitted_at=a.submitted_at,
    )


async def submit_assessment(uow: UnitOfWork, c: SubmitAssessment) -> MaturityAssessment:
    """A team's self-assessment for an open quarter, against the BU's current questionnaire."""
    team = await org_facts.team(
        uow.session, c.team_id, readable_in=uow.scope(Action.READ, ASSESSMENT)
    )
    rule = uow.authorize(Action.CREATE, ASSESSMENT, team.bu_id)
    now = uow.clock.now()
    quarter = open_quarter(c.quarter, now)
    await _member(uow, team.bu_id)
    version = await current_version(uow, team.bu_id)
    levels, notes = _answered(c.answers, version)
    if await repo.assessment_of(uow.session, team.id, str(quarter)) is not None:
        raise DomainError(
            f"The team's {quarter} assessment is submitted already: revise it.",
            code=Code.ALREADY_SUBMITTED,
            field="quarter",
        )
    assessment = MaturityAssessment(
        id=uuid.uuid4(),
        bu_id=team.bu_id,
        team_id=team.id,
        quarter=str(quarter),
        questionnaire_id=version.id,
        questionnaire_number=version.number,
        answers=levels,
        notes=notes,
        submitted_by_id=uow.actor.person_id,
        submitted_at=now,
        version=1,
        created_at=now,
        updated_at=now,
    )
    await uow.created(
        assessment,
        action="maturity_assessment.submit",
        bu_id=team.bu_id,
        rule=rule,
        extra={"revision": 1},
    )
    uow.session.add(_revision(assessment, 1))
    await uow.session.flush()
    return assessment


async def revise_assessment(uow: UnitOfWork, c: ReviseAssessment) -> MaturityAssessment:
    """Change a submitted self-assessment while its quarter is open, saying why; the earlier
    answers stay in its history. A revision that changes nothing writes nothing."""
    assessment = await get_readable(
        uow.session,
        MaturityAssessment,
        c.assessment_id,
        uow.scope(Action.READ, ASSESSMENT),
        what="Maturity assessment",
        field="id",
        for_update=True,
    )
    rule = uow.authorize(Action.UPDATE, ASSESSMENT, assessment.bu_id)
    now = uow.clock.now()
    open_quarter(assessment.quarter, now)
    await _member(uow, assessment.bu_id)
    expect_version(assessment, c.version, "The assessment")
    reason = trimmed(
        c.reason,
        1,
        2000,
        "Say why the assessment is revised (1 to 2000 characters).",
        code=Code.INVALID_TEXT,
        field="reason",
    )
    version = await current_version(uow, assessment.bu_id)
    levels, notes = _answered(c.answers, version)
    number = await repo.revision_count(uow.session, assessment.id) + 1  # before any change
    before = snapshot(assessment)
    assessment.answers, assessment.notes = levels, notes
    assessment.questionnaire_id, assessment.questionnaire_number = version.id, version.number
    if uow.unchanged(assessment, before):
        return assessment
    assessment.submitted_by_id, assessment.submitted_at = uow.actor.person_id, now
    await uow.updated(
        assessment,
        before,
        action="maturity_assessment.revise",
        bu_id=assessment.bu_id,
        rule=rule,
        extra={"revision": number, "reason": reason},
    )
    uow.session.add(_revision(assessment, number))
    await uow.session.flush()
    return assessment


async def publish_questionnaire(uow: UnitOfWork, c: PublishQuestionnaire) -> MaturityQuestionnaire:
    """A new version of the BU's questionnaire: its dimensions, five level descriptions each,
    and the gap threshold that flags a self-assessment above telemetry."""
    bu = await org_facts.business_unit(
        uow.session, c.bu_id, readable_in=uow.scope(Action.READ, QUESTIONNAIRE)
    )
    rule = uow.authorize(Action.CREATE, QUESTIONNAIRE, bu.id)
    dimensions = checked_dimensions(
        [{"dimension": d.dimension, "title": d.title, "levels": d.levels} for d in c.dimensions]
    )
    threshold = checked_gap_threshold(c.gap_threshold)
    note = described(c.note, field="note", most=500)
    latest = await repo.latest_questionnaire(uow.session, bu.id)
    now = uow.clock.now()
    questionnaire = MaturityQuestionnaire(
        id=uuid.uuid4(),
        bu_id=bu.id,
        number=(latest.number if latest else BUILT_IN_NUMBER) + 1,
        dimensions=dimensions,
        gap_threshold=threshold,
        note=note,
        published_by_id=uow.actor.person_id,
        published_at=now,
    )
    await uow.created(
        questionnaire, action="maturity_questionnaire.publish", bu_id=bu.id, rule=rule
    )
    return questionnaire
