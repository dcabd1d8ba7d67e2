"""Use cases of policy iteration: record a team's retrospective; draft a policy proposal from a
retrospective or a post-mortem, submit it, approve or reject it (not your own: segregation of
duties), and apply it as a versioned guardrail or risk-model change that records its origin.

Approving, rejecting and applying take what changing the target takes today (guardrail sets or
the risk model, in the origin's BU or at org scope); every move is audited in its own unit."""

from __future__ import annotations

import uuid
from datetime import date

from domain.insights import policy_commands as cmd
from domain.insights import policy_targets as targets
from domain.insights.policy_errors import PolicyErrorCode as Code
from domain.insights.policy_models import PolicyProposal, Retrospective
from domain.insights.policy_rules import (
    Target,
    check_move,
    check_not_proposer,
    check_target,
    origin_record,
)
from domain.insights.policy_vocabulary import OriginKind, ProposalStatus, TargetKind, TargetScope
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import choice, expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.postrelease import postmortem_facts

TEXT_MAX = 10_000


def _text(value: str, field: str, code: Code, least: int = 0) -> str:
    return trimmed(
        value,
        least,
        TEXT_MAX,
        f"{field} is {least} to {TEXT_MAX} characters.",
        code=code,
        field=field,
    )


async def record_retrospective(uow: UnitOfWork, c: cmd.RecordRetrospective) -> Retrospective:
    """Record a team's retrospective: when it was held, its notes and outcomes."""
    team = await org_facts.team(
        uow.session, c.team_id, readable_in=uow.scope(Action.READ, Resource.TEAM)
    )
    rule = uow.authorize(Action.CREATE, Resource.RETROSPECTIVE, team.bu_id)
    now = uow.clock.now()
    if not isinstance(c.held_on, date):
        raise DomainError("Give the day it was held.", code=Code.INVALID_HELD_ON, field="heldOn")
    if c.held_on > now.date():
        raise DomainError(
            "A retrospective cannot be held in the future.",
            code=Code.HELD_IN_FUTURE,
            field="heldOn",
        )
    retro = Retrospective(
        id=uuid.uuid4(),
        bu_id=team.bu_id,
        team_id=team.id,
        held_on=c.held_on,
        title=trimmed(
            c.title,
            1,
            200,
            "A title is 1 to 200 characters.",
            code=Code.INVALID_TITLE,
            field="title",
        ),
        notes=_text(c.notes, "notes", Code.INVALID_NOTES),
        outcomes=_text(c.outcomes, "outcomes", Code.INVALID_NOTES),
        recorded_by_id=uow.actor.person_id,
        version=1,
        created_at=now,
        updated_at=now,
    )
    await uow.created(
        retro,
        action="retrospective.record",
        bu_id=team.bu_id,
        rule=rule,
        exclude=("held_on",),
        extra={"held_on": c.held_on.isoformat()},
    )
    return retro


async def _origin_bu(uow: UnitOfWork, kind: OriginKind, origin_id: uuid.UUID) -> uuid.UUID:
    """The BU of the retrospective or post-mortem you may read; NOT_FOUND otherwise."""
    if kind is OriginKind.CHANGE_FAILURES:
        raise DomainError(
            "A proposal from change failures is made by proposeFromChangeFailures.",
            code=Code.INVALID_ORIGIN,
            field="originKind",
        )
    if kind is OriginKind.RETROSPECTIVE:
        retro = await get_readable(
            uow.session,
            Retrospective,
            origin_id,
            uow.scope(Action.READ, Resource.RETROSPECTIVE),
            what="Retrospective",
            field="originId",
        )
        return retro.bu_id
    pm = await postmortem_facts.post_mortem(
        uow.session,
        origin_id,
        readable_in=uow.scope(Action.READ, Resource.POST_MORTEM),
        field="originId",
    )
    return pm.bu_id


async def create_proposal(uow: UnitOfWork, c: cmd.CreateProposal) -> PolicyProposal:
    """Draft a proposal from a retrospective or post-mortem; its value is checked by the
    guardrails or risk context as their save would check it (their codes)."""
    kind = choice(OriginKind, c.origin_kind, Code.INVALID_ORIGIN, "originKind")
    bu_id = await _origin_bu(uow, kind, c.origin_id)
    rule = uow.authorize(Action.CREATE, Resource.POLICY_PROPOSAL, bu_id)
    target = check_target(
        choice(TargetKind, c.target_kind, Code.INVALID_TARGET, "targetKind"),
        choice(TargetScope, c.scope, Code.INVALID_SCOPE, "scope"),
        c.tier,
        c.key,
        c.value,
    )
    rationale = _text(c.rationale, "rationale", Code.RATIONALE_REQUIRED, least=1)
    return await draft(uow, bu_id, kind, c.origin_id, target, rationale, rule)


