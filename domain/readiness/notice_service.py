"""Use cases of downtime communication: issue a notice, acknowledge it, escalate the silence.

Issuing marks the release breaking (or down for a window), computes its audience through the
dependency graph once (every downstream service, transitively, and the teams owning them),
and puts the notices in the outbox in the same unit of work: one signed-webhook event per BU
told, one e-mail per subscribed address. A team acknowledges through GraphQL (someone allowed
to `sign` downtime notices in the team's BU) or through the signed link its contacts got.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from domain.governance import facts as governance_facts
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel import outbox
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.readiness import notice_commands as cmd
from domain.readiness import notice_messages as messages
from domain.readiness import notice_repository as repo
from domain.readiness import notice_rules as rules
from domain.readiness.notice_errors import NoticeErrorCode as Code
from domain.readiness.notice_models import DowntimeNotice, DowntimeRecipient

CLOSED = frozenset(
    {
        ReleaseStatus.DEPLOYED,
        ReleaseStatus.ROLLED_BACK,
        ReleaseStatus.CANCELLED,
        ReleaseStatus.REJECTED,
    }
)
MAX_DEPTH = 64
"""Levels of consumers followed at most (a dependency graph is never this deep)."""


async def downstream_of(uow: UnitOfWork, shipped: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Every service consuming `shipped`, transitively: one statement per level of the graph."""
    edges: list[tuple[uuid.UUID, uuid.UUID]] = []
    frontier, known = set(shipped), set(shipped)
    for _ in range(MAX_DEPTH):
        if not frontier:
            break
        found = await org_facts.dependencies_touching(uow.session, frontier)
        level = [(c, p) for c, p in found if p in frontier]
        edges.extend(level)
        frontier = {c for c, _ in level} - known
        known |= frontier
    return rules.downstream(shipped, edges)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a release's notice reaches: what it ships, the services downstream, their teams."""

    shipped: list[uuid.UUID]
    services: dict[uuid.UUID, org_facts.ServiceFacts]
    owners: dict[uuid.UUID, list[uuid.UUID]]
    teams: dict[uuid.UUID, org_facts.TeamFacts]

    @property
    def downstream(self) -> list[uuid.UUID]:
        return sorted((s for ids in self.owners.values() for s in ids), key=str)


async def audience(uow: UnitOfWork, release_id: uuid.UUID) -> Audience:
    """The audience of a release's notice; RELEASE_HAS_NO_SERVICES when it ships nothing."""
    shipped = await governance_facts.shipped_service_ids(uow.session, release_id)
    if not shipped:
        raise DomainError(
            "The release ships no service yet; add its services before announcing downtime.",
            code=Code.RELEASE_HAS_NO_SERVICES,
            field="releaseId",
        )
    affected = await downstream_of(uow, shipped)
    services = await org_facts.services(uow.session, affected | set(shipped))
    owners = rules.teams_to_tell({s: services[s].team_id for s in affected if s in services})
    teams = await org_facts.teams(uow.session, owners)
    return Audience(shipped, services, {t: s for t, s in owners.items() if t in teams}, teams)


async def _checked(
    uow: UnitOfWork, c: cmd.IssueNotice, release: governance_facts.ReleaseSummary, now: datetime
) -> tuple[rules.NoticeKind, str, str]:
    """The notice's kind, impact and contact, checked; refused on a closed or noticed release."""
    kind = rules.check_kind(c.kind)
    rules.check_window(c.window_starts_at, c.window_ends_at, now)
    impact, contact = rules.check_impact(c.impact), rules.check_contact(c.contact)
    if release.status in CLOSED:
        raise DomainError(
            f"The release is {release.status}; there is nothing left to announce.",
            code=Code.RELEASE_CLOSED,
            field="releaseId",
        )
    if await repo.notice_of_release(uow.session, release.id) is not None:
        raise AlreadyExists(
            "The release already has a downtime notice.", code=Code.NOTICE_EXISTS, field="releaseId"
        )
    return kind, impact, contact


