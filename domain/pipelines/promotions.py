"""Promotions: asking the decision, recording it, approving with segregation of duties.

The decision itself is `domain.pipelines.judge.judge` over a snapshot gathered by
`domain.pipelines.gather.take_snapshot`. Asking (`evaluate`) writes nothing; a promotion
(`request_promotion`, `approve_promotion`, `decide_promotion`) records every decision with
every gate in the audit trail, and the use of any emergency bypass that waived a gate.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from domain.compliance import bypasses
from domain.compliance.control_commands import UseBypass
from domain.guardrails.facts import guardrails_of_services
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, Forbidden, NotFound
from domain.kernel.orm import snapshot as row_snapshot
from domain.kernel.reader import Reader
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization.facts import person_ids_by_username, service_facts, usernames_of
from domain.pipelines import promotion_lifecycle as lifecycle
from domain.pipelines import promotion_repository as repo
from domain.pipelines.decision_rules import ApprovalFacts, ChangeFacts, Decision, conflicts
from domain.pipelines.gather import Ask, take_snapshot
from domain.pipelines.judge import judge
from domain.pipelines.promotion_commands import ApprovePromotion, AskPromotion, Change
from domain.pipelines.promotion_commands import PromotionErrorCode as Code
from domain.pipelines.promotion_models import Promotion, PromotionApproval
from domain.pipelines.snapshot import Snapshot, with_approvals
from domain.pipelines.snapshot_cache import SnapshotCache

MAX_CHANGES = 200
MAX_NOTE = 2000
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+\-]{0,127}$")
_REF = re.compile(r"^\S{1,200}$")


def check_version(value: str) -> str:
    value = value.strip()
    if not _VERSION.match(value):
        raise DomainError(
            "An artifact version is 1-128 letters, digits, dots, dashes, pluses or underscores.",
            code=Code.INVALID_ARTIFACT_VERSION,
            field="artifactVersion",
        )
    return value


async def _changes(session: Any, changes: Sequence[Change]) -> list[dict[str, Any]]:
    """The changes with their people resolved: [{ref, authors: [{id, username}], reviewers}]."""
    if len(changes) > MAX_CHANGES:
        raise DomainError(
            f"At most {MAX_CHANGES} changes per promotion.",
            code=Code.TOO_MANY_CHANGES,
            field="changes",
        )
    names = sorted({n for c in changes for n in (*c.authors, *c.reviewers)})
    found = await person_ids_by_username(session, names)
    unknown = [n for n in names if n not in found]
    if unknown:
        raise DomainError(
            f"Unknown people in the changes: {', '.join(unknown)}.",
            code=Code.UNKNOWN_PERSON,
            field="changes",
        )
    out = []
    for c in changes:
        if not _REF.match(c.ref):
            raise DomainError(
                "A change ref is 1-200 characters without spaces.",
                code=Code.INVALID_CHANGE,
                field="changes",
            )
        out.append(
            {
                "ref": c.ref,
                "authors": [{"id": str(found[n]), "username": n} for n in sorted(set(c.authors))],
                "reviewers": [
                    {"id": str(found[n]), "username": n} for n in sorted(set(c.reviewers))
                ],
            }
        )
    return out


def _change_facts(changes: Sequence[dict[str, Any]]) -> tuple[ChangeFacts, ...]:
    return tuple(
        ChangeFacts(
            c["ref"],
            frozenset(uuid.UUID(a["id"]) for a in c["authors"]),
            frozenset(uuid.UUID(r["id"]) for r in c["reviewers"]),
        )
        for c in changes
    )


def document(s: Snapshot, d: Decision, now: datetime) -> dict[str, Any]:
    """The decision as recorded: verdict, summary and every gate with its evidence."""
    return {
        "allowed": d.allowed,
        "summary": d.summary,
        "decidedAt": now.isoformat(),
        "asOf": (d.as_of or now).isoformat(),
        "serviceKey": s.service_key,
        "environmentKey": s.environment_key,
        "artifactVersion": s.artifact_version,
        "releaseId": str(s.release_id) if s.release_id else None,
        "riskLevel": s.risk_level,
        "gates": [
            {
                "gate": o.gate,
                "status": str(o.status),
                "reason": o.reason,
                "evidence": dict(o.evidence),
                "waivedBy": str(o.waived_by) if o.waived_by else None,
            }
            for o in d.outcomes
        ],
    }


async def evaluate(
    r: Reader, c: AskPromotion, now: datetime, cache: SnapshotCache | None = None
) -> tuple[Snapshot, Decision]:
    """The decision for an artifact, target and (optional) release now; nothing recorded.
    With a cache, a snapshot a few seconds old may answer (see snapshot_cache): the decision's
    `as_of` says when its facts were gathered. Without one (`fresh`), they are gathered now."""
    service = await service_facts(r.session, c.service_id)
    if service is None or not r.may_read(Resource.SERVICE, service.bu_id):
        raise NotFound("Service was not found.", field="serviceId")
    if r.authorizer.check(r.actor, Action.EVALUATE, Resource.PROMOTION, service.bu_id) is None:
        raise Forbidden("You may not ask for promotion decisions here.")
    changes = _change_facts(await _changes(r.session, c.changes))
    ask = Ask(
        service.id,
        c.environment_id,
        check_version(c.artifact_version),
        c.release_id,
        r.actor.person_id,
        changes,
    )
    read = {service.id: service}
    if cache is None:
        s = await take_snapshot(r.session, ask, now, services=read)
    else:
        s = await cache.get(ask, now, lambda: take_snapshot(r.session, ask, now, services=read))
    return s, judge(s, now)


async def request_promotion(uow: UnitOfWork, c: AskPromotion) -> tuple[Promotion, Decision]:
    """Ask for a promotion: decided at once, recorded with every gate in the audit trail."""
    service = await service_facts(uow.session, c.service_id)
    if service is None or not uow.scope(Action.READ, Resource.SERVICE).allows(service.bu_id):
        raise NotFound("Service was not found.", field="serviceId")
    rule = uow.authorize(Action.CREATE, Resource.PROMOTION, service.bu_id)
    version = check_version(c.artifact_version)
    changes = await _changes(uow.session, c.changes)
    now = uow.clock.now()
    ask = Ask(service.id, c.environment_id, version, c.release_id, uow.actor.person_id)
    s = await take_snapshot(
        uow.session, _with_changes(ask, changes), now, services={service.id: service}
    )
    decision = judge(s, now)
    promotion = Promotion(
        bu_id=service.bu_id,
        service_id=service.id,
        environment_id=s.environment_id,
        release_id=s.release_id,
        artifact_version=version,
        requested_by_id=uow.actor.person_id,
        changes=changes,
        status=str(decision.status),
        summary=decision.summary,
        decision=document(s, decision, now),
        decided_at=now,
        expires_at=lifecycle.expiry(now, int(s.guardrails[lifecycle.EXPIRY_KEY])),
        created_at=now,
        updated_at=now,
    )
    await uow.created(promotion, action="promotion.request", bu_id=service.bu_id, rule=rule)
    await _record_uses(uow, decision, s, rule)
    return promotion, decision


def _with_changes(ask: Ask, changes: Sequence[dict[str, Any]]) -> Ask:
    return Ask(
        ask.service_id,
        ask.environment_id,
        ask.artifact_version,
        ask.release_id,
        ask.requester_id,
        _change_facts(changes),
    )


async def _visible_promotion(uow: UnitOfWork, promotion_id: uuid.UUID) -> Promotion:
    promotion = await repo.get_promotion(uow.session, promotion_id)
    if promotion is None or not uow.scope(Action.READ, Resource.PROMOTION).allows(promotion.bu_id):
        raise NotFound("Promotion was not found.")
    return promotion


async def _snapshot_of(uow: UnitOfWork, promotion: Promotion, now: datetime) -> Snapshot:
    ask = Ask(
        promotion.service_id,
        promotion.environment_id,
        promotion.artifact_version,
        promotion.release_id,
        promotion.requested_by_id,
        _change_facts(promotion.changes),
    )
    rows = await repo.approvals_of(uow.session, promotion.id)
    names = await usernames_of(uow.session, [r.approver_id for r in rows])
    approvals = [
        ApprovalFacts(r.id, r.approver_id, names[r.approver_id], r.approved_at) for r in rows
    ]
    return await take_snapshot(uow.session, ask, now, approvals)


async def _redecide(
    uow: UnitOfWork, promotion: Promotion, s: Snapshot, rule: str, now: datetime
) -> Decision:
    decision = judge(s, now)
    before = row_snapshot(promotion)
    promotion.status = str(decision.status)
    promotion.summary = decision.summary
    promotion.decision = document(s, decision, now)
    promotion.decided_at = now
    await uow.updated(
        promotion, before, action="promotion.decide", bu_id=promotion.bu_id, rule=rule
    )
    await _record_uses(uow, decision, s, rule)
    return decision


async def approve_promotion(uow: UnitOfWork, c: ApprovePromotion) -> tuple[Promotion, Decision]:
    """Approve a promotion: never by its requester, nor by an author or reviewer of any change
    in it (segregation of duties across the whole chain)."""
    promotion = await _visible_promotion(uow, c.promotion_id)
    rule = await _approval_rule(uow, promotion)
    expect_version(promotion, c.version, "The promotion")
    lifecycle.check_open(promotion, uow.clock.now())
    if uow.actor.person_id is None:
        raise Forbidden("Only a person approves a promotion.")
    if len(c.note) > MAX_NOTE:
        raise DomainError("The note is too long.", code=Code.NOTE_TOO_LONG, field="note")
    now = uow.clock.now()
    s = await _snapshot_of(uow, promotion, now)
    reasons = conflicts(uow.actor.person_id, s.chain)
    if reasons:
        what = {"SOD_REQUESTER": "requested", "SOD_AUTHOR": "wrote", "SOD_REVIEWER": "reviewed"}
        raise DomainError(
            f"Segregation of duties: you {what[reasons[0]]} a change in this promotion, so "
            "someone else approves it.",
            code=Code(reasons[0]),
        )
    if any(a.approver_id == uow.actor.person_id for a in s.approvals):
        raise AlreadyExists("You already approved this promotion.")
    approval = PromotionApproval(
        promotion_id=promotion.id,
        approver_id=uow.actor.person_id,
        approved_at=now,
        note=c.note.strip(),
    )
    await uow.created(approval, action="promotion_approval.give", bu_id=promotion.bu_id, rule=rule)
    facts = ApprovalFacts(approval.id, uow.actor.person_id, uow.actor.username, now)
    s = with_approvals(s, (*s.approvals, facts))
    return promotion, await _redecide(uow, promotion, s, rule, now)


async def _approval_rule(uow: UnitOfWork, promotion: Promotion) -> str:
    """The role that lets the actor approve, or the service's delegation pool (guardrails)."""
    rule = uow.authorizer.check(uow.actor, Action.APPROVE, Resource.PROMOTION, promotion.bu_id)
    if rule is not None:
        return rule
    found = await guardrails_of_services(uow.session, [promotion.service_id])
    pool = found[promotion.service_id].values["approval_delegates"]
    if uow.actor.person_id is not None and uow.actor.username in pool.value:
        return (
            f"delegation pool: approval_delegates of {pool.source} (version {pool.source_version})"
        )
    raise Forbidden("You may not approve promotions here.")