async def draft(
    uow: UnitOfWork,
    bu_id: uuid.UUID,
    kind: OriginKind,
    origin_id: uuid.UUID,
    target: Target,
    rationale: str,
    rule: str,
) -> PolicyProposal:
    """Store (and audit) a draft proposal read in `bu_id`, once its value is checked by the
    guardrails or risk context as their save would check it; the caller authorized it."""
    await targets.check(uow.session, target, bu_id)
    now = uow.clock.now()
    proposal = PolicyProposal(
        id=uuid.uuid4(),
        bu_id=bu_id,
        origin_kind=kind.value,
        origin_id=origin_id,
        target_kind=target.kind.value,
        scope=target.scope.value,
        tier=target.tier,
        key=target.key,
        proposed={"value": target.value},
        rationale=rationale,
        status=ProposalStatus.DRAFT.value,
        proposed_by_id=uow.actor.person_id,
        decision_reason="",
        version=1,
        created_at=now,
        updated_at=now,
    )
    await uow.created(proposal, action="policy_proposal.create", bu_id=bu_id, rule=rule)
    return proposal


async def _proposal(uow: UnitOfWork, c: cmd.DecideProposal) -> PolicyProposal:
    proposal = await get_readable(
        uow.session,
        PolicyProposal,
        c.proposal_id,
        uow.scope(Action.READ, Resource.POLICY_PROPOSAL),
        what="Policy proposal",
        field="id",
        for_update=True,
    )
    expect_version(proposal, c.version, "The proposal")
    return proposal


def _authorize_target(uow: UnitOfWork, proposal: PolicyProposal) -> str:
    """Deciding on or applying a proposal takes what changing its target takes today."""
    resource, bu = targets.authority(targets.target_of(proposal), proposal.bu_id)
    return uow.authorize(Action.UPDATE, resource, bu)


async def _move(
    uow: UnitOfWork, proposal: PolicyProposal, to: ProposalStatus, rule: str, **changes: object
) -> PolicyProposal:
    check_move(ProposalStatus(proposal.status), to)
    before = snapshot(proposal)
    proposal.status = to.value
    for name, value in changes.items():
        setattr(proposal, name, value)
    action = {
        ProposalStatus.SUBMITTED: "submit",
        ProposalStatus.APPROVED: "approve",
        ProposalStatus.REJECTED: "reject",
        ProposalStatus.APPLIED: "apply",
    }[to]
    await uow.updated(
        proposal, before, action=f"policy_proposal.{action}", bu_id=proposal.bu_id, rule=rule
    )
    return proposal


async def submit_proposal(uow: UnitOfWork, c: cmd.DecideProposal) -> PolicyProposal:
    """Put a draft up for a decision."""
    proposal = await _proposal(uow, c)
    rule = uow.authorize(Action.SUBMIT, Resource.POLICY_PROPOSAL, proposal.bu_id)
    return await _move(uow, proposal, ProposalStatus.SUBMITTED, rule, submitted_at=uow.clock.now())


async def _decide(
    uow: UnitOfWork, c: cmd.DecideProposal, to: ProposalStatus, reason: str
) -> PolicyProposal:
    proposal = await _proposal(uow, c)
    rule = _authorize_target(uow, proposal)
    check_move(ProposalStatus(proposal.status), to)
    check_not_proposer(proposal.proposed_by_id, uow.actor.person_id)
    return await _move(
        uow,
        proposal,
        to,
        rule,
        decided_by_id=uow.actor.person_id,
        decided_at=uow.clock.now(),
        decision_reason=reason,
    )


async def approve_proposal(uow: UnitOfWork, c: cmd.DecideProposal) -> PolicyProposal:
    """Approve a submitted proposal: whoever may change its target, never its proposer."""
    return await _decide(
        uow, c, ProposalStatus.APPROVED, _text(c.reason, "reason", Code.REASON_REQUIRED)
    )


async def reject_proposal(uow: UnitOfWork, c: cmd.DecideProposal) -> PolicyProposal:
    """Reject a submitted proposal, saying why: whoever may change its target, never its
    proposer."""
    reason = _text(c.reason, "reason", Code.REASON_REQUIRED, least=1)
    return await _decide(uow, c, ProposalStatus.REJECTED, reason)


async def apply_proposal(uow: UnitOfWork, c: cmd.DecideProposal) -> PolicyProposal:
    """Apply an approved proposal through the guardrails' or risk's own save: a new version
    that records the proposal and its retrospective or post-mortem; refused with their codes
    when the value no longer holds (a BU value looser than the core, say)."""
    proposal = await _proposal(uow, c)
    rule = _authorize_target(uow, proposal)
    check_move(ProposalStatus(proposal.status), ProposalStatus.APPLIED)
    origin = origin_record(proposal.id, OriginKind(proposal.origin_kind), proposal.origin_id)
    note = f"Policy proposal ({proposal.origin_kind.replace('_', ' ')}): {proposal.rationale}"
    version = await targets.apply(uow, targets.target_of(proposal), proposal.bu_id, note, origin)
    return await _move(
        uow,
        proposal,
        ProposalStatus.APPLIED,
        rule,
        applied_by_id=uow.actor.person_id,
        applied_at=uow.clock.now(),
        applied_version=version,
    )
