"""Inputs of data-migration safety and production volume profiles (readiness)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.readiness_migrations_types import CompensationKind, VolumeSource
from domain.readiness.migration_rules import Compensation, PreCheck


@strawberry.input(description="A pre-validation check: what it verifies, and its result.")
class DataMigrationPreCheckInput:
    name: str
    verifies: str
    passed: bool | None = strawberry.field(
        default=None, description="Its result on the target data; null until it has run."
    )
    detail: str = ""

    def command(self) -> PreCheck:
        return PreCheck(self.name, self.verifies, self.passed, self.detail)


@strawberry.input(
    description="How the migration is undone on rollback: a REVERSE_MIGRATION names the "
    "migration in `reference`, a COMPENSATING_TRANSACTION links its document there; an "
    "IRREVERSIBLE one says why in `notes` (20 characters or more) and waits for someone other "
    "than its declarer to approve the waiver."
)
class DataMigrationCompensationInput:
    kind: CompensationKind
    reference: str = ""
    notes: str = ""

    def command(self) -> Compensation:
        return Compensation(self.kind.value, self.reference, self.notes)


@strawberry.input(description="Declare a data migration the release carries for a service.")
class DataMigrationDeclareInput:
    release_id: strawberry.ID
    service_id: strawberry.ID = strawberry.field(description="A service the release ships.")
    key: str = strawberry.field(description="As the dry run names it.")
    description: str = ""
    pre_checks: list[DataMigrationPreCheckInput] = strawberry.field(default_factory=list)
    compensation: DataMigrationCompensationInput | None = None


@strawberry.input(description="Replace a migration's pre-validation checks and their results.")
class DataMigrationPreChecksRecordInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a conflict.")
    pre_checks: list[DataMigrationPreCheckInput]


@strawberry.input(description="Set a migration's compensating step (or irreversible waiver).")
class DataMigrationCompensationSetInput:
    id: strawberry.ID
    version: int = strawberry.field(description="The version you read; a newer one is a conflict.")
    compensation: DataMigrationCompensationInput


@strawberry.input(description="One data migration, at the version you read.")
class DataMigrationVersionInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="Set a service's production volume; null figures are not compared.")
class ServiceVolumeProfileSetInput:
    service_id: strawberry.ID
    rows: float | None = None
    requests_per_second: float | None = None
    payload_bytes: float | None = None
    source: VolumeSource = VolumeSource.DECLARED  # type: ignore[attr-defined]
    measured_at: datetime | None = None
    version: int | None = strawberry.field(
        default=None,
        description="The version you read when changing a profile; null replaces it (a job "
        "reporting production figures).",
    )
