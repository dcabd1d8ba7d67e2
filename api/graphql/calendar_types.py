"""GraphQL types of the calendar: plain fields filled from rows; I/O only via DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.organization_types import BusinessUnit, Person, Service, Tier
from api.graphql.relay import Node, load_node, node_field, to_global_id
from api.graphql.rows import from_columns
from domain.calendar import queries as cal
from domain.calendar import rules
from domain.calendar import vocabulary as calendar_vocabulary
from domain.organization import vocabulary as organization_vocabulary

WindowKind = exposed(calendar_vocabulary.WindowKind)
WindowStatus = exposed(calendar_vocabulary.WindowStatus)
FreezeScope = exposed(calendar_vocabulary.FreezeScope)
FreezeStatus = exposed(calendar_vocabulary.FreezeStatus)
FreezeExceptionStatus = exposed(calendar_vocabulary.ExceptionStatus)
StakeholderDecision = exposed(calendar_vocabulary.StakeholderDecision)
ConflictKind = strawberry.enum(rules.ConflictKind, description="Why two things clash.")
ConflictSeverity = strawberry.enum(
    rules.Severity,
    description="BLOCKING refuses planning (same service, freeze); WARNING is allowed but said "
    "(dependency, shared resource); INFO is for coordination (environment).",
)


def release_gid(release_id: uuid.UUID | None) -> strawberry.ID | None:
    return strawberry.ID(to_global_id("Release", release_id)) if release_id else None


async def services_of(info: Info, ids: list[uuid.UUID]) -> list[Service]:
    rows = await info.context.loaders.service.load_many(ids)
    return sorted((Service.from_row(r) for r in rows if r), key=lambda s: s.key)


@strawberry.type(description="A planned slot for a change: [startsAt, endsAt), half-open.")
class DeploymentWindow(Node):
    id: strawberry.ID
    kind: WindowKind
    title: str
    environment: str | None
    starts_at: datetime
    ends_at: datetime
    status: WindowStatus
    version: int
    created_at: datetime
    updated_at: datetime
    release_id: strawberry.ID | None = strawberry.field(
        description="The release this window ships (global id of a Release)."
    )
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> DeploymentWindow:
        return from_columns(cls, r, release_id=release_gid(r.release_id))

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    @strawberry.field(description="Services the window changes, by key.")
    async def services(self, info: Info) -> list[Service]:
        return await services_of(info, await info.context.loaders.window_services.load(self.uid))

    @strawberry.field(description="Shared resources the window uses (a database cluster, say).")
    async def resources(self, info: Info) -> list[str]:
        return list(await info.context.loaders.window_resources.load(self.uid))


@strawberry.type(description="A clash of a window with another window or a freeze occurrence.")
class WindowConflict:
    kind: ConflictKind
    severity: ConflictSeverity
    message: str
    starts_at: datetime = strawberry.field(description="When the other party starts.")
    ends_at: datetime
    resources: list[str] = strawberry.field(description="Shared resources both use.")
    should_move: strawberry.ID | None = strawberry.field(
        description="The release that should move (a Release id): the lower-ranked one in the "
        "quarter's newest alignment, when it ranks both."
    )
    advice: str | None
    window_uid: strawberry.Private[uuid.UUID | None]
    freeze_uid: strawberry.Private[uuid.UUID | None]
    service_uids: strawberry.Private[list[uuid.UUID]]

    @classmethod
    def from_domain(cls, c: rules.Conflict) -> WindowConflict:
        return from_columns(
            cls,
            c,
            resources=sorted(c.resources),
            should_move=release_gid(c.should_move),
            service_uids=sorted(c.service_ids, key=str),
        )

    window = node_field(
        DeploymentWindow,
        "deployment_window",
        "window_uid",
        "The other window; null for a freeze or one you cannot read.",
    )

    @strawberry.field(description="The freeze the window falls into, for FREEZE conflicts.")
    async def freeze(self, info: Info) -> Freeze | None:
        return await load_node(info.context.loaders.freeze, Freeze, self.freeze_uid)

    @strawberry.field(description="Services involved: shared ones, or both ends of a dependency.")
    async def services(self, info: Info) -> list[Service]:
        return await services_of(info, self.service_uids)


@strawberry.type(description="A slot free of blocking and warning conflicts, freezes respected.")
class SuggestedSlot:
    starts_at: datetime
    ends_at: datetime


@strawberry.type(description="A business stakeholder whose approval a freeze needs.")
class FreezeStakeholder:
    decision: StakeholderDecision | None = strawberry.field(
        description="APPROVED, REJECTED, or null while undecided."
    )
    decided_at: datetime | None
    note: str
    person_uid: strawberry.Private[uuid.UUID]

    person = node_field(Person, "person", "person_uid")


@strawberry.type(description="One occurrence of a freeze, recurring ones expanded.")
class FreezeOccurrence:
    starts_at: datetime
    ends_at: datetime
    freeze_id: strawberry.ID
    title: str
    rrule: str | None
    status: FreezeStatus
    freeze_uid: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def freeze(self, info: Info) -> Freeze | None:
        return await load_node(info.context.loaders.freeze, Freeze, self.freeze_uid)


@strawberry.type(description="A period when nothing in scope may be scheduled; one-off or RRULE.")
class Freeze(Node):
    id: strawberry.ID
    title: str
    reason: str
    scope: FreezeScope
    tiers: list[Tier]
    environments: list[str]
    starts_at: datetime = strawberry.field(description="Start of the first occurrence.")
    ends_at: datetime = strawberry.field(description="End of the first occurrence.")
    time_zone: str = strawberry.field(description="IANA TZID the rule recurs in (wall clock).")
    rrule: str | None = strawberry.field(description="RFC 5545 RRULE value; null for one-off.")
    effective_until: datetime | None
    status: FreezeStatus
    decided_at: datetime | None
    version: int
    created_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID | None]
    proposed_by_uid: strawberry.Private[uuid.UUID | None]
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Freeze:
        return from_columns(
            cls,
            r,
            tiers=[organization_vocabulary.Tier(t) for t in r.tiers or []],
            environments=list(r.environments or []),
            time_zone=r.tzid,
            row=r,
        )

    @strawberry.field(description="The owning BU; null for an organization-wide freeze.")
    async def business_unit(self, info: Info) -> BusinessUnit | None:
        if self.bu_uid is None:
            return None
        return await load_node(info.context.loaders.business_unit, BusinessUnit, self.bu_uid)

    @strawberry.field(description="The services a SERVICES freeze covers.")
    async def services(self, info: Info) -> list[Service]:
        return await services_of(info, await info.context.loaders.freeze_services.load(self.uid))

    @strawberry.field(description="Who must approve; the freeze binds when all have.")
    async def stakeholders(self, info: Info) -> list[FreezeStakeholder]:
        rows = await info.context.loaders.freeze_stakeholders.load(self.uid)
        return [from_columns(FreezeStakeholder, r) for r in rows]

    proposed_by = node_field(Person, "person", "proposed_by_uid")

    @strawberry.field(description="Occurrences in [from, to) (at most 400 days).")
    def occurrences(
        self, from_: Annotated[datetime, strawberry.argument(name="from")], to: datetime
    ) -> list[FreezeOccurrence]:
        found = cal.occurrences_of(self.row, from_, to)
        return [occurrence(self.row, o.starts_at, o.ends_at) for o in found]

    @strawberry.field(description="Exceptions requested against this freeze that you may read.")
    async def exceptions(self, info: Info) -> list[FreezeException]:
        rows = await info.context.loaders.freeze_exceptions_of_freeze.load(self.uid)
        return [FreezeException.from_row(r) for r in rows]


def occurrence(freeze: Any, starts_at: datetime, ends_at: datetime) -> FreezeOccurrence:
    return FreezeOccurrence(
        starts_at=starts_at,
        ends_at=ends_at,
        freeze_id=strawberry.ID(to_global_id("Freeze", freeze.id)),
        title=freeze.title,
        rrule=freeze.rrule,
        status=calendar_vocabulary.FreezeStatus(freeze.status),
        freeze_uid=freeze.id,
    )


@strawberry.type(description="Leave for one release and one window to go through a freeze.")
class FreezeException(Node):
    id: strawberry.ID
    status: FreezeExceptionStatus
    justification: str
    expires_at: datetime = strawberry.field(description="After this it lets nothing through.")
    decided_at: datetime | None
    reviewed_at: datetime | None
    review_note: str
    created_at: datetime
    version: int
    release_id: strawberry.ID
    uid: strawberry.Private[uuid.UUID]
    window_uid: strawberry.Private[uuid.UUID]
    freeze_uid: strawberry.Private[uuid.UUID]
    requested_by_uid: strawberry.Private[uuid.UUID | None]
    decided_by_uid: strawberry.Private[uuid.UUID | None]
    reviewed_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> FreezeException:
        return from_columns(cls, r, release_id=strawberry.ID(to_global_id("Release", r.release_id)))

    window = node_field(DeploymentWindow, "deployment_window", "window_uid")

    freeze = node_field(Freeze, "freeze", "freeze_uid")

    requested_by = node_field(Person, "person", "requested_by_uid")
    decided_by = node_field(Person, "person", "decided_by_uid")
    reviewed_by = node_field(Person, "person", "reviewed_by_uid")


@strawberry.type(description="A release's place in a quarter's agreed ranking.")
class AlignmentRank:
    release_id: strawberry.ID
    rank: int
    rationale: str


@strawberry.type(description="A quarter's agreed ranking of competing releases; newest counts.")
class Alignment(Node):
    id: strawberry.ID
    quarter: str
    ranking: list[AlignmentRank]
    created_at: datetime
    bu_uid: strawberry.Private[uuid.UUID | None]
    agreed_uids: strawberry.Private[list[uuid.UUID]]

    @classmethod
    def from_row(cls, r: Any) -> Alignment:
        return from_columns(
            cls,
            r,
            ranking=[
                AlignmentRank(
                    release_id=strawberry.ID(
                        to_global_id("Release", uuid.UUID(str(e["release_id"])))
                    ),
                    rank=int(e["rank"]),
                    rationale=str(e.get("rationale", "")),
                )
                for e in r.ranking
            ],
            agreed_uids=[uuid.UUID(p) for p in r.agreed_by],
        )

    @strawberry.field
    async def business_unit(self, info: Info) -> BusinessUnit | None:
        if self.bu_uid is None:
            return None
        return await load_node(info.context.loaders.business_unit, BusinessUnit, self.bu_uid)

    @strawberry.field(description="The people who agreed to this ranking.")
    async def agreed_by(self, info: Info) -> list[Person]:
        rows = await info.context.loaders.person.load_many(self.agreed_uids)
        return [Person.from_row(r) for r in rows if r]
