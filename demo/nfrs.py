"""NFRs validated in staging, in the living world: the card gateway (tier 1: its profile asks
for load, latency, error budget, failover RTO and RPO and surviving a zone's loss) declares a
tighter failover RTO and a custom tokenization latency; CI reports staging runs on the payments
train's final staging. Build 4.3.0 meets every NFR (its production promotion is allowed), 4.2.9
missed the failover RTO, 4.4.0 was never measured, and the ledger's 7.2.0 was load tested but
its failover never exercised."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.pipelines import repository as pipelines_repo
from domain.readiness import nfr_service
from domain.readiness.nfr_commands import NfrInput, RecordNfrRun, SetServiceNfrs

if TYPE_CHECKING:
    from api.runtime import Runtime

STAGING = "payments-express-staging"
TIER_1_MET = {
    "sustained_rps": 450,
    "peak_rps": 1200,
    "latency_p99_ms": 180,
    "error_rate_bp": 4,
    "failover_rto_seconds": 95,
    "failover_rpo_seconds": 5,
    "survives_zone_loss": 1,
    "tokenization_p99_ms": 31,
}
# (service, version, run name, days ago, figures)
RUNS = [
    ("card-gateway", "4.3.0", "k6-and-chaos-4.3.0", 2, TIER_1_MET),
    (
        "card-gateway",
        "4.2.9",
        "k6-and-chaos-4.2.9",
        9,
        {**TIER_1_MET, "failover_rto_seconds": 900, "survives_zone_loss": 0},
    ),
    (
        "ledger-core",
        "7.2.0",
        "k6-ledger-7.2.0",
        3,
        {"sustained_rps": 220, "latency_p99_ms": 140, "error_rate_bp": 2},
    ),
]


async def load_nfrs(runtime: Runtime, cast: Cast) -> None:
    """The card gateway's own NFRs (as its engineer), then CI's staging runs."""
    run = runtime.units.run
    gateway = cast.services["card-gateway"]
    declared = (
        NfrInput("failover_rto_seconds", 120),
        NfrInput("tokenization_p99_ms", 50, "Tokenization p99", "ms", "at_most"),
    )
    await run(
        lambda uow: nfr_service.set_service_nfrs(uow, SetServiceNfrs(gateway, declared)),
        actor=cast.actor("engineer"),
    )

    async def report(uow: UnitOfWork) -> None:
        staging = await pipelines_repo.environment_for(uow.session, cast.bus["payments"], STAGING)
        assert staging is not None
        now = uow.clock.now()
        for service, version, name, days, figures in RUNS:
            await nfr_service.record_run(
                uow,
                RecordNfrRun(
                    service_id=cast.services[service],
                    environment_id=staging,
                    artifact_version=version,
                    name=name,
                    finished_at=now - timedelta(days=days),
                    figures=tuple((k, float(v)) for k, v in figures.items()),
                    url=f"https://grafana.bank.example/d/k6/{service}?run={name}",
                ),
            )

    await run(report, actor=cast.actor("ci"))
