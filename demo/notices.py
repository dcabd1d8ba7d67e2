"""Downtime notices in the demo: the network-tokens release (breaking the ledger and card
gateway APIs) has told every team downstream, across payments and retail, and waits for two
retail teams; the settlement cut-off move (30 minutes of settlement downtime) is acknowledged
by both teams it reaches. Teams' contacts and a finance stakeholder are subscribed, so the
outbox holds their e-mails (sent when SMTP is configured). Every other release declares none.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.readiness import notice_acks, notice_service
from domain.readiness import notice_commands as cmd
from domain.readiness import notice_repository as repo

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


async def load_notices(runtime: Runtime, cast: Cast, releases: dict[str, uuid.UUID]) -> None:
    """Subscriptions, two notices and their acknowledgements, each by the person who would."""
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
        async with runtime.db.read_session() as session:
            notice = await repo.notice_of_release(session, releases[key])
        assert notice is not None
        for team, who in ACKNOWLEDGED_BY[key]:
            ack = cmd.AcknowledgeNotice(notice_id=notice.id, team_id=cast.teams[team])
            await run(lambda uow, ack=ack: notice_acks.acknowledge(uow, ack), actor=cast.actor(who))