async def decide_promotion(uow: UnitOfWork, promotion_id: uuid.UUID) -> tuple[Promotion, Decision]:
    """Decide a promotion again now (evidence arrived, a freeze ended, a board decided)."""
    promotion = await _visible_promotion(uow, promotion_id)
    rule = uow.authorize(Action.CREATE, Resource.PROMOTION, promotion.bu_id)
    now = uow.clock.now()
    lifecycle.check_open(promotion, now)
    s = await _snapshot_of(uow, promotion, now)
    return promotion, await _redecide(uow, promotion, s, rule, now)


async def _record_uses(uow: UnitOfWork, decision: Decision, s: Snapshot, rule: str) -> None:
    """Every waived gate of an allowed decision is a use of its bypass, recorded under the
    promotion's rule (whoever completes the decision, CI or an approver)."""
    if not decision.allowed:
        return
    used = {b.id: b for b in decision.used_bypasses}
    for outcome in decision.outcomes:
        if outcome.waived_by is not None:
            row = await bypasses.bypass_row(uow.session, outcome.waived_by)
            await bypasses.record_use(
                uow,
                row,
                UseBypass(
                    bypass_id=outcome.waived_by,
                    gate=outcome.gate,
                    environment_id=s.environment_id,
                    note=f"Promotion of {s.service_key} {s.artifact_version} to "
                    f"{s.environment_key}.",
                ),
                f"{rule}; the decision applied bypass {used[outcome.waived_by].id}",
            )
