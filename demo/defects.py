"""Defects found after release, in the living world, forming one pattern of each kind over the
28 days up to the moment of loading: the card gateway's configuration defects recur (technical
debt), three escaped its integration tests (test automation), it shipped twice to production-eu
this period with four defects against twice before with one (a rising escape rate), and
configuration changes fail most per release. One defect came from monitoring's open incident."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from demo.cast import Cast
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents, unauthorized
from domain.pipelines import queries as pipeline_queries
from domain.pipelines.cdevents_schemas import shipped
from domain.pipelines.commands import IngestEvent
from domain.pipelines.unauthorized import ReviewChange
from domain.pipelines.unauthorized_models import UnauthorizedChange
from domain.pipelines.vocabulary import UnauthorizedChangeStatus
from domain.postrelease import defect_service
from domain.postrelease.defect_commands import RecordDefect

if TYPE_CHECKING:
    from api.runtime import Runtime

SOURCE = "/deploy/argo-eu"
FINDING = (
    "Routine CD deployment from before the card gateway's pipeline named its promotions; "
    "checked against the change log with the team, no finding."
)
DEPLOYED_DAYS_AGO = (45, 35, 10, 3)
"""card-gateway to production-eu: twice in the previous 28 days, twice in these."""
INCIDENT = "Issuer timeouts from one acquirer"
# (service, title, component, change type, root cause, escaped layer, severity, days ago)
DEFECTS: list[tuple[str, str, str, str, str, str, str, float]] = [
    (
        "card-gateway",
        "3DS challenge skipped for one issuer BIN range",
        "authentication",
        "api",
        "design",
        "manual",
        "medium",
        40,
    ),
    (
        "card-gateway",
        "Acquirer timeout set to 2 s instead of 20 s in EU",
        "acquirer-routing",
        "config",
        "configuration",
        "integration",
        "high",
        9,
    ),
    (
        "card-gateway",
        "Retry budget missing from the new issuer profile",
        "acquirer-routing",
        "config",
        "configuration",
        "integration",
        "high",
        6,
    ),
    (
        "card-gateway",
        "Tokenization cache TTL shorter than the token lifetime",
        "tokenization",
        "config",
        "configuration",
        "integration",
        "medium",
        2,
    ),
    (
        "ledger-core",
        "Posting batch rounds half-up instead of half-even",
        "postings",
        "payment_logic",
        "code",
        "unit",
        "medium",
        4,
    ),
]


def _deployed(at: datetime, n: int) -> IngestEvent:
    body: dict[str, Any] = {
        "context": {
            "specversion": "0.5.1",
            "id": f"demo-defects-deploy-{n}",
            "source": SOURCE,
            "type": "dev.cdevents.service.deployed.0.3.0",
            "timestamp": at.isoformat().replace("+00:00", "Z"),
        },
        "subject": {
            "id": "card-gateway",
            "source": SOURCE,
            "content": {
                "environment": {"id": "production-eu"},
                "artifactId": "pkg:oci/card-gateway@sha256%3A" + f"{n:x}" * 64,
            },
        },
    }
    return IngestEvent(body["context"]["id"], SOURCE, body["context"]["type"], body, "payments")


async def _deployments(uow: UnitOfWork) -> None:
    now = uow.clock.now()
    for n, days in enumerate(DEPLOYED_DAYS_AGO, start=1):
        await cdevents.ingest_event(uow, _deployed(now - timedelta(days=days), n), shipped())


async def reviewed_as_routine(
    runtime: Runtime,
    cast: Cast,
    services: tuple[str, ...] = ("card-gateway",),
    finding: str = FINDING,
    detected_since: datetime | None = None,
) -> None:
    """CD's deployments went out before the card gateway's pipeline named its promotions, so
    each was flagged as an unauthorized change; the RMO reviewed them as routine (those of
    `services` detected since `detected_since`: demo/benchmarks.py's CD deployments too)."""
    async with runtime.db.read_session() as session:
        flagged = (
            await session.execute(
                select(UnauthorizedChange.id, UnauthorizedChange.version).where(
                    UnauthorizedChange.service_id.in_([cast.services[s] for s in services]),
                    UnauthorizedChange.deployment_report_id.is_not(None),
                    UnauthorizedChange.status == UnauthorizedChangeStatus.OPEN,
                    *(
                        ()
                        if detected_since is None
                        else (UnauthorizedChange.detected_at >= detected_since,)
                    ),
                )
            )
        ).all()
    for change_id, version in flagged:
        review = ReviewChange(change_id, version, finding)
        await runtime.units.run(
            lambda uow, r=review: unauthorized.review_change(uow, r), actor=cast.actor("rmo")
        )


async def load_defects(runtime: Runtime, cast: Cast) -> None:
    """CD's production deployments, then the defects as the SRE on call records them."""
    run = runtime.units.run
    await run(_deployments, actor=cast.actor("ci"))
    await reviewed_as_routine(runtime, cast)
    now = runtime.clock.now()
    async with runtime.db.read_session() as session:
        incidents = await pipeline_queries.incidents_between(
            session, now - timedelta(days=2), now, [cast.bus["payments"]]
        )
    incident = next((i for i in incidents if i.description == INCIDENT), None)
    for service, title, component, change, cause, layer, severity, days in DEFECTS:
        c = RecordDefect(
            service_id=cast.services[service],
            title=title,
            component=component,
            change_type=change,
            root_cause=cause,
            escaped_layer=layer,
            severity=severity,
            source_kind="manual",
            found_at=now - timedelta(days=days),
        )
        await run(lambda uow, c=c: defect_service.record_defect(uow, c), actor=cast.actor("sre"))
    if incident is not None:
        from_incident = RecordDefect(
            service_id=cast.services["card-gateway"],
            title="Acquirer connection pool sized for one region only",
            component="acquirer-routing",
            change_type="config",
            root_cause="configuration",
            escaped_layer="performance",
            severity="critical",
            source_kind="incident",
            source_id=incident.id,
            found_at=now - timedelta(minutes=20),
        )
        await run(
            lambda uow: defect_service.record_defect(uow, from_incident), actor=cast.actor("sre")
        )
