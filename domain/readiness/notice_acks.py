"""Use cases answering a downtime notice: a team acknowledges (GraphQL or signed link), a
release manager escalates the silence once the notice period passed, people subscribe."""

from __future__ import annotations

import uuid

from domain.governance import facts as governance_facts
from domain.guardrails.facts import guardrails_of_services
from domain.kernel import outbox
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import described, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.readiness import notice_commands as cmd
from domain.readiness import notice_messages as messages
from domain.readiness import notice_repository as repo
from domain.readiness import notice_rules as rules
from domain.readiness import notice_service
from domain.readiness.notice_errors import NoticeErrorCode as Code
from domain.readiness.notice_models import DowntimeNotice, DowntimeRecipient, DowntimeSubscription

LINK_RULE = "signed acknowledgement link"


async def _visible_notice(
    uow: UnitOfWork, notice_id: uuid.UUID, *, for_update: bool = False
) -> DowntimeNotice:
    scope = uow.scope(Action.READ, Resource.DOWNTIME_NOTICE)
    return await get_readable(
        uow.session,
        DowntimeNotice,
        notice_id,
        scope,
        what="Downtime notice",
        field="noticeId",
        for_update=for_update,
    )


async def _acknowledge(
    uow: UnitOfWork, notice: DowntimeNotice, recipient: DowntimeRecipient, via: str, rule: str
) -> DowntimeRecipient:
    """Record the team's acknowledgement (a second one changes nothing)."""
    if recipient.acknowledged_at is not None:
        return recipient
    before = snapshot(recipient)
    recipient.acknowledged_at = uow.clock.now()
    recipient.acknowledged_by_id = uow.actor.person_id
    recipient.acknowledged_via = via
    await uow.session.flush()
    uow.record(
        action="downtime_notice.acknowledge",
        entity_type="downtime_notice",
        entity_id=notice.id,
        bu_id=recipient.bu_id,
        rule=rule,
        before=before,
        after=snapshot(recipient),
    )
    return recipient


async def acknowledge(uow: UnitOfWork, c: cmd.AcknowledgeNotice) -> DowntimeRecipient:
    """A member of a team told acknowledges the notice for the team. The notice reads where
    the release's BU does, and for the teams it was sent to (a consumer in another BU)."""
    team = await org_facts.team(
        uow.session, c.team_id, readable_in=uow.scope(Action.READ, Resource.TEAM)
    )
    notice = await repo.get_notice(uow.session, c.notice_id)
    recipient = await repo.recipient_of_team(uow.session, notice.id, team.id) if notice else None
    readable = uow.scope(Action.READ, Resource.DOWNTIME_NOTICE)
    if notice is None or not (
        readable.allows(notice.bu_id) or (recipient is not None and readable.allows(team.bu_id))
    ):
        raise NotFound("Downtime notice was not found.", field="noticeId")
    rule = uow.authorize(Action.SIGN, Resource.DOWNTIME_NOTICE, team.bu_id)
    if recipient is None:
        raise DomainError(
            f"Team {team.key} was not told of this notice: none of its services is downstream.",
            code=Code.NOT_A_RECIPIENT,
            field="teamId",
        )
    return await _acknowledge(uow, notice, recipient, "graphql", rule)


async def acknowledge_by_link(uow: UnitOfWork, recipient_id: uuid.UUID) -> DowntimeRecipient:
    """The team's contact followed the signed link (checked by the caller) it was mailed."""
    recipient = await repo.get_recipient(uow.session, recipient_id, for_update=True)
    notice = await repo.get_notice(uow.session, recipient.notice_id) if recipient else None
    if recipient is None or notice is None:
        raise NotFound("That acknowledgement is no longer asked for.")
    return await _acknowledge(uow, notice, recipient, "link", LINK_RULE)


