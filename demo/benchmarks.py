"""Team benchmarks in the living world: the payments BU's three critical teams form a cohort
(acquiring, ledger and payouts, two or three engineers on their rotations). Acquiring ships the
card gateway (demo/defects.py) and ledger its core; here CD reports payouts' steady cadence to
production-eu over the last 90 days, with the commits and pull requests behind each version
(reviews picked up within hours), and a few more ledger-core releases that waited days for a
first review. The RMO reviews the CD deployments flagged as unauthorized as routine (as for the
card gateway's), and the ledger's sweep projects them, so `teamBenchmarks` ranks three teams."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from demo.cast import Cast
from demo.defects import reviewed_as_routine
from domain.insights import ledger_projection, source_commands, source_service
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents
from domain.pipelines.cdevents_schemas import shipped
from domain.pipelines.commands import IngestEvent

if TYPE_CHECKING:
    from api.runtime import Runtime

SOURCE = "/deploy/argo-eu"
FINDING = "Routine CD deployment, benchmarked with the team's cadence; no finding."
# service key -> (days ago of each production deployment, hours from PR opened to first review)
CADENCE: dict[str, tuple[tuple[int, ...], float]] = {
    "payout-scheduler": ((84, 77, 70, 63, 56, 49, 42, 35, 28, 21, 14, 7), 2.0),
    "settlement": ((80, 66, 52, 38, 24, 10), 3.0),
    "ledger-core": ((75, 45, 15), 50.0),
}


def _artifact(service: str, n: int) -> str:
    return f"pkg:oci/{service}@sha256%3A" + f"{n:x}" * 64


def _deployed(service: str, at: datetime, n: int) -> IngestEvent:
    body: dict[str, Any] = {
        "context": {
            "specversion": "0.5.1",
            "id": f"demo-benchmarks-{service}-{n}",
            "source": SOURCE,
            "type": "dev.cdevents.service.deployed.0.3.0",
            "timestamp": at.isoformat().replace("+00:00", "Z"),
        },
        "subject": {
            "id": service,
            "source": SOURCE,
            "content": {
                "environment": {"id": "production-eu"},
                "artifactId": _artifact(service, n),
            },
        },
    }
    return IngestEvent(body["context"]["id"], SOURCE, body["context"]["type"], body, "payments")


def _source(cast: Cast, service: str, n: int, at: datetime, pickup: float) -> Any:
    first = at - timedelta(hours=pickup + 30)
    opened = first + timedelta(hours=4)
    pr = source_commands.PullRequestTimes(
        f"payments/{service}#{200 + n}",
        opened,
        opened + timedelta(hours=pickup),
        opened + timedelta(hours=pickup + 2),
        opened + timedelta(hours=pickup + 6),
    )
    return source_commands.RecordSourceChange(
        cast.services[service],
        _artifact(service, n),
        (source_commands.Commit(f"{n:x}" * 40, first, first, pr),),
    )


async def load_benchmarks(runtime: Runtime, cast: Cast) -> None:
    """CD's production deployments of payouts and ledger, their commits, then the sweep."""
    now = runtime.clock.now()
    for service, (days, pickup) in CADENCE.items():
        for n, ago in enumerate(days, start=1):
            at = now - timedelta(days=ago)

            async def deploy(
                uow: UnitOfWork, s: str = service, a: datetime = at, k: int = n
            ) -> None:
                await cdevents.ingest_event(uow, _deployed(s, a, k), shipped())

            c = _source(cast, service, n, at, pickup)
            await runtime.units.run(
                lambda uow, c=c: source_service.record_source_change(uow, c),
                actor=cast.actor("ci"),
            )
            await runtime.units.run(deploy, actor=cast.actor("ci"))
    await reviewed_as_routine(runtime, cast, tuple(CADENCE), FINDING, detected_since=now)
    since = now - timedelta(days=100)
    await runtime.units.run(lambda uow: ledger_projection.catch_up(uow, since=since))
