"""NFRs validated in staging: a service's NFRs, a version's NFR status, and the mutations that
declare a service's NFRs and record a staging run's figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.organization_types import Service
from api.graphql.readiness_nfrs_types import NODE_LOADERS, NfrComparison, NfrRun, NfrStatus
from api.graphql.relay import from_global_id, node_field
from api.graphql.user_errors import NFRS, UserError
from domain.readiness import nfr_commands as cmd
from domain.readiness import nfr_queries, nfr_service


@strawberry.input(description="One NFR a service declares.")
class ServiceNfrInput:
    key: str = strawberry.field(
        description="A standard NFR (sustained_rps, peak_rps, latency_p99_ms, error_rate_bp, "
        "failover_rto_seconds, failover_rpo_seconds, survives_zone_loss) or a custom key."
    )
    target: float
    name: str | None = strawberry.field(default=None, description="Required for a custom NFR.")
    unit: str | None = strawberry.field(default=None, description="Required for a custom NFR.")
    comparison: NfrComparison | None = strawberry.field(
        default=None, description="Required for a custom NFR."
    )


@strawberry.input(description="The service's whole set of its own NFRs (empty drops them).")
class ServiceNfrsSetInput:
    service_id: strawberry.ID
    nfrs: list[ServiceNfrInput]


@strawberry.input(description="A figure a staging run measured.")
class NfrFigureInput:
    key: str
    value: float


@strawberry.input(description="A staging run's NFR figures for one artifact version.")
class NfrRunRecordInput:
    service_id: strawberry.ID
    environment_id: strawberry.ID = strawberry.field(description="A staging environment.")
    artifact_version: str
    name: str = strawberry.field(description="The run's name or id, unique per version.")
    finished_at: datetime = strawberry.field(description="Not in the future.")
    figures: list[NfrFigureInput]
    url: str | None = strawberry.field(default=None, description="The run's report.")


@strawberry.type
class ServiceNfrsSetPayload:
    service_uid: strawberry.Private[Any]
    errors: list[UserError]

    service = node_field(Service, "service", "service_uid")


@strawberry.type
class NfrRunRecordPayload:
    nfr_run: NfrRun | None
    errors: list[UserError]


run = MutationRunner(NFRS)
set_payload = run.answering(
    ServiceNfrsSetPayload, lambda sid, errors: ServiceNfrsSetPayload(service_uid=sid, errors=errors)
)
run_payload = run.into(NfrRunRecordPayload, nfr_run=NfrRun)


@strawberry.type
class ReadinessNfrsQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This module's node types and loaders, for the schema's `node(id:)`."""
        return NODE_LOADERS

    @strawberry.field(
        description="The NFRs of a version going to an environment (normally production), "
        "judged as the promotion decision's nfrs gate judges them."
    )
    async def nfr_status(
        self,
        info: Info,
        service_id: strawberry.ID,
        artifact_version: str,
        environment_id: strawberry.ID,
    ) -> NfrStatus:
        sid = from_global_id(service_id, "Service", "serviceId")
        eid = from_global_id(environment_id, "Environment", "environmentId")
        async with info.context.reader() as r:
            view = await nfr_queries.status(
                r, sid, artifact_version, eid, info.context.runtime.clock.now()
            )
        return NfrStatus.from_domain(view)


@strawberry.type
class ReadinessNfrsMutation:
    @set_payload.mutation(
        nfr_service.set_service_nfrs,
        description="Declare a service's own NFRs (the whole set); the guardrails' targets "
        "still count where stricter.",
    )
    def service_nfrs_set(input: ServiceNfrsSetInput) -> cmd.SetServiceNfrs:
        return cmd.SetServiceNfrs(
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            nfrs=tuple(
                cmd.NfrInput(
                    key=n.key,
                    target=n.target,
                    name=n.name,
                    unit=n.unit,
                    comparison=str(n.comparison.value) if n.comparison else None,
                )
                for n in input.nfrs
            ),
        )

    @run_payload.mutation(
        nfr_service.record_run,
        description="Record a staging run's NFR figures for one artifact version.",
    )
    def nfr_run_record(input: NfrRunRecordInput) -> cmd.RecordNfrRun:
        return cmd.RecordNfrRun(
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            environment_id=from_global_id(input.environment_id, "Environment", "environmentId"),
            artifact_version=input.artifact_version,
            name=input.name,
            finished_at=input.finished_at,
            figures=tuple((f.key, f.value) for f in input.figures),
            url=input.url,
        )
