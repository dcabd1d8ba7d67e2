"""GraphQL types of the trains context: plain fields filled from rows; I/O only via DataLoaders."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.governance_types import Release
from api.graphql.organization_types import BusinessUnit, Person, Service, Team
from api.graphql.relay import (
    Connection,
    Node,
    load_node,
    load_nodes,
    load_page,
    node_field,
    to_global_id,
)
from api.graphql.rows import FromColumns, from_columns
from domain.trains import graph
from domain.trains import vocabulary as trains_vocabulary

CadenceKind = exposed(trains_vocabulary.CadenceKind)
CadenceChangeReason = exposed(trains_vocabulary.CadenceChangeReason)
DepartureStatus = exposed(trains_vocabulary.DepartureStatus)
FeatureStatus = exposed(trains_vocabulary.FeatureStatus)
IntegrationWindowStatus = exposed(trains_vocabulary.IntegrationWindowStatus)
GraphFindingCode = strawberry.enum(
    graph.FindingCode,
    description="CYCLE: features depend on each other in a circle. MISALIGNED_PI: a feature's "
    "PI ends before the PI of something it depends on. MISALIGNED_DEPARTURE: on one train, a "
    "feature departs before something it depends on. LATER_TRAIN: it depends on a feature of "
    "another train that departs after the feature is due.",
)


def gid(type_name: str, id_: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, id_))


@strawberry.type(description="When a train departs: wall-clock time in a time zone.")
class Cadence:
    kind: CadenceKind
    weekday: int | None = strawberry.field(
        description="0 (Monday) to 6 for WEEKLY and BI_WEEKLY; null: the PI's first weekday."
    )
    dates: list[date] = strawberry.field(description="A CUSTOM cadence's departure dates.")
    rrule: str | None = strawberry.field(description="A CUSTOM cadence's RFC 5545 RRULE.")
    departure_time: str = strawberry.field(description="HH:MM, local in timeZone.")
    time_zone: str

    @classmethod
    def from_row(cls, r: Any) -> Cadence:
        return from_columns(
            cls,
            r,
            kind=trains_vocabulary.CadenceKind(r.cadence),
            dates=[date.fromisoformat(d) for d in r.dates or []],
            time_zone=r.tzid,
        )


@strawberry.type(description="A release train of one BU serving a product domain.")
class Train(Node):
    id: strawberry.ID
    key: str
    name: str
    product_domain: str
    cadence: Cadence = strawberry.field(description="The current cadence.")
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> Train:
        return from_columns(cls, r, cadence=Cadence.from_row(r))

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @strawberry.field(description="Program Increments, in order.")
    async def program_increments(self, info: Info) -> list[ProgramIncrement]:
        rows = await info.context.loaders.pis_of_train.load(self.uid)
        return [ProgramIncrement.from_row(r) for r in rows]

    @strawberry.field(
        description="Every cadence the train had, oldest first; the first has no reason."
    )
    async def cadence_history(self, info: Info) -> list[CadenceChange]:
        rows = await info.context.loaders.cadence_history.load(self.uid)
        return [CadenceChange.from_row(r) for r in rows]

    @strawberry.field(description="Departures, earliest first.")
    async def departures(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        include_cancelled: bool = False,
    ) -> Connection[Departure]:
        key = (self.uid, "train_id", include_cancelled, first, after)
        return await load_page(info.context.loaders.departure_pages, key, Departure)


@strawberry.type(
    description="A SAFe Program Increment: iterations of whole weeks, [startsAt, endsAt)."
)
class ProgramIncrement(Node):
    id: strawberry.ID
    seq: int = strawberry.field(description="1 for the train's first PI, and so on.")
    name: str
    iterations: int
    iteration_weeks: int
    starts_at: datetime
    ends_at: datetime
    planning_boundary_at: datetime = strawberry.field(
        description="Start of the last (innovation and planning) iteration: scope is committed "
        "by then and planning of the next PI begins."
    )
    uid: strawberry.Private[uuid.UUID]
    train_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> ProgramIncrement:
        return from_columns(cls, r, planning_boundary_at=r.planning_at)

    train = node_field(Train, "train", "train_uid")

    @strawberry.field(description="The PI's departures, earliest first.")
    async def departures(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Departure]:
        return await load_page(
            info.context.loaders.departure_pages,
            (self.uid, "pi_id", False, first, after),
            Departure,
        )


@strawberry.type(description="One cadence of a train, from a PI on, and why it changed.")
class CadenceChange:
    seq: int
    cadence: Cadence
    effective_from_seq: int = strawberry.field(description="The PI sequence it governs from.")
    reason: CadenceChangeReason | None = strawberry.field(
        description="Null for the cadence the train was created with."
    )
    reason_text: str
    recorded_at: datetime
    pi_uid: strawberry.Private[uuid.UUID | None]
    by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> CadenceChange:
        return from_columns(
            cls,
            r,
            cadence=Cadence.from_row(r),
            recorded_at=r.created_at,
            pi_uid=r.effective_from_pi_id,
            by_uid=r.changed_by_id,
        )

    effective_from = node_field(
        ProgramIncrement,
        "program_increment",
        "pi_uid",
        "The first PI it governs; null for the initial cadence.",
    )
    changed_by = node_field(Person, "person", "by_uid")


@strawberry.type(description="Whether a departure may go on to final staging, and why.")
class IntegrationStatus:
    passed: bool
    reason: str


@strawberry.type(description="A departure of a train; releases board it.")
class Departure(Node, FromColumns):
    id: strawberry.ID
    code: str = strawberry.field(description="Train key and local date, e.g. payments-2026.12.08.")
    departs_at: datetime
    status: DepartureStatus
    version: int
    uid: strawberry.Private[uuid.UUID]
    train_uid: strawberry.Private[uuid.UUID]
    pi_uid: strawberry.Private[uuid.UUID]

    train = node_field(Train, "train", "train_uid")
    program_increment = node_field(ProgramIncrement, "program_increment", "pi_uid")

    @strawberry.field(description="Releases on board that you may read.")
    async def boarded_releases(self, info: Info) -> list[Release]:
        ids = await info.context.loaders.departure_releases.load(self.uid)
        return await load_nodes(info.context.loaders.release, Release, ids)

    @strawberry.field
    async def integration_window(self, info: Info) -> IntegrationWindow | None:
        return await load_node(info.context.loaders.departure_window, IntegrationWindow, self.uid)

    @strawberry.field(
        description="Passed once the integration window has ended and every suite's latest "
        "result passed; no results is not passed. Gates promotion to final staging."
    )
    async def integration_status(self, info: Info) -> IntegrationStatus:
        gate = await info.context.loaders.departure_integration.load(self.uid)
        return IntegrationStatus(passed=gate.passed, reason=gate.reason)


@strawberry.type(description="A team's feature planned for a PI and, optionally, a departure.")
class Feature(Node, FromColumns):
    id: strawberry.ID
    title: str
    description: str
    effort: int = strawberry.field(description="Points; the critical path sums them.")
    status: FeatureStatus
    version: int
    created_at: datetime
    uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]
    train_uid: strawberry.Private[uuid.UUID]
    pi_uid: strawberry.Private[uuid.UUID]
    departure_uid: strawberry.Private[uuid.UUID | None]

    team = node_field(Team, "team", "team_uid")
    train = node_field(Train, "train", "train_uid")
    program_increment = node_field(ProgramIncrement, "program_increment", "pi_uid")
    departure = node_field(Departure, "departure", "departure_uid")

    @strawberry.field(description="Features (of other teams) this one depends on.")
    async def depends_on(self, info: Info) -> list[Feature]:
        ids = await info.context.loaders.feature_providers.load(self.uid)
        return await load_nodes(info.context.loaders.feature, Feature, ids)

    @strawberry.field(description="Features that depend on this one.")
    async def dependents(self, info: Info) -> list[Feature]:
        ids = await info.context.loaders.feature_consumers.load(self.uid)
        return await load_nodes(info.context.loaders.feature, Feature, ids)


@strawberry.type(description="One run of a test suite in an integration window.")
class IntegrationResult:
    suite: str
    passed: bool
    details: str
    recorded_at: datetime
    recorded_via: str = strawberry.field(description="`jwt` or `api_token` (CI).")
    by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> IntegrationResult:
        return from_columns(cls, r, by_uid=r.recorded_by_id)

    recorded_by = node_field(Person, "person", "by_uid")


@strawberry.type(description="The integration-test window of a departure: [startsAt, endsAt).")
class IntegrationWindow(Node):
    id: strawberry.ID
    starts_at: datetime
    ends_at: datetime
    status: IntegrationWindowStatus
    version: int
    uid: strawberry.Private[uuid.UUID]
    departure_uid: strawberry.Private[uuid.UUID]
    team_uids: strawberry.Private[list[uuid.UUID]]
    service_uids: strawberry.Private[list[uuid.UUID]]

    @classmethod
    def from_row(cls, r: Any) -> IntegrationWindow:
        return from_columns(
            cls,
            r,
            team_uids=[uuid.UUID(t) for t in r.team_ids or []],
            service_uids=[uuid.UUID(s) for s in r.service_ids or []],
        )

    departure = node_field(Departure, "departure", "departure_uid")

    @strawberry.field
    async def teams(self, info: Info) -> list[Team]:
        return await load_nodes(info.context.loaders.team, Team, self.team_uids)

    @strawberry.field
    async def services(self, info: Info) -> list[Service]:
        return await load_nodes(info.context.loaders.service, Service, self.service_uids)

    @strawberry.field(description="Results, in the order recorded.")
    async def results(self, info: Info) -> list[IntegrationResult]:
        rows = await info.context.loaders.integration_results.load(self.uid)
        return [IntegrationResult.from_row(r) for r in rows]
