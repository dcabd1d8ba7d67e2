"""Downtime notices in the demo: the network-tokens release (breaking the ledger and card
gateway APIs) has told every team downstream, across payments and retail, and waits for two
retail teams; the settlement cut-off move (30 minutes of settlement downtime) is acknowledged
by both teams it reaches; the 3-D Secure exemptions release (the card gateway read-only while
its exemption tables reload) was announced a notice period and six hours ago, acquiring
acknowledged, the ledger team stayed silent and the release manager escalated the silence.
Teams' contacts and a finance stakeholder are subscribed, so the outbox holds their e-mails
(sent when SMTP is configured). Every other release declares none.

The escalated notice is issued and acknowledged through the use cases, timed by the runtime's
clock moved back (domain.kernel.clock.ShiftedClock): its audit records, outbox messages and
times say when it happened, and the escalation is recorded now.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.governance import facts as governance_facts
from domain.guardrails.facts import guardrails_of_services
from domain.kernel.clock import ShiftedClock
from domain.kernel.uow import UnitOfWork
from domain.readiness import notice_acks, notice_service
from domain.readiness import notice_commands as cmd
from domain.readiness import notice_repository as repo
from domain.readiness import notice_rules as rules
from domain.readiness.notice_models import DowntimeNotice

if TYPE_CHECKING:
    from api.runtime import Runtime

SUBSCRIPTIONS = (
    ("team", "ledger", "ledger-oncall@payments.bank.example", "engineer"),
    ("team", "mobile", "mobile-oncall@retail.bank.example", "retail-admin"),
    ("service", "ledger-core", "finance-ops@bank.example", "release-manager"),
)
NOTICES = {
    "tokens": (
        "breaking",
        (72, 2),
        "The ledger's v1 posting API and card-gateway's PAN fields go away: post with network "
        "tokens through v2. Calls to v1 fail with 410 from the window on.",
    ),
    "cutoff": (
        "unavailability",
        (30, 0.5),
        "Settlement is read-only for 30 minutes while the cut-off moves to 22:00 CET; "
        "payout batches queue and run after the window.",
    ),
}
ACKNOWLEDGED_BY = {
    "tokens": (
        ("acquiring", "engineer"),
        ("ledger", "engineer"),
        ("payouts", "sre"),
        ("cards", "retail-admin"),
    ),
    "cutoff": (("ledger", "sre"), ("payouts", "engineer")),
}
ESCALATED = (
    "exemptions",
    "unavailability",
    "Card-gateway authorizations are declined with 'retry later' for 20 minutes while the "
    "issuers' exemption tables reload; 3-D Secure challenges and disputes' card look-ups fail "
    "meanwhile.",
    ("acquiring", "engineer"),
    "Ledger on-call silent for the whole notice period; raised with the ledger's engineering "
    "manager, who accepts the 20-minute window.",
)
"""(release, kind, impact, (team acknowledging in time, who), escalation note)."""
HOURS_PAST_PERIOD = 6


async def load_notices(runtime: Runtime, cast: Cast, releases: dict[str, uuid.UUID]) -> None:
    """Subscriptions, three notices and their acknowledgements, each by the person who would."""
    run = runtime.units.run
    for subject, key, email, who in SUBSCRIPTIONS:
        subject_id = cast.teams[key] if subject == "team" else cast.services[key]
        c = cmd.Subscribe(subject=subject, subject_id=subject_id, email=email)
        await run(lambda uow, c=c: notice_acks.subscribe(uow, c), actor=cast.actor(who))
    for key, (kind, (in_hours, hours), impact) in NOTICES.items():

        async def announce(
            uow: UnitOfWork,
            key: str = key,
            kind: str = kind,
            at: tuple[float, float] = (in_hours, hours),
            impact: str = impact,
        ) -> None:
            start = uow.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(
                hours=at[0]
            )
            await notice_service.issue(
                uow,
                cmd.IssueNotice(
                    release_id=releases[key],
                    kind=kind,
                    window_starts_at=start,
                    window_ends_at=start + timedelta(hours=at[1]),
                    impact=impact,
                    contact="Marta Lindqvist, payments release manager (#payments-releases)",
                ),
            )

        await run(announce, actor=cast.actor("release-manager"))
        notice = await _notice(runtime, releases[key])
        for team, who in ACKNOWLEDGED_BY[key]:
            ack = cmd.AcknowledgeNotice(notice_id=notice.id, team_id=cast.teams[team])
            await run(lambda uow, ack=ack: notice_acks.acknowledge(uow, ack), actor=cast.actor(who))
    await _load_escalated(runtime, cast, releases)


async def _period_hours(runtime: Runtime, release_id: uuid.UUID) -> int:
    """The notice period the guardrails of the release's services ask for (the longest)."""
    async with runtime.db.read_session() as session:
        shipped = await governance_facts.shipped_service_ids(session, release_id)
        effective = await guardrails_of_services(session, shipped)
    return max(int(g[rules.PERIOD_KEY]) for g in effective.values())


async def _load_escalated(runtime: Runtime, cast: Cast, releases: dict[str, uuid.UUID]) -> None:
    """A notice issued a notice period (and a few hours) ago, acknowledged in time by one team
    and escalated now for the silent rest: the state in which the gate passes on escalation."""
    key, kind, impact, (team, who), note = ESCALATED
    release_id = releases[key]
    period = timedelta(hours=await _period_hours(runtime, release_id) + HOURS_PAST_PERIOD)
    start = runtime.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    issue = cmd.IssueNotice(
        release_id=release_id,
        kind=kind,
        window_starts_at=start,
        window_ends_at=start + timedelta(minutes=20),
        impact=impact,
        contact="Marta Lindqvist, payments release manager (#payments-releases)",
    )
    then = runtime.units.at(ShiftedClock(runtime.clock, period))
    await then.run(
        lambda uow: notice_service.issue(uow, issue), actor=cast.actor("release-manager")
    )
    notice = await _notice(runtime, release_id)
    in_time = runtime.units.at(ShiftedClock(runtime.clock, period - timedelta(hours=3)))
    ack = cmd.AcknowledgeNotice(notice_id=notice.id, team_id=cast.teams[team])
    await in_time.run(lambda uow: notice_acks.acknowledge(uow, ack), actor=cast.actor(who))
    notice = await _notice(runtime, release_id)
    escalation = cmd.EscalateNotice(notice_id=notice.id, version=notice.version, note=note)
    await runtime.units.run(
        lambda uow: notice_acks.escalate(uow, escalation), actor=cast.actor("release-manager")
    )


async def _notice(runtime: Runtime, release_id: uuid.UUID) -> DowntimeNotice:
    async with runtime.db.read_session() as session:
        notice = await repo.notice_of_release(session, release_id)
    assert notice is not None
    return notice