def _recipients(notice_id: uuid.UUID, told: Audience) -> list[DowntimeRecipient]:
    return [
        DowntimeRecipient(
            id=uuid.uuid4(),
            notice_id=notice_id,
            team_id=team_id,
            bu_id=told.teams[team_id].bu_id,
            service_ids=[str(s) for s in service_ids],
        )
        for team_id, service_ids in sorted(told.owners.items(), key=lambda t: str(t[0]))
    ]


async def issue(uow: UnitOfWork, c: cmd.IssueNotice) -> DowntimeNotice:
    """Mark a release breaking or down for a window and tell every downstream team."""
    release = await governance_facts.release(
        uow.session,
        c.release_id,
        readable_in=uow.scope(Action.READ, Resource.RELEASE),
        for_update=True,
    )
    rule = uow.authorize(Action.CREATE, Resource.DOWNTIME_NOTICE, release.bu_id)
    now = uow.clock.now()
    kind, impact, contact = await _checked(uow, c, release, now)
    told = await audience(uow, release.id)
    notice = DowntimeNotice(
        id=uuid.uuid4(),
        release_id=release.id,
        bu_id=release.bu_id,
        kind=str(kind),
        window_starts_at=c.window_starts_at,
        window_ends_at=c.window_ends_at,
        impact=impact,
        contact=contact,
        downstream_service_ids=[str(s) for s in told.downstream],
        issued_at=now,
        issued_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    recipients = _recipients(notice.id, told)
    await uow.created(
        notice,
        action="downtime_notice.issue",
        bu_id=release.bu_id,
        rule=rule,
        extra={"teams": [str(r.team_id) for r in recipients]},
    )
    uow.session.add_all(recipients)
    await uow.session.flush()
    keys = {s.id: s.key for s in told.services.values()}
    await _tell(uow, notice_text(notice, release.title), recipients, told.teams, keys, told.shipped)
    return notice


def notice_text(notice: DowntimeNotice, title: str) -> messages.NoticeText:
    """What every message of the notice repeats."""
    return messages.NoticeText(
        notice_id=notice.id,
        release_id=notice.release_id,
        release_title=title,
        kind=notice.kind,
        window_starts_at=notice.window_starts_at,
        window_ends_at=notice.window_ends_at,
        impact=notice.impact,
        contact=notice.contact,
    )


async def _tell(
    uow: UnitOfWork,
    text: messages.NoticeText,
    recipients: list[DowntimeRecipient],
    teams: dict[uuid.UUID, org_facts.TeamFacts],
    keys: dict[uuid.UUID, str],
    shipped: Collection[uuid.UUID],
) -> None:
    """The notices into the outbox: a webhook event per BU told, an e-mail per subscriber."""
    now, notice_id = uow.clock.now(), text.notice_id
    by_bu: dict[uuid.UUID, list[dict[str, object]]] = {}
    for r in recipients:
        team = teams[r.team_id]
        services = [keys.get(uuid.UUID(s), s) for s in r.service_ids]
        by_bu.setdefault(r.bu_id, []).append(
            {"teamId": str(team.id), "team": team.key, "services": services}
        )
    for bu_id, told in sorted(by_bu.items(), key=lambda t: str(t[0])):
        await outbox.enqueue(
            uow.session,
            topic=messages.ISSUED_TOPIC,
            key=f"downtime_notice:{notice_id}:issued:{bu_id}",
            payload=messages.webhook_event(messages.ISSUED_TOPIC, text, told),
            now=now,
            bu_id=bu_id,
        )
    of_team = {r.team_id: r for r in recipients}
    affected = {uuid.UUID(s) for r in recipients for s in r.service_ids} | set(shipped)
    for sub in await repo.subscriptions_for(uow.session, of_team, affected):
        recipient = of_team.get(sub.subject_id) if sub.subject == "team" else None
        services = (
            [keys.get(uuid.UUID(s), s) for s in recipient.service_ids]
            if recipient
            else [keys.get(sub.subject_id, str(sub.subject_id))]
        )
        await outbox.enqueue(
            uow.session,
            topic=messages.ISSUED_TOPIC,
            key=f"downtime_notice:{notice_id}:email:{sub.id}",
            payload=messages.email(text, sub.email, services, recipient.id if recipient else None),
            now=now,
            bu_id=sub.bu_id,
            destination=messages.EMAIL_DESTINATION,
        )
