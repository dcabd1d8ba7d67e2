"""Environments: the catalog, reservations and their queue, config snapshots and parity."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.environments_inputs import (
    ConfigSnapshotPayload,
    ConfigSnapshotReportInput,
    EnvironmentCreateInput,
    EnvironmentFilter,
    EnvironmentPayload,
    EnvironmentRetireInput,
    EnvironmentUpdateInput,
    ReservationCancelInput,
    ReservationPayload,
    ReservationReleaseInput,
    ReservationRequestInput,
)
from api.graphql.environments_types import (
    HOLDER_TYPES,
    ConfigSnapshot,
    Environment,
    ParityReport,
    Reservation,
    ReservationContention,
)
from api.graphql.mutations import MutationRunner
from api.graphql.relay import (
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
)
from api.graphql.user_errors import ENVIRONMENTS, UserError
from domain.environments import catalog, reservations, snapshots
from domain.environments import commands as cmd
from domain.environments import queries as envq
from domain.environments.vocabulary import HolderKind
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader

run = MutationRunner(ENVIRONMENTS)
environment_payload = run.into(EnvironmentPayload, environment=Environment)


def _people(values: list[strawberry.ID] | None) -> list[uuid.UUID] | None:
    if values is None:
        return None
    return [from_global_id(v, "Person", "ownerIds") for v in values]


@strawberry.type
class EnvironmentsQuery:
    @connection_field(
        Environment, description="Environments you may read (your BUs' and org-wide), by key."
    )
    def environments(r: Reader, f: EnvironmentFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return envq.environments(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            kind=f.kind.value if f.kind else None,
            product_domain=f.product_domain,
            region=f.region,
            include_retired=f.include_retired,
            **page,
        )

    @strawberry.field(
        description="Every divergence between two environments' current config snapshots "
        "(e.g. staging vs production); never in parity when either has none."
    )
    async def environment_parity(
        self, info: Info, left: strawberry.ID, right: strawberry.ID
    ) -> ParityReport:
        left_id = from_global_id(left, "Environment", "left")
        right_id = from_global_id(right, "Environment", "right")
        async with info.context.reader() as r:
            found = await envq.parity(r, left_id, right_id)
        return ParityReport.from_domain(found)


def _reservation(
    result: reservations.ReservationResult | None, errors: list[UserError]
) -> ReservationPayload:
    if result is None:
        return ReservationPayload(
            reservation=None, queue_position=None, contention=[], promoted=[], errors=errors
        )
    return ReservationPayload(
        reservation=Reservation.from_row(result.reservation),
        queue_position=result.queue_position,
        contention=[ReservationContention.from_domain(b) for b in result.contention],
        promoted=[Reservation.from_row(p) for p in result.promoted],
        errors=errors,
    )


reservation_payload = run.answering(ReservationPayload, _reservation)


@strawberry.type
class EnvironmentsMutation:
    @environment_payload.mutation(
        catalog.create_environment, description="Add an environment to the catalog."
    )
    def environment_create(input: EnvironmentCreateInput) -> cmd.CreateEnvironment:
        return cmd.CreateEnvironment(
            key=input.key,
            name=input.name,
            kind=input.kind.value,
            capacity=input.capacity,
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            product_domain=input.product_domain,
            train_id=from_optional_global_id(input.train_id, "Train", "trainId"),
            region=input.region,
            final_staging=input.final_staging,
            owner_team_id=from_optional_global_id(input.owner_team_id, "Team", "ownerTeamId"),
            owner_person_ids=_people(input.owner_ids) or [],
        )

    @environment_payload.mutation(
        catalog.update_environment,
        description="Change an environment's name, capacity, owners or place.",
    )
    def environment_update(input: EnvironmentUpdateInput) -> cmd.UpdateEnvironment:
        return cmd.UpdateEnvironment(
            environment_id=from_global_id(input.id, "Environment"),
            version=input.version,
            name=input.name,
            capacity=input.capacity,
            product_domain=input.product_domain,
            train_id=from_optional_global_id(input.train_id, "Train", "trainId"),
            region=input.region,
            final_staging=input.final_staging,
            owner_team_id=from_optional_global_id(input.owner_team_id, "Team", "ownerTeamId"),
            owner_person_ids=_people(input.owner_ids),
            clear=frozenset(f.value for f in input.clear),
        )

    environment_retire = environment_payload.by_id(
        EnvironmentRetireInput,
        "Environment",
        catalog.retire_environment,
        description="Retire an environment nobody holds or waits for.",
    )

    @reservation_payload.mutation(
        reservations.request_reservation,
        description="Reserve an environment: GRANTED when it fits, else QUEUED (FIFO) with "
        "its queue position and the reservations in its way.",
    )
    def reservation_request(input: ReservationRequestInput) -> cmd.RequestReservation:
        kind = HolderKind(input.holder_kind.value)
        return cmd.RequestReservation(
            environment_id=from_global_id(input.environment_id, "Environment", "environmentId"),
            holder_kind=kind.value,
            holder_id=from_global_id(input.holder_id, HOLDER_TYPES[kind], "holderId"),
            mode=input.mode.value,
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            holder_label=input.holder_label,
            purpose=input.purpose,
        )

    @reservation_payload.mutation(
        reservations.release_reservation,
        description="Give a granted reservation back (or shorten it); the queue moves up.",
    )
    def reservation_release(input: ReservationReleaseInput) -> cmd.ReleaseReservation:
        return cmd.ReleaseReservation(
            reservation_id=from_global_id(input.id, "Reservation"),
            version=input.version,
            at=input.at,
        )

    reservation_cancel = reservation_payload.by_id(
        ReservationCancelInput,
        "Reservation",
        reservations.cancel_reservation,
        description="Withdraw a granted or queued reservation; the queue moves up.",
    )

    @strawberry.mutation(
        description="Report what runs in an environment (CI): Helm, Terraform and image digests."
    )
    async def config_snapshot_report(
        self, info: Info, input: ConfigSnapshotReportInput
    ) -> ConfigSnapshotPayload:
        c = cmd.ReportSnapshot(
            environment_id=from_global_id(input.environment_id, "Environment", "environmentId"),
            helm_chart=input.helm_chart,
            helm_chart_version=input.helm_chart_version,
            helm_values_digest=input.helm_values_digest,
            terraform_serial=input.terraform_serial,
            terraform_digest=input.terraform_digest,
            git_commit=input.git_commit,
            images=[(i.service, i.digest) for i in input.images],
        )
        found, errors = await run(info, lambda uow: snapshots.report_snapshot(uow, c))
        return ConfigSnapshotPayload(
            config_snapshot=ConfigSnapshot.from_row(found.snapshot) if found else None,
            errors=errors,
        )
