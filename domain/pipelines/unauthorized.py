"""Production only through an allowed promotion.

Every production deployment, whatever reported it (a deployment planned through GraphQL, a
CDEvent `service.deployed` or `service.upgraded`, an Alertmanager alert naming the version
running in production), is either linked to the allowed promotion it carries out (see the
matching rule in `unauthorized_rules`) or recorded as an unauthorized change, OPEN until the
RMO reviews it. When the service's guardrail `unauthorized_change_alert` is on, an unauthorized
change also puts one incident-like event into the outbox, in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from domain.environments import facts as env_facts
from domain.governance import facts as governance_facts
from domain.guardrails.effective import effective_for_service
from domain.kernel import outbox
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import unauthorized_repository as repo
from domain.pipelines import unauthorized_rules as rules
from domain.pipelines import webhooks
from domain.pipelines.unauthorized_errors import UnauthorizedChangeErrorCode as Code
from domain.pipelines.unauthorized_models import PromotionLink, UnauthorizedChange
from domain.pipelines.vocabulary import ChangeSource, PromotionStatus, UnauthorizedChangeStatus

DETECTED_TOPIC = str(webhooks.WebhookTopic.UNAUTHORIZED_CHANGE_DETECTED)


@dataclass(frozen=True, slots=True)
class ProductionDeployment:
    """A deployment to a production environment as reported, whatever the path."""

    reported: rules.Reported
    bu_id: uuid.UUID
    source: ChangeSource
    deployed_by_id: uuid.UUID | None
    deployed_by: str
    deployment_id: uuid.UUID | None = None
    deployment_report_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ReviewChange:
    change_id: uuid.UUID
    version: int
    finding: str


Outcome = PromotionLink | UnauthorizedChange


async def link_or_flag(
    uow: UnitOfWork, d: ProductionDeployment, rule: str, *, strict: bool
) -> Outcome:
    """Link the deployment to the allowed promotion it carries out, or record it as an
    unauthorized change. `strict`: a named promotion or release that contradicts the report
    is refused (the caller can still fix it) instead of recorded."""
    d = await _known_release(uow, d, strict=strict)
    found = rules.match(d.reported, await repo.candidates(uow.session, d.reported))
    if found.mismatch is not None and strict:
        field = "releaseId" if found.mismatch is Code.RELEASE_MISMATCH else "promotionId"
        raise DomainError(found.reason, code=found.mismatch, field=field)
    if found.promotion is not None:
        link = PromotionLink(
            **_about(d, found.release_id),
            promotion_id=found.promotion.id,
            named=d.reported.promotion_id is not None,
            linked_at=uow.clock.now(),
        )
        await uow.created(link, action="promotion_link.create", bu_id=d.bu_id, rule=rule)
        return link
    return await _flag(uow, d, found, rule)


async def _flag(
    uow: UnitOfWork, d: ProductionDeployment, found: rules.Match, rule: str
) -> UnauthorizedChange:
    now = uow.clock.now()
    alert = await _alert_on(uow, d.reported.service_id)
    change = UnauthorizedChange(
        **_about(d, found.release_id),
        named_promotion_id=d.reported.promotion_id if found.mismatch is None else None,
        reason=found.reason,
        deployed_by_id=d.deployed_by_id,
        deployed_by=d.deployed_by,
        detected_at=now,
        alerted=alert,
        status=str(UnauthorizedChangeStatus.OPEN),
        finding="",
        created_at=now,
        updated_at=now,
    )
    await uow.created(change, action="unauthorized_change.detect", bu_id=d.bu_id, rule=rule)
    if alert:
        await _emit_detected(uow, change, now)
    return change


async def _known_release(
    uow: UnitOfWork, d: ProductionDeployment, *, strict: bool
) -> ProductionDeployment:
    """The report with its named release kept only when it is a release of the service's BU:
    refused (strict) or dropped, so the change never names a release that is not there."""
    named = d.reported.release_id
    if named is None:
        return d
    found = (await governance_facts.releases(uow.session, [named])).get(named)
    if found is not None and found.bu_id == d.bu_id:
        return d
    if strict:
        raise DomainError(
            "The release the report names does not exist in the service's business unit.",
            code=Code.RELEASE_MISMATCH,
            field="releaseId",
        )
    return replace(d, reported=replace(d.reported, release_id=None))


async def flag_observed(
    uow: UnitOfWork, d: ProductionDeployment, rule: str
) -> UnauthorizedChange | None:
    """A version seen running in production (an alert names it): recorded as an unauthorized
    change once, when no allowed promotion covers it; nothing is linked, nothing repeated."""
    found = rules.match(d.reported, await repo.candidates(uow.session, d.reported))
    if found.promotion is not None or await repo.change_seen(uow.session, d.reported):
        return None
    return await _flag(uow, d, found, rule)


def _about(d: ProductionDeployment, release_id: uuid.UUID | None) -> dict[str, object]:
    return {
        "bu_id": d.bu_id,
        "release_id": release_id,
        "service_id": d.reported.service_id,
        "environment_id": d.reported.environment_id,
        "artifact_version": d.reported.artifact_version,
        "source": str(d.source),
        "deployment_id": d.deployment_id,
        "deployment_report_id": d.deployment_report_id,
    }


async def mark_promoted(uow: UnitOfWork, link: PromotionLink, rule: str) -> None:
    """A CD tool reported the deployment: its promotion is PROMOTED (once)."""
    promotion = await repo.promotion_for_update(uow.session, link.promotion_id)
    if not rules.promotes(promotion.status):
        return
    before = snapshot(promotion)
    promotion.status = str(PromotionStatus.PROMOTED)
    promotion.updated_at = uow.clock.now()
    await uow.updated(
        promotion, before, action="promotion.promote", bu_id=promotion.bu_id, rule=rule
    )


async def _alert_on(uow: UnitOfWork, service_id: uuid.UUID) -> bool:
    return rules.raises_alert(await effective_for_service(uow.session, service_id))


async def _emit_detected(uow: UnitOfWork, change: UnauthorizedChange, now: datetime) -> None:
    service = await org_facts.service(uow.session, change.service_id, field=None)
    env = await env_facts.environment(uow.session, change.environment_id, field=None)
    event_id = uuid.uuid4()
    event = {
        "id": str(event_id),
        "type": DETECTED_TOPIC,
        "occurredAt": webhooks.rfc3339(now),
        "severity": "critical",
        "summary": f"Unauthorized production change: {service.key} {change.artifact_version} "
        f"in {env.key}.",
        "unauthorizedChange": {
            "id": str(change.id),
            "service": service.key,
            "environment": env.key,
            "artifactVersion": change.artifact_version,
            "releaseId": str(change.release_id) if change.release_id else None,
            "source": change.source,
            "reason": change.reason,
            "deployedBy": change.deployed_by,
        },
    }
    await outbox.enqueue(
        uow.session,
        topic=DETECTED_TOPIC,
        key=f"{DETECTED_TOPIC}:{change.id}",
        payload={"forms": {DETECTED_TOPIC: event}},
        now=now,
        bu_id=change.bu_id,
        message_id=event_id,
    )


async def review_change(uow: UnitOfWork, c: ReviewChange) -> UnauthorizedChange:
    """Review an unauthorized change with its finding: never by the person who deployed it."""
    scope = uow.scope(Action.READ, Resource.UNAUTHORIZED_CHANGE)
    change = await get_readable(
        uow.session,
        UnauthorizedChange,
        c.change_id,
        scope,
        what="Unauthorized change",
        for_update=True,
    )
    rule = uow.authorize(Action.UPDATE, Resource.UNAUTHORIZED_CHANGE, change.bu_id)
    expect_version(change, c.version, "The unauthorized change")
    if change.status != UnauthorizedChangeStatus.OPEN:
        raise DomainError("The change is already reviewed.", code=Code.ALREADY_REVIEWED)
    reviewer = rules.check_reviewer(uow.actor.person_id, change.deployed_by_id)
    finding = rules.check_finding(c.finding)
    before = snapshot(change)
    now = uow.clock.now()
    change.status = str(UnauthorizedChangeStatus.REVIEWED)
    change.reviewed_by_id = reviewer
    change.reviewed_at = now
    change.finding = finding
    change.updated_at = now
    await uow.updated(
        change, before, action="unauthorized_change.review", bu_id=change.bu_id, rule=rule
    )
    return change
