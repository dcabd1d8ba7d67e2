"""The calendar's range view in GraphQL: windows, freezes, conflicts and what else happened."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.calendar_types import (
    ConflictKind,
    ConflictSeverity,
    DeploymentWindow,
    FreezeOccurrence,
    occurrence,
    services_of,
)
from api.graphql.context import Info
from api.graphql.flags_types import FlagChangeAction
from api.graphql.organization_types import Person, Service
from api.graphql.pipelines_evidence_types import DeploymentReport, IncidentReport
from api.graphql.postrelease_journeys_types import JourneyRegression
from api.graphql.relay import node_field, to_global_id
from api.graphql.rows import from_columns
from api.graphql.unauthorized_types import UnauthorizedChange
from api.graphql.vendors_types import VendorRelease
from domain.flags.states import state_left
from domain.read import calendar_slice


@strawberry.type(description="Two windows of a calendar slice that clash.")
class CalendarConflict:
    kind: ConflictKind
    severity: ConflictSeverity
    first: DeploymentWindow
    second: DeploymentWindow
    resources: list[str]
    service_uids: strawberry.Private[list[uuid.UUID]]

    @strawberry.field(description="Services involved: shared ones, or both ends of a dependency.")
    async def services(self, info: Info) -> list[Service]:
        return await services_of(info, self.service_uids)


@strawberry.type(description="A production change that is not a deployment: a flag flip.")
class ProductionChange:
    at: datetime
    flag_key: str
    flag_id: strawberry.ID
    environment: str | None
    action: FlagChangeAction = strawberry.field(
        description="What was done to the flag, e.g. UPDATE, KILL."
    )
    change_id: strawberry.ID = strawberry.field(
        description="The flag change itself (a FlagChange node): its before and after."
    )
    reason: str = strawberry.field(description="Why, as its requester said.")
    note: str = strawberry.field(description="The approver's note, when it needed approval.")
    enabled: bool | None = strawberry.field(
        description="Whether the flag is on in the environment after it; null for a change "
        "that sets no single environment's state (a kill)."
    )
    rollout_percentages: list[int] = strawberry.field(
        description="The sticky rollout percentages the environment's rules serve after it, "
        "rule by rule (empty: no percentage rollout)."
    )
    requested_by_uid: strawberry.Private[uuid.UUID | None]
    decided_by_uid: strawberry.Private[uuid.UUID | None]

    flipped_by = node_field(Person, "person", "requested_by_uid", "Who made the change.")
    applied_by = node_field(
        Person,
        "person",
        "decided_by_uid",
        "Who applied it: its approver when it needed approval, else who made it.",
    )

    @classmethod
    def from_row(cls, r: Any) -> ProductionChange:
        enabled, rollouts = state_left(r.after)
        return from_columns(
            cls,
            r,
            at=r.decided_at or r.created_at,
            flag_id=strawberry.ID(to_global_id("Flag", r.flag_id)),
            change_id=strawberry.ID(to_global_id("FlagChange", r.id)),
            enabled=enabled,
            rollout_percentages=list(rollouts),
        )


@strawberry.type(description="A slice of the calendar: windows, freeze occurrences, conflicts.")
class CalendarSlice:
    windows: list[DeploymentWindow]
    freeze_occurrences: list[FreezeOccurrence]
    conflicts: list[CalendarConflict]
    production_changes: list[ProductionChange] = strawberry.field(
        description="Flag flips applied in production in the range: production changes too."
    )
    vendor_rows: strawberry.Private[list[Any]]
    deployment_rows: strawberry.Private[list[Any]]
    incident_rows: strawberry.Private[list[Any]]
    unauthorized_rows: strawberry.Private[list[Any]]
    journey_regression_rows: strawberry.Private[list[Any]]

    @strawberry.field(description="Third-party vendor releases in the range, like our own.")
    def vendor_releases(self) -> list[VendorRelease]:
        return [VendorRelease.from_row(r) for r in self.vendor_rows]

    @strawberry.field(description="Deployments CI reported in the range (CDEvents): what happened.")
    def deployments(self) -> list[DeploymentReport]:
        return [DeploymentReport.from_row(r) for r in self.deployment_rows]

    @strawberry.field(description="Incidents detected in the range (CDEvents).")
    def incidents(self) -> list[IncidentReport]:
        return [IncidentReport.from_row(r) for r in self.incident_rows]

    @strawberry.field(
        description="Production deployments detected in the range that no allowed promotion "
        "covered (unauthorized changes), flagged for review."
    )
    def unauthorized_changes(self) -> list[UnauthorizedChange]:
        return [UnauthorizedChange.from_row(r) for r in self.unauthorized_rows]

    # postrelease: synthetic journeys (issue 17)
    @strawberry.field(
        description="Functional regressions detected in the range: journeys that passed before "
        "a production deployment and fail after it, each linked to the deployment."
    )
    def journey_regressions(self) -> list[JourneyRegression]:
        return [JourneyRegression.from_row(r) for r in self.journey_regression_rows]

    @classmethod
    def from_domain(cls, s: calendar_slice.CalendarSlice) -> CalendarSlice:
        by_id = {r.id: DeploymentWindow.from_row(r) for r in s.windows}
        return cls(
            windows=list(by_id.values()),
            freeze_occurrences=[occurrence(o.freeze, o.starts_at, o.ends_at) for o in s.freezes],
            production_changes=[ProductionChange.from_row(c) for c in s.production_changes],
            vendor_rows=s.vendor_releases,
            deployment_rows=s.deployments,
            incident_rows=s.incidents,
            unauthorized_rows=s.unauthorized_changes,
            journey_regression_rows=s.journey_regressions,
            conflicts=[
                CalendarConflict(
                    kind=c.kind,
                    severity=c.severity,
                    first=by_id[a.id],
                    second=by_id[b.id],
                    resources=sorted(c.resources),
                    service_uids=sorted(c.services, key=str),
                )
                for a, b, c in s.clashes
            ],
        )
