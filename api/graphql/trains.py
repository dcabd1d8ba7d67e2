"""Trains, PIs, departures, features and their graph, integration windows: thin resolvers."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import (
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
)
from api.graphql.trains_graph import FeatureGraph, ReplanPreview
from api.graphql.trains_inputs import (
    CadenceInput,
    DepartureBoardInput,
    DeparturePayload,
    DeparturesPayload,
    DepartureStatusInput,
    FeatureCreateInput,
    FeatureDeleteInput,
    FeatureDependencyInput,
    FeatureFilter,
    FeatureGraphInput,
    FeaturePayload,
    FeatureReplanPreviewInput,
    FeatureUpdateInput,
    IntegrationResultPayload,
    IntegrationResultRecordInput,
    IntegrationWindowPayload,
    IntegrationWindowRescheduleInput,
    IntegrationWindowScheduleInput,
    ProgramIncrementsPayload,
    TrainCadenceChangeInput,
    TrainCreateInput,
    TrainDeparturesGenerateInput,
    TrainFilter,
    TrainPayload,
    TrainPiCreateInput,
    TrainUpdateInput,
)
from api.graphql.trains_types import (
    Departure,
    Feature,
    IntegrationResult,
    IntegrationWindow,
    ProgramIncrement,
    Train,
)
from api.graphql.user_errors import TRAINS
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.trains import commands as cmd
from domain.trains import departures, features, integration, trains
from domain.trains import queries as trq
from domain.trains.cadence import Cadence
from domain.trains.vocabulary import DepartureStatus

run = MutationRunner(TRAINS)
train_payload = run.into(TrainPayload, train=Train)
departure_payload = run.into(DeparturePayload, departure=Departure)
feature_payload = run.into(FeaturePayload, feature=Feature)
integration_window_payload = run.into(
    IntegrationWindowPayload, integration_window=IntegrationWindow
)
integration_result_payload = run.into(
    IntegrationResultPayload, integration_result=IntegrationResult
)


def _cadence(c: CadenceInput) -> Cadence:
    return Cadence(
        kind=c.kind.value,
        departure_time=c.departure_time,
        tzid=c.time_zone,
        weekday=c.weekday,
        dates=tuple(c.dates),
        rrule=c.rrule,
    )


@strawberry.type
class TrainsQuery:
    @connection_field(Train, description="Trains you may read, by key.")
    def trains(r: Reader, f: TrainFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return trq.trains(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            product_domain=f.product_domain,
            **page,
        )

    @connection_field(Feature, description="Features you may read, by title.")
    def features(r: Reader, f: FeatureFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return trq.features(
            r,
            train_id=from_optional_global_id(f.train_id, "Train", "trainId"),
            pi_id=from_optional_global_id(f.pi_id, "ProgramIncrement", "piId"),
            team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
            departure_id=from_optional_global_id(f.departure_id, "Departure", "departureId"),
            **page,
        )

    @strawberry.field(
        description="The dependency graph of a PI's or train's features with everything linked "
        "to them (that you may read): cycles, misalignments, later trains, critical paths."
    )
    async def feature_graph(self, info: Info, input: FeatureGraphInput) -> FeatureGraph:
        pi_id = from_optional_global_id(input.pi_id, "ProgramIncrement", "piId")
        train_id = from_optional_global_id(input.train_id, "Train", "trainId")
        async with info.context.reader() as r:
            view = await trq.feature_graph(r, pi_id=pi_id, train_id=train_id)
        return FeatureGraph.from_view(view)

    @strawberry.field(description="What else would have to move if a feature were re-planned.")
    async def feature_replan_preview(
        self, info: Info, input: FeatureReplanPreviewInput
    ) -> ReplanPreview:
        feature_id = from_global_id(input.feature_id, "Feature", "featureId")
        pi_id = from_optional_global_id(input.new_pi_id, "ProgramIncrement", "newPiId")
        departure_id = from_optional_global_id(
            input.new_departure_id, "Departure", "newDepartureId"
        )
        async with info.context.reader() as r:
            _, impact = await trq.replan_preview(r, feature_id, pi_id, departure_id)
        return ReplanPreview.from_domain(impact)


def _boarding(input: DepartureBoardInput) -> cmd.Board:
    return cmd.Board(
        from_global_id(input.departure_id, "Departure", "departureId"),
        from_global_id(input.release_id, "Release", "releaseId"),
    )


def _set_status(
    status: DepartureStatus,
) -> Callable[[UnitOfWork, uuid.UUID, int], Awaitable[Any]]:
    return lambda uow, departure_id, version: departures.set_departure_status(
        uow, departure_id, version, status
    )


@strawberry.type
class TrainsMutation:
    @train_payload.mutation(trains.create_train, description="Create a train with its cadence.")
    def train_create(input: TrainCreateInput) -> cmd.CreateTrain:
        return cmd.CreateTrain(
            bu_id=from_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            key=input.key,
            name=input.name,
            product_domain=input.product_domain,
            cadence=_cadence(input.cadence),
        )

    @train_payload.mutation(
        trains.update_train, description="Rename a train or change its product domain."
    )
    def train_update(input: TrainUpdateInput) -> cmd.UpdateTrain:
        return cmd.UpdateTrain(
            from_global_id(input.id, "Train"), input.version, input.name, input.product_domain
        )

    @train_payload.mutation(
        trains.change_cadence,
        description="Change the cadence from a PI still to come, with a reason: that PI's "
        "departures onward are regenerated, earlier ones kept, and the history grows.",
    )
    def train_cadence_change(input: TrainCadenceChangeInput) -> cmd.ChangeCadence:
        return cmd.ChangeCadence(
            train_id=from_global_id(input.train_id, "Train", "trainId"),
            version=input.version,
            cadence=_cadence(input.cadence),
            effective_from_pi_id=from_global_id(
                input.effective_from_pi_id, "ProgramIncrement", "effectiveFromPiId"
            ),
            reason=input.reason.value,
            reason_text=input.reason_text,
        )

    @strawberry.mutation(description="Add Program Increments to a train, back to back.")
    async def train_pi_create(
        self, info: Info, input: TrainPiCreateInput
    ) -> ProgramIncrementsPayload:
        c = cmd.CreatePi(
            train_id=from_global_id(input.train_id, "Train", "trainId"),
            iterations=input.iterations,
            iteration_weeks=input.iteration_weeks,
            starts_on=input.starts_on,
            name=input.name,
            count=input.count,
        )
        made, errors = await run(info, lambda uow: trains.create_pis(uow, c))
        return ProgramIncrementsPayload(
            program_increments=[ProgramIncrement.from_row(p) for p in made or []], errors=errors
        )

    @strawberry.mutation(description="Generate departures of a PI range (idempotent).")
    async def train_departures_generate(
        self, info: Info, input: TrainDeparturesGenerateInput
    ) -> DeparturesPayload:
        c = cmd.GenerateDepartures(
            train_id=from_global_id(input.train_id, "Train", "trainId"),
            from_pi_id=from_global_id(input.from_pi_id, "ProgramIncrement", "fromPiId"),
            to_pi_id=from_optional_global_id(input.to_pi_id, "ProgramIncrement", "toPiId"),
        )
        made, errors = await run(info, lambda uow: trains.generate_departures(uow, c))
        return DeparturesPayload(
            departures=[Departure.from_row(d) for d in made or []], errors=errors
        )

    @departure_payload.mutation(
        departures.board, description="Board a release (of the train's BU) onto a departure."
    )
    def departure_board(input: DepartureBoardInput) -> cmd.Board:
        return _boarding(input)

    @departure_payload.mutation(departures.alight, description="Take a release off a departure.")
    def departure_alight(input: DepartureBoardInput) -> cmd.Board:
        return _boarding(input)

    departure_depart = departure_payload.by_id(
        DepartureStatusInput,
        "Departure",
        _set_status(DepartureStatus.DEPARTED),
        description="Mark a scheduled departure as departed.",
    )
    departure_cancel = departure_payload.by_id(
        DepartureStatusInput,
        "Departure",
        _set_status(DepartureStatus.CANCELLED),
        description="Cancel a scheduled departure.",
    )

    @feature_payload.mutation(
        features.create_feature, description="Plan a team's feature for a PI (and a departure)."
    )
    def feature_create(input: FeatureCreateInput) -> cmd.CreateFeature:
        return cmd.CreateFeature(
            team_id=from_global_id(input.team_id, "Team", "teamId"),
            pi_id=from_global_id(input.pi_id, "ProgramIncrement", "piId"),
            title=input.title,
            departure_id=from_optional_global_id(input.departure_id, "Departure", "departureId"),
            effort=input.effort,
            description=input.description,
        )

    @feature_payload.mutation(features.update_feature, description="Edit or re-plan a feature.")
    def feature_update(input: FeatureUpdateInput) -> cmd.UpdateFeature:
        return cmd.UpdateFeature(
            feature_id=from_global_id(input.id, "Feature"),
            version=input.version,
            title=input.title,
            description=input.description,
            effort=input.effort,
            pi_id=from_optional_global_id(input.pi_id, "ProgramIncrement", "piId"),
            departure_id=from_optional_global_id(input.departure_id, "Departure", "departureId"),
            clear_departure=input.clear_departure,
            done=input.done,
        )

    feature_delete = feature_payload.by_id(
        FeatureDeleteInput,
        "Feature",
        features.delete_feature,
        description="Drop a feature and its dependencies.",
    )

    @strawberry.mutation(description="Record that a feature depends on another team's feature.")
    async def feature_dependency_add(
        self, info: Info, input: FeatureDependencyInput
    ) -> FeaturePayload:
        c = from_global_id(input.feature_id, "Feature", "featureId")
        p = from_global_id(input.depends_on_id, "Feature", "dependsOnId")
        return await feature_payload(
            info, lambda uow: features.add_dependency(uow, c, p, input.note)
        )

    @strawberry.mutation(description="Remove a dependency.")
    async def feature_dependency_remove(
        self, info: Info, input: FeatureDependencyInput
    ) -> FeaturePayload:
        c = from_global_id(input.feature_id, "Feature", "featureId")
        p = from_global_id(input.depends_on_id, "Feature", "dependsOnId")
        return await feature_payload(info, lambda uow: features.remove_dependency(uow, c, p))

    @integration_window_payload.mutation(
        integration.schedule_window, description="Schedule a departure's integration-test window."
    )
    def integration_window_schedule(
        input: IntegrationWindowScheduleInput,
    ) -> cmd.ScheduleIntegration:
        return cmd.ScheduleIntegration(
            departure_id=from_global_id(input.departure_id, "Departure", "departureId"),
            starts_at=input.starts_at,
            ends_at=input.ends_at,
            team_ids=[from_global_id(t, "Team", "teamIds") for t in input.team_ids],
            service_ids=[from_global_id(s, "Service", "serviceIds") for s in input.service_ids],
        )

    @strawberry.mutation(description="Move an integration-test window.")
    async def integration_window_reschedule(
        self, info: Info, input: IntegrationWindowRescheduleInput
    ) -> IntegrationWindowPayload:
        w = from_global_id(input.id, "IntegrationWindow")
        return await integration_window_payload(
            info,
            lambda uow: integration.reschedule_window(
                uow, w, input.version, input.starts_at, input.ends_at
            ),
        )

    @integration_result_payload.mutation(
        integration.record_result,
        description="Record a test suite's result in an integration window.",
    )
    def integration_result_record(input: IntegrationResultRecordInput) -> cmd.RecordResult:
        return cmd.RecordResult(
            window_id=from_global_id(input.window_id, "IntegrationWindow", "windowId"),
            suite=input.suite,
            passed=input.passed,
            details=input.details,
        )