async def escalate(uow: UnitOfWork, c: cmd.EscalateNotice) -> DowntimeNotice:
    """Record that the teams still silent after the notice period were escalated (to their
    management, through the outbox), which lets the gate pass."""
    notice = await _visible_notice(uow, c.notice_id, for_update=True)
    rule = uow.authorize(Action.UPDATE, Resource.DOWNTIME_NOTICE, notice.bu_id)
    expect_version(notice, c.version, "The downtime notice")
    if notice.escalated_at is not None:
        raise DomainError("The notice is already escalated.", code=Code.ALREADY_ESCALATED)
    facts = await repo.notice_facts(uow.session, notice.release_id)
    silent = facts.waiting_for if facts else []
    if not silent:
        raise DomainError(
            "Every team told has acknowledged; there is nothing to escalate.",
            code=Code.NOTHING_TO_ESCALATE,
        )
    now = uow.clock.now()
    period = await _period_hours(uow, notice.release_id)
    if facts is not None and not rules.period_over(facts, period, now):
        raise DomainError(
            f"The notice period of {period} h has not passed; the teams may still answer.",
            code=Code.NOTICE_PERIOD_RUNNING,
        )
    before = snapshot(notice)
    notice.escalated_at = now
    notice.escalated_by_id = uow.actor.person_id
    notice.escalation_note = described(c.note, "note")
    await uow.updated(
        notice, before, action="downtime_notice.escalate", bu_id=notice.bu_id, rule=rule
    )
    release = await governance_facts.release(uow.session, notice.release_id)
    text = notice_service.notice_text(notice, release.title)
    teams = await org_facts.teams(uow.session, [uuid.UUID(t) for t in silent])
    for bu_id in sorted({t.bu_id for t in teams.values()} | {notice.bu_id}, key=str):
        told = [{"teamId": str(t.id), "team": t.key} for t in teams.values() if t.bu_id == bu_id]
        await outbox.enqueue(
            uow.session,
            topic=messages.ESCALATED_TOPIC,
            key=f"downtime_notice:{notice.id}:escalated:{bu_id}",
            payload=messages.webhook_event(
                messages.ESCALATED_TOPIC, text, told, note=notice.escalation_note
            ),
            now=now,
            bu_id=bu_id,
        )
    return notice


async def _period_hours(uow: UnitOfWork, release_id: uuid.UUID) -> int:
    """The longest notice period the guardrails of the release's services ask for."""
    shipped = await governance_facts.shipped_service_ids(uow.session, release_id)
    effective = await guardrails_of_services(uow.session, shipped)
    return max((int(g[rules.PERIOD_KEY]) for g in effective.values()), default=0)


# -- subscriptions -------------------------------------------------------------------------


async def subscribe(uow: UnitOfWork, c: cmd.Subscribe) -> DowntimeSubscription:
    """Have an address told of downtime touching a team's services or a service."""
    try:
        subject = rules.SubscriptionSubject(c.subject)
    except ValueError:
        raise DomainError(
            "Subscribe to a team or a service.", code=Code.INVALID_SUBJECT, field="subjectId"
        ) from None
    if subject is rules.SubscriptionSubject.TEAM:
        bu_id = (
            await org_facts.team(
                uow.session, c.subject_id, readable_in=uow.scope(Action.READ, Resource.TEAM)
            )
        ).bu_id
    else:
        bu_id = (
            await org_facts.service(
                uow.session, c.subject_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
            )
        ).bu_id
    rule = uow.authorize(Action.CREATE, Resource.DOWNTIME_SUBSCRIPTION, bu_id)
    email = rules.check_email(c.email)
    if await repo.subscription_exists(uow.session, str(subject), c.subject_id, email):
        raise AlreadyExists(
            f"{email} is already subscribed.", code=Code.SUBSCRIPTION_EXISTS, field="email"
        )
    sub = DowntimeSubscription(
        id=uuid.uuid4(),
        subject=str(subject),
        subject_id=c.subject_id,
        bu_id=bu_id,
        email=email,
        created_at=uow.clock.now(),
        created_by_id=uow.actor.person_id,
    )
    await uow.created(sub, action="downtime_subscription.create", bu_id=bu_id, rule=rule)
    return sub


async def unsubscribe(uow: UnitOfWork, subscription_id: uuid.UUID) -> DowntimeSubscription:
    """Stop telling an address."""
    sub = await get_readable(
        uow.session,
        DowntimeSubscription,
        subscription_id,
        uow.scope(Action.READ, Resource.DOWNTIME_SUBSCRIPTION),
        what="Downtime subscription",
        field="id",
    )
    rule = uow.authorize(Action.DELETE, Resource.DOWNTIME_SUBSCRIPTION, sub.bu_id)
    await uow.deleted(sub, action="downtime_subscription.delete", bu_id=sub.bu_id, rule=rule)
    return sub
