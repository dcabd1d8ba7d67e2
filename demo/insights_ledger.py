"""The change ledger in the living world: CI reports the commits and pull requests behind the
card gateway's four CD deployments to production-eu (demo/defects.py), and the ledger's sweep
projects every production change the world holds, so `changeLedger` and `doraMetrics` show
lead times broken into steps, the flag flips and configuration changes, and the incidents.

The year before that is history, imported after this sweep (demo/history.py): the other payments
services' deployments and incidents from before they were governed, marked imported in the
ledger and never flagged as unauthorized changes, so the four keys show a year's trends. The
card gateway keeps only this governed story, so its figures stay the ones above."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from demo.defects import DEPLOYED_DAYS_AGO
from domain.insights import ledger_projection, source_commands, source_service

if TYPE_CHECKING:
    from api.runtime import Runtime

ARTIFACT = "pkg:oci/card-gateway@sha256%3A"
# per deployment: (hours from first commit to the PR opened, to the first review, to merge)
STEPS = ((20, 30, 34), (6, 40, 44), (3, 5, 9), (2, 3, 4))


async def load_change_ledger(runtime: Runtime, cast: Cast) -> None:
    """The commits of the card gateway's deployed versions, then the ledger's sweep."""
    now = runtime.clock.now()
    for n, (days, (opened, reviewed, merged)) in enumerate(
        zip(DEPLOYED_DAYS_AGO, STEPS, strict=True), start=1
    ):
        deployed = now - timedelta(days=days)
        first = deployed - timedelta(hours=merged + 6)
        pr = source_commands.PullRequestTimes(
            f"payments/card-gateway#{100 + n}",
            first + timedelta(hours=opened),
            first + timedelta(hours=reviewed),
            first + timedelta(hours=reviewed + 1),
            first + timedelta(hours=merged),
        )
        c = source_commands.RecordSourceChange(
            cast.services["card-gateway"],
            ARTIFACT + f"{n:x}" * 64,
            (
                source_commands.Commit(f"{n:x}" * 40, first, first, pr),
                source_commands.Commit(f"{n + 10:x}" * 20, first + timedelta(hours=1), first, pr),
            ),
        )
        await runtime.units.run(
            lambda uow, c=c: source_service.record_source_change(uow, c), actor=cast.actor("ci")
        )
    since = now - timedelta(days=400)
    await runtime.units.run(lambda uow: ledger_projection.catch_up(uow, since=since))
