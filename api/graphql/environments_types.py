"""GraphQL types of environments: plain fields filled from rows; I/O only via DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.organization_types import BusinessUnit, Person, Team
from api.graphql.relay import Connection, Node, load_node, load_page, node_field, to_global_id
from api.graphql.rows import FromColumns, from_columns
from domain.environments import parity, rules
from domain.environments import vocabulary as environments_vocabulary
from domain.environments.reservations import Blocker
from domain.kernel import vocabulary as shared_vocabulary

EnvironmentKind = exposed(shared_vocabulary.EnvironmentKind)
EnvironmentStatus = exposed(environments_vocabulary.EnvironmentStatus)
ReservationMode = exposed(environments_vocabulary.ReservationMode)
ReservationStatus = exposed(environments_vocabulary.ReservationStatus)
HolderKind = exposed(environments_vocabulary.HolderKind)
ContentionReason = strawberry.enum(
    rules.ContentionReason,
    description="EXCLUSIVE: one side needs the environment alone; CAPACITY: shared holders "
    "fill it; QUEUED_AHEAD: an earlier overlapping request waits first.",
)
DivergenceKind = strawberry.enum(
    parity.DivergenceKind, description="What differs between two environments' snapshots."
)

HOLDER_TYPES = {
    environments_vocabulary.HolderKind.TRAIN: "Train",
    environments_vocabulary.HolderKind.RELEASE: "Release",
    environments_vocabulary.HolderKind.TEAM: "Team",
    environments_vocabulary.HolderKind.PERSON: "Person",
}


@strawberry.type(description="Who holds (or waits for) a reservation.")
class ReservationHolder:
    kind: HolderKind
    id: strawberry.ID = strawberry.field(
        description="Global id of the Train, Release, Team or Person (no foreign key: trains "
        "live in their own context)."
    )
    label: str = strawberry.field(description="Its name when reserved, for people to read.")


def holder(kind: str, holder_id: uuid.UUID, label: str) -> ReservationHolder:
    k = environments_vocabulary.HolderKind(kind)
    return ReservationHolder(
        kind=k, id=strawberry.ID(to_global_id(HOLDER_TYPES[k], holder_id)), label=label
    )


@strawberry.type(description="A hold on an environment for [startsAt, endsAt), half-open.")
class Reservation(Node):
    id: strawberry.ID
    mode: ReservationMode
    status: ReservationStatus
    starts_at: datetime
    ends_at: datetime
    holder: ReservationHolder
    purpose: str
    requested_at: datetime = strawberry.field(description="Orders the queue: first come first.")
    granted_at: datetime | None
    closed_at: datetime | None = strawberry.field(description="When released or cancelled.")
    version: int
    uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    requested_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> Reservation:
        return from_columns(cls, r, holder=holder(r.holder_kind, r.holder_id, r.holder_label))

    @strawberry.field(description="1 = next in line; null unless QUEUED.")
    async def queue_position(self, info: Info) -> int | None:
        if self.status != environments_vocabulary.ReservationStatus.QUEUED:
            return None
        return await info.context.loaders.queue_position.load(self.uid)  # type: ignore[no-any-return]

    @strawberry.field
    async def environment(self, info: Info) -> Environment | None:
        return await load_node(info.context.loaders.environment, Environment, self.environment_uid)

    business_unit = node_field(
        BusinessUnit, "business_unit", "bu_uid", "The BU on whose behalf it was reserved."
    )

    requested_by = node_field(Person, "person", "requested_by_uid")


@strawberry.type(description="Another reservation in a request's way, and why.")
class ReservationContention:
    reason: ContentionReason
    message: str
    holder: ReservationHolder = strawberry.field(
        description="Who holds or waits for it; another BU's that you may not read is labelled "
        '"A reservation of another business unit".'
    )
    mode: ReservationMode
    status: ReservationStatus
    starts_at: datetime
    ends_at: datetime
    reservation_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, b: Blocker) -> ReservationContention:
        return from_columns(cls, b, holder=holder(b.holder_kind, b.holder_id, b.holder_label))

    reservation = node_field(
        Reservation,
        "reservation",
        "reservation_uid",
        "The other reservation; null when not yours to read.",
    )


@strawberry.type(description="The image a service runs: its key and sha256 digest.")
class ImageDigest:
    service: str
    digest: str


@strawberry.type(description="What CI saw deployed in an environment; append-only.")
class ConfigSnapshot(Node, FromColumns):
    id: strawberry.ID
    helm_chart: str | None
    helm_chart_version: str | None
    helm_values_digest: str | None
    terraform_serial: int | None = strawberry.field(description="Terraform state serial.")
    terraform_digest: str | None = strawberry.field(description="Digest of the state file.")
    git_commit: str | None
    reported_at: datetime
    reporter: str = strawberry.field(description="Username of who reported it (often CI).")
    uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]
    reported_by_uid: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="Image digests per service, by service key.")
    async def images(self, info: Info) -> list[ImageDigest]:
        rows = await info.context.loaders.snapshot_images.load(self.uid)
        return [ImageDigest(service=r.service_key, digest=r.digest) for r in rows]

    @strawberry.field
    async def environment(self, info: Info) -> Environment | None:
        return await load_node(info.context.loaders.environment, Environment, self.environment_uid)

    reported_by = node_field(Person, "person", "reported_by_uid")


@strawberry.type(description="A place software runs, with owners, capacity and its config.")
class Environment(Node):
    id: strawberry.ID
    key: str
    name: str
    kind: EnvironmentKind
    status: EnvironmentStatus
    product_domain: str | None
    train_id: strawberry.ID | None = strawberry.field(
        description="The train this (parallel staging) environment serves (a Train id)."
    )
    region: str | None = strawberry.field(description="The region a production one serves.")
    final_staging: bool = strawberry.field(
        description="The last staging before production for its product domain."
    )
    capacity: int = strawberry.field(
        description="Concurrent SHARED holders it takes; an EXCLUSIVE one takes it all."
    )
    version: int
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID | None]
    owner_team_uid: strawberry.Private[uuid.UUID | None]
    owner_uids: strawberry.Private[list[uuid.UUID]]

    @classmethod
    def from_row(cls, r: Any) -> Environment:
        return from_columns(
            cls,
            r,
            train_id=strawberry.ID(to_global_id("Train", r.train_id)) if r.train_id else None,
            owner_uids=[uuid.UUID(str(p)) for p in r.owner_person_ids or []],
        )

    business_unit = node_field(
        BusinessUnit,
        "business_unit",
        "bu_uid",
        "The owning BU; null for an org-wide shared environment.",
    )

    @strawberry.field
    async def owner_team(self, info: Info) -> Team | None:
        if self.owner_team_uid is None:
            return None
        return await load_node(info.context.loaders.team, Team, self.owner_team_uid)

    @strawberry.field(description="People who own it.")
    async def owners(self, info: Info) -> list[Person]:
        rows = await info.context.loaders.person.load_many(self.owner_uids)
        return [Person.from_row(r) for r in rows if r]

    @strawberry.field(description="Reservations you may read, by start.")
    async def reservations(
        self,
        info: Info,
        status: ReservationStatus | None = None,
        ending_after: datetime | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Reservation]:
        key = (self.uid, status.value if status else None, ending_after, first, after)
        return await load_page(info.context.loaders.reservations_of_environment, key, Reservation)

    current_snapshot = node_field(
        ConfigSnapshot, "current_snapshot", "uid", "The newest config snapshot: what runs here now."
    )

    @strawberry.field(description="Every config snapshot reported, oldest first.")
    async def snapshots(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[ConfigSnapshot]:
        return await load_page(
            info.context.loaders.snapshots_of_environment, (self.uid, first, after), ConfigSnapshot
        )


@strawberry.type(description="One way two environments' current snapshots differ.")
class ParityDivergence:
    kind: DivergenceKind
    service: str | None = strawberry.field(description="The service key, for image kinds.")
    left: str | None = strawberry.field(description="The value on the left; null when absent.")
    right: str | None


@strawberry.type(description="Every divergence between two environments' current snapshots.")
class ParityReport:
    in_parity: bool = strawberry.field(
        description="True when both have a snapshot and nothing diverges."
    )
    divergences: list[ParityDivergence]
    left_uid: strawberry.Private[uuid.UUID]
    right_uid: strawberry.Private[uuid.UUID]
    snapshots: strawberry.Private[tuple[uuid.UUID | None, uuid.UUID | None]]

    @classmethod
    def from_domain(cls, p: parity.ParityResult) -> ParityReport:
        return cls(
            in_parity=p.in_parity,
            divergences=[
                ParityDivergence(kind=d.kind, service=d.service, left=d.left, right=d.right)
                for d in p.divergences
            ],
            left_uid=p.left_environment_id,
            right_uid=p.right_environment_id,
            snapshots=(p.left_snapshot_id, p.right_snapshot_id),
        )

    left = node_field(Environment, "environment", "left_uid")

    right = node_field(Environment, "environment", "right_uid")

    @strawberry.field(description="The left environment's snapshot compared.")
    async def left_snapshot(self, info: Info) -> ConfigSnapshot | None:
        return await load_node(
            info.context.loaders.config_snapshot, ConfigSnapshot, self.snapshots[0]
        )

    @strawberry.field(description="The right environment's snapshot compared.")
    async def right_snapshot(self, info: Info) -> ConfigSnapshot | None:
        return await load_node(
            info.context.loaders.config_snapshot, ConfigSnapshot, self.snapshots[1]
        )
