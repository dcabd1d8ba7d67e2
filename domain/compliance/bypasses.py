"""Emergency bypasses: requested, approved (never by their requester or the release's owner and
authors), rejected, revoked, used, and reviewed after the fact; every step audited.

Decisions: only HOTFIX releases that are still open may ask; no amend is offered (a pending
request is rejected and asked again, so an approver always approves exactly what they read);
rejecting one's own pending request is a withdrawal and allowed; a revoked bypass keeps its
review open, since it may have been used.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import bypass_repository as repo
from domain.compliance import bypass_rules as rules
from domain.compliance.control_commands import (
    CompleteReview,
    DecideBypass,
    RequestBypass,
    RevokeBypass,
    UseBypass,
)
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.models import Bypass, BypassReview, BypassUse
from domain.compliance.vocabulary import BypassStatus, ReviewOutcome
from domain.environments import facts as env_facts
from domain.environments.vocabulary import EnvironmentStatus
from domain.governance import facts as release_facts
from domain.governance.vocabulary import ReleaseStatus, ReleaseType
from domain.guardrails.effective import effective_for_service
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.gates import GateKey
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice, expect_version
from domain.kernel.uow import UnitOfWork

CLOSED_RELEASES = frozenset(
    {
        ReleaseStatus.REJECTED,
        ReleaseStatus.DEPLOYED,
        ReleaseStatus.ROLLED_BACK,
        ReleaseStatus.CANCELLED,
    }
)


def facts_of(row: Any) -> rules.BypassFacts:
    """The rules' view of a bypass row (ORM object or Core row)."""
    return rules.BypassFacts(
        id=row.id,
        release_id=row.release_id,
        environment_id=row.environment_id,
        gates=frozenset(row.gates),
        status=row.status,
        requested_by_id=row.requested_by_id,
        approved_at=row.approved_at,
        expires_at=row.expires_at,
    )


async def guardrail_bound(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], key: str
) -> rules.Bound:
    """The tightest effective value of a guardrail over the services."""
    values = {sid: int((await effective_for_service(session, sid))[key]) for sid in service_ids}
    return rules.tightest(values)


# -- requesting ------------------------------------------------------------------------------


async def _open_release(uow: UnitOfWork, release_id: uuid.UUID) -> release_facts.ReleaseSummary:
    scope = uow.scope(Action.READ, Resource.RELEASE)
    return await release_facts.release(uow.session, release_id, readable_in=scope)


def _check_release(release: release_facts.ReleaseSummary) -> None:
    if release.release_type != ReleaseType.HOTFIX:
        raise DomainError(
            "Only a hotfix release may ask for an emergency bypass.",
            code=Code.BYPASS_NOT_HOTFIX,
            field="releaseId",
        )
    if release.status in CLOSED_RELEASES:
        raise DomainError(
            f"The release is {release.status}.", code=Code.RELEASE_CLOSED, field="releaseId"
        )


async def _services_of(uow: UnitOfWork, release: release_facts.ReleaseSummary) -> list[uuid.UUID]:
    ids = await release_facts.shipped_service_ids(uow.session, release.id)
    if not ids:
        raise DomainError(
            "The release ships no service, so no guardrail bounds a bypass of it.",
            code=Code.RELEASE_HAS_NO_SERVICES,
            field="releaseId",
        )
    return ids


async def _target(
    uow: UnitOfWork, environment_id: uuid.UUID, release: release_facts.ReleaseSummary
) -> env_facts.EnvironmentFacts:
    scope = uow.scope(Action.READ, Resource.ENVIRONMENT)
    env = await env_facts.environment(uow.session, environment_id, readable_in=scope)
    if env.status != EnvironmentStatus.ACTIVE:
        raise DomainError(
            f"{env.key} is retired.", code=Code.ENVIRONMENT_RETIRED, field="environmentId"
        )
    if env.bu_id is not None and env.bu_id != release.bu_id:
        raise DomainError(
            "The target belongs to another business unit than the release.",
            code=Code.TARGET_NOT_IN_BUSINESS_UNIT,
            field="environmentId",
        )
    return env


def _person(uow: UnitOfWork) -> uuid.UUID:
    """Bypasses are asked for and decided by people, never anonymously."""
    if uow.actor.person_id is None:
        raise DomainError("Only a person asks for or decides a bypass.", code=Code.PERSON_REQUIRED)
    return uow.actor.person_id


