"""Readiness: the data migrations a release declares and each service's production volume."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.readiness_migrations_inputs import (
    DataMigrationCompensationSetInput,
    DataMigrationDeclareInput,
    DataMigrationPreChecksRecordInput,
    DataMigrationVersionInput,
    ServiceVolumeProfileSetInput,
)
from api.graphql.readiness_migrations_types import (
    NODE_LOADERS,
    DataMigration,
    DataMigrationPayload,
    VolumeProfile,
    VolumeProfilePayload,
)
from api.graphql.relay import from_global_id, load_node
from api.graphql.user_errors import DATA_MIGRATIONS, VOLUMES
from domain.readiness import migration_safety, volume_profiles
from domain.readiness.migration_commands import (
    DeclareDataMigration,
    RecordPreChecks,
    SetCompensation,
)
from domain.readiness.volume_commands import SetVolumeProfile

migration_payload = MutationRunner(DATA_MIGRATIONS).into(
    DataMigrationPayload, data_migration=DataMigration
)
volume_payload = MutationRunner(VOLUMES).into(VolumeProfilePayload, volume_profile=VolumeProfile)


@strawberry.type
class ReadinessMigrationsQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This module's node types and loaders, for the schema's `node(id:)`."""
        return NODE_LOADERS

    @strawberry.field(
        description="The data migrations a release declares, by service then key (at most 50)."
    )
    async def release_data_migrations(
        self, info: Info, release_id: strawberry.ID
    ) -> list[DataMigration]:
        rid = from_global_id(release_id, "Release", "releaseId")
        rows = await info.context.loaders.release_data_migrations.load(rid)
        return [DataMigration.from_row(r) for r in rows]

    @strawberry.field(description="A service's production volume profile; null when none is set.")
    async def service_volume_profile(
        self, info: Info, service_id: strawberry.ID
    ) -> VolumeProfile | None:
        sid = from_global_id(service_id, "Service", "serviceId")
        loaded = await load_node(info.context.loaders.service_volume_profile, VolumeProfile, sid)
        return loaded  # type: ignore[no-any-return]


@strawberry.type
class ReadinessMigrationsMutation:
    @migration_payload.mutation(
        migration_safety.declare,
        description="Declare a data migration a release carries for one of its services.",
    )
    def data_migration_declare(input: DataMigrationDeclareInput) -> DeclareDataMigration:
        return DeclareDataMigration(
            release_id=from_global_id(input.release_id, "Release", "releaseId"),
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            key=input.key,
            description=input.description,
            pre_checks=tuple(c.command() for c in input.pre_checks),
            compensation=input.compensation.command() if input.compensation else None,
        )

    @migration_payload.mutation(
        migration_safety.record_pre_checks,
        description="Replace a data migration's pre-validation checks and their results.",
    )
    def data_migration_pre_checks_record(
        input: DataMigrationPreChecksRecordInput,
    ) -> RecordPreChecks:
        return RecordPreChecks(
            migration_id=from_global_id(input.id, "DataMigration"),
            version=input.version,
            pre_checks=tuple(c.command() for c in input.pre_checks),
        )

    @migration_payload.mutation(
        migration_safety.set_compensation,
        description="Set how a data migration is undone on rollback, or declare it "
        "irreversible (a waiver someone other than you approves).",
    )
    def data_migration_compensation_set(
        input: DataMigrationCompensationSetInput,
    ) -> SetCompensation:
        return SetCompensation(
            migration_id=from_global_id(input.id, "DataMigration"),
            version=input.version,
            compensation=input.compensation.command(),
        )

    data_migration_waiver_approve = migration_payload.by_id(
        DataMigrationVersionInput,
        "DataMigration",
        migration_safety.approve_waiver,
        description="Approve an irreversible data migration's waiver (never its declarer's "
        "nor a release author's).",
    )

    data_migration_withdraw = migration_payload.by_id(
        DataMigrationVersionInput,
        "DataMigration",
        migration_safety.withdraw,
        description="Withdraw a data migration declared by mistake.",
    )

    @volume_payload.mutation(
        volume_profiles.set_profile,
        description="Set a service's production volume (rows, requests/s, payload size).",
    )
    def service_volume_profile_set(input: ServiceVolumeProfileSetInput) -> SetVolumeProfile:
        return SetVolumeProfile(
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            rows=input.rows,
            requests_per_second=input.requests_per_second,
            payload_bytes=input.payload_bytes,
            source=input.source.value,
            measured_at=input.measured_at,
            version=input.version,
        )
