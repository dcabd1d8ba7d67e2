"""Where changes fail, in the living world: the rewards team pushes configuration changes by
hand (reported as change reports), and five of its last six were followed within the hour by an
incident attribution blames on them (SEV3 and SEV4, below the post-mortem threshold);
the in-app content team's four vendor releases went well. So `changeFailures` shows `config`
standing out (5 of 6 failed, about twice the overall rate), with a peer review, an SRE readiness
review or deeper testing for config changes suggested for Retail's guardrails, one step from a
policy proposal (`proposeFromChangeFailures`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.insights import ledger_projection
from domain.kernel.uow import UnitOfWork
from domain.pipelines import incident_facts
from domain.pipelines import incident_service as incidents
from domain.postrelease import attribution_service as attribution

if TYPE_CHECKING:
    from api.runtime import Runtime

CONFIG_DAYS_AGO = (50, 41, 33, 24, 16, 8)
"""The rewards team's configuration pushes; each but the one 24 days ago caused an incident."""
SEVERITIES = {50: "SEV3", 41: "SEV4", 33: "SEV3", 16: "SEV3", 8: "SEV4"}
VENDOR_DAYS_AGO = (45, 30, 20, 12)
PUSHES = (
    "Rewards: points multiplier cache TTL 300s -> 5s",
    "Rewards: partner catalogue endpoint switched to v2",
    "Rewards: batch size of the nightly accrual 500 -> 5000",
    "Rewards: retry budget of the partner client 3 -> 0",
    "Rewards: campaign rules reloaded without the schema check",
    "Rewards: connection pool size 50 -> 5",
)


def _at(now: datetime, days: int) -> datetime:
    return (now - timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


async def _changes(uow: UnitOfWork, cast: Cast) -> None:
    now = uow.clock.now()
    for days, summary in zip(CONFIG_DAYS_AGO, PUSHES, strict=True):
        at = _at(now, days)
        change = attribution.ReportChange(
            cast.services["rewards"], "configuration", summary, at, f"CHG-RW-{days}"
        )
        await attribution.report_change(uow, change)
        if days in SEVERITIES:
            made = incidents.ReportIncident(
                cast.services["rewards"],
                SEVERITIES[days],
                f"INC-RW-{days}",
                f"Rewards degraded after: {summary}",
                at + timedelta(minutes=40),
            )
            incident = await incidents.report_incident(uow, made)
            # attributed now: the sweep looks back only a few days
            found = await incident_facts.incidents(uow.session, [incident.id])
            await attribution.attribute(uow, found[incident.id])
    for days in VENDOR_DAYS_AGO:
        release = attribution.ReportChange(
            cast.services["feature-content"],
            "vendor_release",
            f"MobileKit SDK patch release ({days} days ago)",
            _at(now, days),
            f"MK-{days}",
        )
        await attribution.report_change(uow, release)


async def load_change_failures(runtime: Runtime, cast: Cast) -> None:
    """The rewards team's changes and incidents, attributed, then the ledger's sweep."""
    run = runtime.units.run
    await run(lambda uow: _changes(uow, cast), actor=cast.actor("retail-admin"))
    since = runtime.clock.now() - timedelta(days=400)
    await run(lambda uow: ledger_projection.catch_up(uow, since=since))
