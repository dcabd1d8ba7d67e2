"""Peer reviews: recorded by people other than the release's authors; the peer-review gate.

One review per reviewer and release: a reviewer who looks again records a new verdict, which
replaces the old one (audited as an update, version bumped). Submitting the same verdict,
comment and reference twice changes nothing, so a double submit is harmless; the release row
is locked first, so two submits racing cannot both insert.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import facts as release_facts
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateOutcome
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice
from domain.kernel.uow import UnitOfWork
from domain.risk import repository as repo
from domain.risk import review_rules
from domain.risk.assessment_rules import RiskResult
from domain.risk.assessments import assess_release
from domain.risk.commands import RecordPeerReview
from domain.risk.errors import RiskErrorCode as Code
from domain.risk.facts import peer_reviews_of
from domain.risk.models import PeerReview
from domain.risk.vocabulary import Verdict

MAX_COMMENT = 4000
MAX_REFERENCE = 500
CLOSED = frozenset(
    s.value
    for s in (
        ReleaseStatus.DEPLOYED,
        ReleaseStatus.ROLLED_BACK,
        ReleaseStatus.CANCELLED,
        ReleaseStatus.REJECTED,
    )
)


def _text(value: str, limit: int, code: Code, field: str) -> str:
    value = value.strip()
    if len(value) > limit or any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise DomainError(
            f"{field} takes at most {limit} printable characters.", code=code, field=field
        )
    return value


async def record_peer_review(uow: UnitOfWork, c: RecordPeerReview) -> PeerReview:
    """Record (or replace) the actor's verdict on a release; never by one of its authors."""
    release = await release_facts.release(
        uow.session,
        c.release_id,
        readable_in=uow.scope(Action.READ, Resource.RELEASE),
        for_update=True,
    )
    rule = uow.authorize_visible(Action.CREATE, Resource.PEER_REVIEW, release.bu_id, "Release")
    reviewer = uow.actor.person_id
    if reviewer is None:
        raise DomainError("A peer review is recorded by a person.", code=Code.REVIEWER_UNKNOWN)
    if reviewer in await release_facts.author_ids(uow.session, release.id):
        raise DomainError(
            "An author does not peer review their own change: ask someone else.",
            code=Code.PEER_REVIEW_BY_AUTHOR,
        )
    if release.status in CLOSED:
        raise DomainError(
            f"The release is {release.status}: it takes no more reviews.",
            code=Code.RELEASE_CLOSED,
            field="releaseId",
        )
    verdict = choice(Verdict, c.verdict, Code.INVALID_VERDICT, "verdict").value
    comment = _text(c.comment, MAX_COMMENT, Code.COMMENT_TOO_LONG, "comment")
    reference = _text(c.reference, MAX_REFERENCE, Code.INVALID_REFERENCE, "reference")
    if verdict == Verdict.CHANGES_REQUESTED and not comment:
        raise DomainError(
            "Say which changes you request.", code=Code.COMMENT_REQUIRED, field="comment"
        )
    now = uow.clock.now()
    found = await repo.review_of(uow.session, release.id, reviewer)
    if found is None:
        review = PeerReview(
            release_id=release.id,
            bu_id=release.bu_id,
            reviewer_id=reviewer,
            verdict=verdict,
            comment=comment,
            reference=reference,
            created_at=now,
            updated_at=now,
        )
        await uow.created(review, action="peer_review.create", bu_id=release.bu_id, rule=rule)
        return review
    if (found.verdict, found.comment, found.reference) == (verdict, comment, reference):
        return found
    before = snapshot(found)
    found.verdict, found.comment, found.reference = verdict, comment, reference
    await uow.updated(found, before, action="peer_review.update", bu_id=release.bu_id, rule=rule)
    return found


async def requirement_of(
    session: AsyncSession,
    release: release_facts.ReleaseSummary,
    now: datetime,
    result: RiskResult | None = None,
) -> review_rules.ReviewRequirement:
    """Whether the release needs a peer review, and why (guardrail change types, risk level)."""
    result = result or await assess_release(session, release.id, now)
    return review_rules.requirement(
        list(release.change_types),
        result.peer_review_change_types,
        result.level.value,
        result.requirements.peer_review,
    )


async def peer_review_gate(
    session: AsyncSession, release_id: uuid.UUID, environment_kind: str, now: datetime
) -> GateOutcome:
    """Gate `peer_review` of a promotion of the release to an environment of that kind."""
    release = await release_facts.release(session, release_id, field=None)
    req = await requirement_of(session, release, now)
    reviews = await peer_reviews_of(session, release.id)
    authors = await release_facts.author_ids(session, release.id)
    return review_rules.gate(req, reviews, authors, environment_kind)
