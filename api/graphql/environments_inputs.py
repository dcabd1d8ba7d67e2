"""Inputs and payloads of the environments' queries and mutations."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from api.graphql.environments_types import (
    ConfigSnapshot,
    Environment,
    EnvironmentKind,
    HolderKind,
    Reservation,
    ReservationContention,
    ReservationMode,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput
from domain.environments import vocabulary as environments_vocabulary


@strawberry.enum(description="An optional fact of an environment that an update may clear.")
class EnvironmentField(Enum):
    PRODUCT_DOMAIN = "product_domain"
    TRAIN = "train_id"
    REGION = "region"
    OWNER_TEAM = "owner_team_id"


@strawberry.input(description="Which environments to list; all you may read when empty.")
class EnvironmentFilter:
    business_unit_id: strawberry.ID | None = None
    kind: EnvironmentKind | None = None
    product_domain: str | None = None
    region: str | None = None
    include_retired: bool = False


@strawberry.input
class EnvironmentCreateInput:
    key: str = strawberry.field(description="Unique, e.g. payments-staging-2.")
    name: str
    kind: EnvironmentKind
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Null for an org-wide shared environment (RMO only)."
    )
    capacity: int = strawberry.field(
        default=1, description="Concurrent SHARED holders; EXCLUSIVE ones take it all."
    )
    product_domain: str | None = None
    train_id: strawberry.ID | None = strawberry.field(
        default=None, description="The train a parallel staging environment serves."
    )
    region: str | None = strawberry.field(default=None, description="Required for PRODUCTION.")
    final_staging: bool = strawberry.field(
        default=False, description="The last staging before production of its product domain."
    )
    owner_team_id: strawberry.ID | None = None
    owner_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="People who own it."
    )


@strawberry.input(description="Only the fields given change; `clear` empties optional ones.")
class EnvironmentUpdateInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a conflict.")
    name: str | None = None
    capacity: int | None = None
    product_domain: str | None = None
    train_id: strawberry.ID | None = None
    region: str | None = None
    final_staging: bool | None = None
    owner_team_id: strawberry.ID | None = None
    owner_ids: list[strawberry.ID] | None = None
    clear: list[EnvironmentField] = strawberry.field(default_factory=list)


@strawberry.input
class EnvironmentRetireInput(VersionedInput):
    pass


@strawberry.type
class EnvironmentPayload:
    environment: Environment | None
    errors: list[UserError]


@strawberry.input(description="A request to hold an environment for [startsAt, endsAt).")
class ReservationRequestInput:
    environment_id: strawberry.ID
    holder_kind: HolderKind
    holder_id: strawberry.ID = strawberry.field(
        description="Global id of the Train, Release, Team or Person holding it."
    )
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive; at most 90 days after startsAt.")
    mode: ReservationMode = environments_vocabulary.ReservationMode.EXCLUSIVE
    holder_label: str | None = strawberry.field(
        default=None,
        description="A name for the holder (default: its own name; for a train, say which).",
    )
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="On whose behalf; required for an org-wide environment."
    )
    purpose: str = ""


@strawberry.input(description="Give a granted reservation back, now or from a later moment.")
class ReservationReleaseInput(VersionedInput):
    at: datetime | None = strawberry.field(
        default=None, description="From when (default now); a later time shortens it."
    )


@strawberry.input
class ReservationCancelInput(VersionedInput):
    pass


@strawberry.type(
    description="The reservation; when QUEUED, its queue position and what is in its way; "
    "after a release or cancellation, the queued reservations promoted by it that you may read."
)
class ReservationPayload:
    reservation: Reservation | None
    queue_position: int | None
    contention: list[ReservationContention]
    promoted: list[Reservation]
    errors: list[UserError]


@strawberry.input(description="A service's image: its key and sha256:<64 hex> digest.")
class ImageDigestInput:
    service: str
    digest: str


@strawberry.input(description="What CI saw in an environment; digests are sha256:<64 hex>.")
class ConfigSnapshotReportInput:
    environment_id: strawberry.ID
    helm_chart: str | None = None
    helm_chart_version: str | None = None
    helm_values_digest: str | None = None
    terraform_serial: int | None = None
    terraform_digest: str | None = None
    git_commit: str | None = None
    images: list[ImageDigestInput] = strawberry.field(default_factory=list)


@strawberry.type
class ConfigSnapshotPayload:
    config_snapshot: ConfigSnapshot | None
    errors: list[UserError]
