"""GraphQL types of data-migration safety and production volume profiles (readiness)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

import strawberry

from api.graphql.enums import exposed
from api.graphql.governance_types import Release
from api.graphql.organization_types import Person, Service
from api.graphql.relay import Node, node_field
from api.graphql.rows import from_columns
from api.graphql.user_errors import UserError
from domain.readiness import migration_vocabulary, volume_vocabulary

CompensationKind = exposed(migration_vocabulary.CompensationKind)
VolumeSource = exposed(volume_vocabulary.VolumeSource)


@strawberry.type(description="A pre-validation check of a data migration, and its result.")
class DataMigrationPreCheck:
    name: str
    verifies: str = strawberry.field(description="What the check verifies on the target data.")
    passed: bool | None = strawberry.field(
        description="Its result on the target data; null until it has run there."
    )
    detail: str


@strawberry.type(
    description="A data migration a release carries for one service it ships: its "
    "pre-validation checks, its compensating step for rollback (or an approved irreversible "
    "waiver). Its dry run is the `migration_dry_run` evidence of the artifact promoted whose "
    "`migrations` name its key; the promotion decision's data_migrations gate judges it."
)
class DataMigration(Node):
    id: strawberry.ID
    key: str = strawberry.field(
        description="As the dry run names it (the alembic revision, the Flyway version...)."
    )
    description: str
    pre_checks: list[DataMigrationPreCheck]
    compensation_kind: CompensationKind | None = strawberry.field(
        description="Null until a compensating step (or an irreversible waiver) is given."
    )
    compensation_reference: str = strawberry.field(
        description="The reverse migration, or the document of the compensating transaction."
    )
    compensation_notes: str = strawberry.field(
        description="How it compensates; for an irreversible one, why nothing can undo it."
    )
    waiver_approved_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    declared_by_uid: strawberry.Private[uuid.UUID | None]
    waiver_approved_by_uid: strawberry.Private[uuid.UUID | None]

    release = node_field(Release, "release", "release_uid")
    service = node_field(Service, "service", "service_uid")
    declared_by = node_field(Person, "person", "declared_by_uid")
    waiver_approved_by = node_field(
        Person, "person", "waiver_approved_by_uid", "Who approved the irreversible waiver."
    )

    @classmethod
    def from_row(cls, row: Any) -> Self:
        checks = [DataMigrationPreCheck(**c) for c in row.pre_checks or []]
        return from_columns(cls, row, pre_checks=checks)


@strawberry.type(
    description="A service's production volume: what a performance run or a migration dry run "
    "must come close to (the guardrail min_production_volume_percent) to count. A figure left "
    "null is not compared."
)
class VolumeProfile(Node):
    id: strawberry.ID
    rows: float | None = strawberry.field(
        description="Rows of production data (a whole number; Float because Int stops at 2^31)."
    )
    requests_per_second: float | None
    payload_bytes: float | None = strawberry.field(
        description="Typical payload size in bytes (a whole number)."
    )
    source: VolumeSource
    measured_at: datetime | None = strawberry.field(
        description="When the production figures were taken, when known."
    )
    version: int
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    updated_by_uid: strawberry.Private[uuid.UUID | None]

    service = node_field(Service, "service", "service_uid")
    updated_by = node_field(Person, "person", "updated_by_uid")

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(cls, row)


@strawberry.type
class DataMigrationPayload:
    data_migration: DataMigration | None
    errors: list[UserError]


@strawberry.type
class VolumeProfilePayload:
    volume_profile: VolumeProfile | None
    errors: list[UserError]


NODE_LOADERS: dict[str, tuple[str, Any]] = {
    "DataMigration": ("data_migration", DataMigration),
    "VolumeProfile": ("volume_profile", VolumeProfile),
}
"""Node types of this module and their DataLoaders, for `node(id:)`."""