async def request_bypass(uow: UnitOfWork, c: RequestBypass) -> Bypass:
    """Ask to waive named gates of one hotfix release for one target, for some hours."""
    release = await _open_release(uow, c.release_id)
    rule = uow.authorize(Action.CREATE, Resource.BYPASS, release.bu_id)
    _check_release(release)
    env = await _target(uow, c.environment_id, release)
    gates = rules.check_gates(c.gates)
    justification = rules.check_justification(c.justification)
    incident = rules.check_incident_reference(c.incident_reference)
    services = await _services_of(uow, release)
    bound = await guardrail_bound(uow.session, services, "max_bypass_hours")
    hours = rules.check_duration(c.duration_hours, bound)
    now = uow.clock.now()
    bypass = Bypass(
        bu_id=release.bu_id,
        release_id=release.id,
        environment_id=env.id,
        gates=gates,
        justification=justification,
        incident_reference=incident,
        duration_hours=hours,
        status=str(BypassStatus.PENDING),
        requested_by_id=_person(uow),
        requested_at=now,
        decision_note="",
        revoke_reason="",
        created_at=now,
        updated_at=now,
    )
    await uow.created(bypass, action="bypass.request", bu_id=bypass.bu_id, rule=rule)
    return bypass


# -- deciding --------------------------------------------------------------------------------


async def _visible_bypass(uow: UnitOfWork, bypass_id: uuid.UUID, *, lock: bool) -> Bypass:
    bypass = await repo.get_bypass(uow.session, bypass_id, for_update=lock)
    if bypass is None or not uow.scope(Action.READ, Resource.BYPASS).allows(bypass.bu_id):
        raise NotFound("Bypass was not found.")
    return bypass


async def approve_bypass(uow: UnitOfWork, c: DecideBypass) -> Bypass:
    """Approve a pending bypass: its window starts now and its post-facto review opens."""
    bypass = await _visible_bypass(uow, c.bypass_id, lock=True)
    rule = uow.authorize(Action.APPROVE, Resource.BYPASS, bypass.bu_id)
    expect_version(bypass, c.version, "The bypass")
    rules.check_pending(bypass.status)
    release = await _open_release(uow, bypass.release_id)
    authors = await release_facts.author_ids(uow.session, release.id)
    approver = rules.check_approver(
        uow.actor.person_id, bypass.requested_by_id, release.owner_id, authors
    )
    _check_release(release)
    services = await _services_of(uow, release)
    max_hours = await guardrail_bound(uow.session, services, "max_bypass_hours")
    due_days = await guardrail_bound(uow.session, services, "bypass_review_due_days")
    note = rules.check_note(c.note, "note")
    before = snapshot(bypass)
    now = uow.clock.now()
    bypass.status = str(BypassStatus.APPROVED)
    bypass.decided_by_id = approver
    bypass.decided_at = now
    bypass.decision_note = note
    bypass.approved_at = now
    bypass.expires_at = rules.expiry(now, bypass.duration_hours, max_hours)
    await uow.updated(bypass, before, action="bypass.approve", bu_id=bypass.bu_id, rule=rule)
    review = BypassReview(
        bypass_id=bypass.id,
        bu_id=bypass.bu_id,
        opened_at=now,
        due_at=rules.review_due(now, due_days),
        findings="",
        action_items=[],
        created_at=now,
        updated_at=now,
    )
    await uow.created(review, action="bypass_review.open", bu_id=bypass.bu_id, rule=rule)
    return bypass


async def reject_bypass(uow: UnitOfWork, c: DecideBypass) -> Bypass:
    """Refuse a pending bypass; it never becomes active."""
    bypass = await _visible_bypass(uow, c.bypass_id, lock=True)
    rule = uow.authorize(Action.APPROVE, Resource.BYPASS, bypass.bu_id)
    expect_version(bypass, c.version, "The bypass")
    rules.check_pending(bypass.status)
    note = rules.check_note(c.note, "note")
    before = snapshot(bypass)
    now = uow.clock.now()
    bypass.status = str(BypassStatus.REJECTED)
    bypass.decided_by_id = _person(uow)
    bypass.decided_at = now
    bypass.decision_note = note
    await uow.updated(bypass, before, action="bypass.reject", bu_id=bypass.bu_id, rule=rule)
    return bypass


