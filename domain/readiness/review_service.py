"""Use cases of an SRE readiness review (of a release, or of a service for its first launch:
domain.readiness.review_launch_service opens those): open it (its checklist from the
templates), record an item's evidence, sign it off (an SRE who is neither the release's owner
nor one of its authors, nor whoever opened a service's review, with nothing missing), reopen
it."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from domain.governance import facts as release_facts
from domain.governance.vocabulary import ReleaseStatus as S
from domain.guardrails.facts import guardrails_of_services
from domain.kernel.access import ORG_SCOPE, Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import described, expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization.vocabulary import Role
from domain.readiness import review_commands as cmd
from domain.readiness import review_repository as repo
from domain.readiness import review_rules as rules
from domain.readiness.review_errors import ReviewErrorCode as Code
from domain.readiness.review_models import ReadinessReview, ReviewItem
from domain.readiness.review_vocabulary import ReviewStatus

RESOURCE = Resource.READINESS_REVIEW
CLOSED = frozenset(s.value for s in (S.DEPLOYED, S.ROLLED_BACK, S.CANCELLED, S.REJECTED))
"""A finished release takes no readiness review."""
URL = re.compile(r"^https?://[^\s]{1,1990}$")


async def checklist(
    uow: UnitOfWork, tiers: set[str], bu_id: uuid.UUID, field: str = "releaseId"
) -> tuple[list[rules.TemplateFacts], list[rules.ItemSpec]]:
    """The active templates of the org and the BU, and the checklist they give services of
    these tiers."""
    found = await repo.latest_templates(uow.session, [ORG_SCOPE, str(bu_id)])
    templates = [
        rules.TemplateFacts(t.id, t.key, t.version, t.bu_id is None, tuple(t.tiers), tuple(t.items))
        for t in found
        if t.active
    ]
    specs = rules.checklist(templates, tiers)
    if not specs:
        what = "this release's services" if field == "releaseId" else "this service's tier"
        raise DomainError(
            f"No active readiness checklist template applies to {what}.",
            code=Code.NO_TEMPLATE_APPLIES,
            field=field,
        )
    return templates, specs


def new_review(
    uow: UnitOfWork,
    bu_id: uuid.UUID,
    templates: list[rules.TemplateFacts],
    specs: list[rules.ItemSpec],
    *,
    release_id: uuid.UUID | None = None,
    service_id: uuid.UUID | None = None,
) -> ReadinessReview:
    """An open review of the release or the service, its items added to the session."""
    now = uow.clock.now()
    used = {s.key.partition(".")[0] for s in specs}
    review = ReadinessReview(
        id=uuid.uuid4(),
        release_id=release_id,
        service_id=service_id,
        bu_id=bu_id,
        status=ReviewStatus.OPEN.value,
        opened_by_id=uow.actor.person_id,
        templates=[
            {"template_id": str(t.id), "key": t.key, "version": t.version}
            for t in templates
            if t.key in used
        ],
        version=1,
        created_at=now,
        updated_at=now,
    )
    uow.session.add_all(
        ReviewItem(
            review_id=review.id,
            key=s.key,
            kind=s.kind,
            title=s.title,
            valid_days=s.valid_days,
            position=n,
            note="",
        )
        for n, s in enumerate(specs)
    )
    return review


async def open_review(uow: UnitOfWork, c: cmd.OpenReview) -> ReadinessReview:
    """Open the release's review with the checklist of every active template applying to the
    tiers of the services it ships (org templates, then its BU's)."""
    release = await release_facts.release(
        uow.session,
        c.release_id,
        readable_in=uow.scope(Action.READ, Resource.RELEASE),
        for_update=True,
    )
    rule = uow.authorize_visible(Action.CREATE, RESOURCE, release.bu_id, "Release")
    if release.status in CLOSED:
        raise DomainError(
            f"The release is {release.status}: it takes no readiness review.",
            code=Code.RELEASE_CLOSED,
            field="releaseId",
        )
    if await repo.review_of_release(uow.session, release.id) is not None:
        raise DomainError(
            "The release has a readiness review; reopen it instead.",
            code=Code.REVIEW_EXISTS,
            field="releaseId",
        )
    shipped = (await release_facts.shipped_services(uow.session, [release.id])).get(release.id, [])
    templates, specs = await checklist(uow, {s.tier for s in shipped}, release.bu_id)
    review = new_review(uow, release.bu_id, templates, specs, release_id=release.id)
    items = {"items": [s.key for s in specs]}
    await uow.created(
        review, action="readiness_review.open", bu_id=release.bu_id, rule=rule, extra=items
    )
    return review


async def _review(
    uow: UnitOfWork, review_id: uuid.UUID, action: Action
) -> tuple[ReadinessReview, str]:
    review = await get_readable(
        uow.session,
        ReadinessReview,
        review_id,
        uow.scope(Action.READ, RESOURCE),
        what="Readiness review",
        field="reviewId",
        for_update=True,
    )
    return review, uow.authorize(action, RESOURCE, review.bu_id)


def _when(value: datetime | None, now: datetime, valid_days: int) -> datetime:
    checked = value or now
    if checked > now:
        raise DomainError(
            "Evidence cannot be checked in the future.",
            code=Code.INVALID_CHECKED_AT,
            field="checkedAt",
        )
    if checked + timedelta(days=valid_days) <= now:
        raise DomainError(
            f"Evidence checked then expired already (it stays valid {valid_days} days).",
            code=Code.INVALID_CHECKED_AT,
            field="checkedAt",
        )
    return checked


async def record_evidence(uow: UnitOfWork, c: cmd.RecordEvidence) -> ReadinessReview:
    """Record (or replace) the evidence of one checklist item of an open review."""
    review, rule = await _review(uow, c.review_id, Action.UPDATE)
    expect_version(review, c.version, "The readiness review")
    if review.status == ReviewStatus.SIGNED_OFF:
        raise DomainError(
            "The review is signed off: reopen it to change its evidence.",
            code=Code.REVIEW_SIGNED_OFF,
        )
    item = next(
        (i for i in await repo.items_of(uow.session, review.id) if i.key == c.item_key), None
    )
    if item is None:
        raise DomainError(
            f"The review has no item '{c.item_key}'.", code=Code.UNKNOWN_ITEM, field="itemKey"
        )
    url = c.evidence_url.strip()
    if not URL.match(url):
        raise DomainError(
            "Evidence is an http(s) link of at most 2000 characters.",
            code=Code.INVALID_EVIDENCE_URL,
            field="evidenceUrl",
        )
    now = uow.clock.now()
    checked = _when(c.checked_at, now, item.valid_days)
    if c.expires_at is not None and c.expires_at <= now:
        raise DomainError(
            "The evidence would expire in the past.", code=Code.INVALID_EXPIRY, field="expiresAt"
        )
    before = {**snapshot(review), "item": snapshot(item)}
    item.evidence_url, item.note = url, described(c.note, "note")
    item.checked_at, item.expires_at = checked, rules.expiry(checked, item.valid_days, c.expires_at)
    item.recorded_by_id, item.recorded_at = uow.actor.person_id, now
    review.updated_at = now
    await uow.session.flush()
    uow.record_change(
        review,
        action="readiness_review.record_evidence",
        bu_id=review.bu_id,
        rule=rule,
        before=before,
        after={**snapshot(review), "item": snapshot(item)},
    )
    return review


async def _runbook_max_age(uow: UnitOfWork, review: ReadinessReview) -> int:
    """The strictest runbook age the guardrails of the release's services (of the service,
    for a service's review) allow."""
    if review.service_id is not None:
        service_ids = [review.service_id]
    else:
        assert review.release_id is not None
        shipped = await release_facts.shipped_services(uow.session, [review.release_id])
        service_ids = [s.id for s in shipped.get(review.release_id, [])]
    found = await guardrails_of_services(uow.session, service_ids)
    return min(
        (int(g["runbook_review_max_age_days"]) for g in found.values()),
        default=rules.MAX_VALID_DAYS,
    )


async def _independent(uow: UnitOfWork, review: ReadinessReview, signer: uuid.UUID) -> None:
    """A release's review is not signed by its owner or authors; a service's (first launch)
    not by whoever opened it (the release carrying the launch: the gate checks its authors)."""
    if review.release_id is None:
        if signer == review.opened_by_id:
            raise DomainError(
                "Whoever opened a service's readiness review does not sign it off.",
                code=Code.CONFLICT_OF_INTEREST,
            )
        return
    release = await release_facts.release(uow.session, review.release_id, field=None)
    if signer == release.owner_id or signer in await release_facts.author_ids(
        uow.session, release.id
    ):
        raise DomainError(
            "The release's owner and authors do not sign off its readiness review.",
            code=Code.CONFLICT_OF_INTEREST,
        )


async def sign_off_review(uow: UnitOfWork, c: cmd.SignOffReview) -> ReadinessReview:
    """Sign the review off: an SRE of the release's BU (or org-wide), never its owner or one
    of its authors, and only with nothing missing."""
    review, rule = await _review(uow, c.review_id, Action.SIGN)
    expect_version(review, c.version, "The readiness review")
    if review.status == ReviewStatus.SIGNED_OFF:
        raise DomainError("The review is already signed off.", code=Code.REVIEW_SIGNED_OFF)
    signer = uow.actor.person_id
    if signer is None or not await org_facts.holds_role(
        uow.session, signer, Role.SRE.value, review.bu_id
    ):
        raise DomainError(
            "A readiness review is signed off by someone holding the sre role.",
            code=Code.NOT_AN_SRE,
        )
    await _independent(uow, review, signer)
    now = uow.clock.now()
    items = await repo.items_of(uow.session, review.id)
    gaps = rules.missing(
        [
            rules.ItemFacts(i.key, i.kind, i.title, i.evidence_url, i.checked_at, i.expires_at)
            for i in items
        ],
        now,
        await _runbook_max_age(uow, review),
    )
    if gaps:
        raise DomainError(f"Still missing: {'; '.join(gaps)}.", code=Code.ITEMS_MISSING)
    before = snapshot(review)
    review.status, review.signed_off_by_id, review.signed_off_at = (
        ReviewStatus.SIGNED_OFF.value,
        signer,
        now,
    )
    review.sign_off_note = described(c.note, "note")
    await uow.updated(
        review, before, action="readiness_review.sign_off", bu_id=review.bu_id, rule=rule
    )
    return review


async def reopen_review(uow: UnitOfWork, c: cmd.ReopenReview) -> ReadinessReview:
    """Withdraw the sign-off (something changed): the review is open again, and must be signed
    off again before the gate passes."""
    review, rule = await _review(uow, c.review_id, Action.UPDATE)
    expect_version(review, c.version, "The readiness review")
    if review.status != ReviewStatus.SIGNED_OFF:
        raise DomainError("The review is open already.", code=Code.REVIEW_NOT_SIGNED_OFF)
    reason = trimmed(
        c.reason,
        1,
        2000,
        "Say why the review is reopened (1 to 2000 characters).",
        code=Code.INVALID_REASON,
        field="reason",
    )
    before = snapshot(review)
    review.status, review.signed_off_by_id, review.signed_off_at = (
        ReviewStatus.OPEN.value,
        None,
        None,
    )
    review.sign_off_note = ""
    await uow.updated(
        review,
        before,
        action="readiness_review.reopen",
        bu_id=review.bu_id,
        rule=rule,
        extra={"reason": reason},
    )
    return review
