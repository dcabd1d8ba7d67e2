"""GraphQL types of NFRs validated in staging: a service's effective requirements (with their
source), staging runs and their figures, and a version's NFR status for a target."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.global_ids import with_global_ids
from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.environments_types import Environment
from api.graphql.organization_types import Person, Service
from api.graphql.relay import Node, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.kernel.gates import GateStatus
from domain.readiness import nfr_rules
from domain.readiness import nfr_vocabulary as vocabulary
from domain.readiness.nfr_queries import NfrStatusView

NfrComparison = exposed(vocabulary.Comparison, name="NfrComparison")
NfrVerdictStatus = exposed(vocabulary.NfrStatus, name="NfrVerdictStatus")
NfrRunSource = exposed(vocabulary.NfrRunSource)
NfrGateStatus = strawberry.enum(GateStatus, name="NfrGateStatus")


@strawberry.type(description="An NFR that applies to a service, with the target that counts.")
class ServiceNfr:
    key: str = strawberry.field(description="A standard NFR's key, or the service's own.")
    name: str
    unit: str
    comparison: NfrComparison
    target: float
    source: str = strawberry.field(
        description="Who set the target: `service`, or the guardrail layer (`core`, "
        "`bu:<key>`, `profile:<tier>`); a service's target counts only where stricter."
    )
    custom: bool

    @classmethod
    def from_domain(cls, r: nfr_rules.Requirement) -> ServiceNfr:
        return from_columns(cls, r)


async def nfrs_of(info: Info, service_id: uuid.UUID) -> list[ServiceNfr]:
    """The effective NFRs of a service, batched across the services of the request."""
    found = await info.context.loaders.nfr_requirements_of_service.load(service_id)
    return [ServiceNfr.from_domain(r) for r in found or []]


@strawberry.type(description="One figure a staging run measured, by NFR key.")
class NfrFigure:
    key: str
    value: float


@strawberry.type(description="A staging run's NFR figures for one artifact version.")
class NfrRun(Node, FromColumns):
    id: strawberry.ID
    artifact_version: str
    name: str
    url: str | None
    finished_at: datetime
    source: NfrRunSource
    recorded_at: datetime
    figures_by_key: strawberry.Private[dict[str, Any]]
    service_uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]
    recorded_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: Any) -> NfrRun:
        return from_columns(cls, row, figures_by_key=dict(row.figures))

    @strawberry.field(description="Every figure measured, by key.")
    def figures(self) -> list[NfrFigure]:
        return [NfrFigure(key=k, value=float(v)) for k, v in sorted(self.figures_by_key.items())]

    service = node_field(Service, "service", "service_uid")
    environment = node_field(Environment, "environment", "environment_uid")
    recorded_by = node_field(Person, "person", "recorded_by_uid")


@strawberry.type(description="One NFR of a version: met, missed or not measured, and the proof.")
class NfrVerdict:
    nfr: ServiceNfr
    status: NfrVerdictStatus
    figure: float | None = strawberry.field(description="The figure of the run that decides.")
    note: str = strawberry.field(description="Why it is not measured, when it is not.")
    run_uid: strawberry.Private[uuid.UUID | None]

    run = node_field(NfrRun, "nfr_run", "run_uid", "The newest counting run measuring it.")


@strawberry.type(description="The nfrs gate of a version for a target, as the decision sees it.")
class NfrStatus:
    status: NfrGateStatus
    reason: str
    evidence: JSON
    verdicts: list[NfrVerdict]
    service_uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]

    service = node_field(Service, "service", "service_uid")
    environment = node_field(Environment, "environment", "environment_uid")

    @classmethod
    def from_domain(cls, view: NfrStatusView) -> NfrStatus:
        return cls(
            status=NfrGateStatus(view.outcome.status),
            reason=view.outcome.reason,
            evidence=with_global_ids(view.outcome.evidence),
            verdicts=[
                NfrVerdict(
                    nfr=ServiceNfr.from_domain(v.requirement),
                    status=NfrVerdictStatus(v.status),
                    figure=v.figure,
                    note=v.note,
                    run_uid=v.run.id if v.run else None,
                )
                for v in view.verdicts
            ],
            service_uid=view.service_id,
            environment_uid=view.environment_id,
        )


NODE_LOADERS: dict[str, tuple[str, Any]] = {"NfrRun": ("nfr_run", NfrRun)}
"""Node types of this module and their DataLoaders, for `node(id:)`."""