async def revoke_bypass(uow: UnitOfWork, c: RevokeBypass) -> Bypass:
    """Stop an active bypass before it expires; its review stays open."""
    bypass = await _visible_bypass(uow, c.bypass_id, lock=True)
    rule = uow.authorize(Action.REVOKE, Resource.BYPASS, bypass.bu_id)
    expect_version(bypass, c.version, "The bypass")
    now = uow.clock.now()
    current = rules.state(facts_of(bypass), now)
    if current == rules.BypassState.EXPIRED:
        raise DomainError("The bypass has already expired.", code=Code.BYPASS_EXPIRED)
    if current != rules.BypassState.ACTIVE:
        raise DomainError(f"The bypass is {current.value}.", code=Code.BYPASS_NOT_ACTIVE)
    reason = rules.check_note(c.reason, "reason")
    before = snapshot(bypass)
    bypass.status = str(BypassStatus.REVOKED)
    bypass.revoked_by_id = _person(uow)
    bypass.revoked_at = now
    bypass.revoke_reason = reason
    await uow.updated(bypass, before, action="bypass.revoke", bu_id=bypass.bu_id, rule=rule)
    return bypass


# -- using -----------------------------------------------------------------------------------


async def use_bypass(uow: UnitOfWork, c: UseBypass) -> BypassUse:
    """Record that an active bypass waived one of its gates for its target."""
    bypass = await _visible_bypass(uow, c.bypass_id, lock=False)
    rule = uow.authorize(Action.USE, Resource.BYPASS, bypass.bu_id)
    return await record_use(uow, bypass, c, rule)


async def bypass_row(session: AsyncSession, bypass_id: uuid.UUID) -> Bypass:
    found = await repo.get_bypass(session, bypass_id)
    if found is None:
        raise NotFound("Bypass was not found.")
    return found


async def record_use(uow: UnitOfWork, bypass: Bypass, c: UseBypass, rule: str) -> BypassUse:
    """Record a use under an authority the caller established (the promotion decision records
    the bypasses it applied under the promotion's own rule)."""
    gate = choice(GateKey, c.gate, Code.UNKNOWN_GATE, "gate")
    now = uow.clock.now()
    rules.check_use(facts_of(bypass), gate.value, c.environment_id, now)
    use = BypassUse(
        bypass_id=bypass.id,
        gate=gate.value,
        environment_id=c.environment_id,
        used_by_id=uow.actor.person_id,
        used_by=uow.actor.username,
        used_at=now,
        note=rules.check_note(c.note, "note"),
    )
    await uow.created_in(bypass, use, action="bypass.use", bu_id=bypass.bu_id, rule=rule)
    return use


# -- post-facto review -----------------------------------------------------------------------


async def complete_review(uow: UnitOfWork, c: CompleteReview) -> BypassReview:
    """Close a bypass's post-facto review with its outcome, findings and action items."""
    review = await repo.get_review(uow.session, c.review_id, for_update=True)
    if review is None or not uow.scope(Action.READ, Resource.BYPASS_REVIEW).allows(review.bu_id):
        raise NotFound("Bypass review was not found.")
    rule = uow.authorize(Action.UPDATE, Resource.BYPASS_REVIEW, review.bu_id)
    expect_version(review, c.version, "The review")
    if review.completed_at is not None:
        raise DomainError("The review is already completed.", code=Code.REVIEW_COMPLETED)
    bypass = await repo.get_bypass(uow.session, review.bypass_id)
    assert bypass is not None
    reviewer = rules.check_reviewer(
        uow.actor.person_id, bypass.requested_by_id, bypass.decided_by_id
    )
    outcome = choice(ReviewOutcome, c.outcome, Code.INVALID_OUTCOME, "outcome")
    findings = rules.check_findings(c.findings)
    items = rules.check_action_items(c.action_items)
    before = snapshot(review)
    review.outcome = outcome.value
    review.findings = findings
    review.action_items = items
    review.reviewer_id = reviewer
    review.completed_at = uow.clock.now()
    await uow.updated(
        review, before, action="bypass_review.complete", bu_id=review.bu_id, rule=rule
    )
    return review
