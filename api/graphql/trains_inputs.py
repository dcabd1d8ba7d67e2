"""Inputs and payloads of the trains context's queries and mutations."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.graphql.trains_types import (
    CadenceChangeReason,
    CadenceKind,
    Departure,
    Feature,
    IntegrationResult,
    IntegrationWindow,
    ProgramIncrement,
    Train,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput


@strawberry.input(description="A cadence: departures at a wall-clock time in a time zone.")
class CadenceInput:
    kind: CadenceKind
    departure_time: str = strawberry.field(default="17:00", description="HH:MM, local.")
    time_zone: str = "UTC"
    weekday: int | None = strawberry.field(
        default=None, description="0 (Monday) to 6, for WEEKLY and BI_WEEKLY."
    )
    dates: list[date] = strawberry.field(
        default_factory=list, description="CUSTOM: the departure dates (or give an rrule)."
    )
    rrule: str | None = strawberry.field(
        default=None, description="CUSTOM: an RFC 5545 RRULE value, anchored at each PI's start."
    )


@strawberry.input
class TrainFilter:
    business_unit_id: strawberry.ID | None = None
    product_domain: str | None = None


@strawberry.input
class TrainCreateInput:
    business_unit_id: strawberry.ID
    key: str = strawberry.field(description="Lowercase, unique; departure codes start with it.")
    name: str
    product_domain: str
    cadence: CadenceInput


@strawberry.input
class TrainUpdateInput(VersionedInput):
    name: str | None = None
    product_domain: str | None = None


@strawberry.input(description="A new cadence from a PI still to come, and why.")
class TrainCadenceChangeInput:
    train_id: strawberry.ID
    version: int
    cadence: CadenceInput
    effective_from_pi_id: strawberry.ID
    reason: CadenceChangeReason
    reason_text: str = strawberry.field(default="", description="Required when reason is OTHER.")


@strawberry.input(description="PIs after the train's last one (or from startsOn), back to back.")
class TrainPiCreateInput:
    train_id: strawberry.ID
    iterations: int = 5
    iteration_weeks: int = 2
    starts_on: date | None = None
    name: str | None = None
    count: int = strawberry.field(default=1, description="How many PIs (1 to 8).")


@strawberry.input(description="Generate departures of PIs fromPiId..toPiId from their cadence.")
class TrainDeparturesGenerateInput:
    train_id: strawberry.ID
    from_pi_id: strawberry.ID
    to_pi_id: strawberry.ID | None = None


@strawberry.input
class DepartureBoardInput:
    departure_id: strawberry.ID
    release_id: strawberry.ID


@strawberry.input
class DepartureStatusInput(VersionedInput):
    pass


@strawberry.input
class FeatureFilter:
    train_id: strawberry.ID | None = None
    pi_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    departure_id: strawberry.ID | None = None


@strawberry.input
class FeatureCreateInput:
    team_id: strawberry.ID
    pi_id: strawberry.ID
    title: str
    departure_id: strawberry.ID | None = None
    effort: int = 1
    description: str = ""


@strawberry.input(description="Edit or re-plan a feature; preview the impact first.")
class FeatureUpdateInput(VersionedInput):
    title: str | None = None
    description: str | None = None
    effort: int | None = None
    pi_id: strawberry.ID | None = None
    departure_id: strawberry.ID | None = None
    clear_departure: bool = False
    done: bool | None = None


@strawberry.input
class FeatureDeleteInput(VersionedInput):
    pass


@strawberry.input(description="featureId depends on dependsOnId (a feature of another team).")
class FeatureDependencyInput:
    feature_id: strawberry.ID
    depends_on_id: strawberry.ID
    note: str = ""


@strawberry.input(description="Exactly one of piId and trainId.")
class FeatureGraphInput:
    pi_id: strawberry.ID | None = None
    train_id: strawberry.ID | None = None


@strawberry.input(description="Where the feature would go: a PI, a departure, or both.")
class FeatureReplanPreviewInput:
    feature_id: strawberry.ID
    new_pi_id: strawberry.ID | None = None
    new_departure_id: strawberry.ID | None = None


@strawberry.input
class IntegrationWindowScheduleInput:
    departure_id: strawberry.ID
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="At most 31 days on; before departure.")
    team_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    service_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.input
class IntegrationWindowRescheduleInput(VersionedInput):
    starts_at: datetime
    ends_at: datetime


@strawberry.input(description="A suite's result, by an engineer or CI, once the window opened.")
class IntegrationResultRecordInput:
    window_id: strawberry.ID
    suite: str
    passed: bool
    details: str = ""


@strawberry.type
class TrainPayload:
    train: Train | None
    errors: list[UserError]


@strawberry.type
class ProgramIncrementsPayload:
    program_increments: list[ProgramIncrement]
    errors: list[UserError]


@strawberry.type
class DeparturesPayload:
    departures: list[Departure]
    errors: list[UserError]


@strawberry.type
class DeparturePayload:
    departure: Departure | None
    errors: list[UserError]


@strawberry.type
class FeaturePayload:
    feature: Feature | None
    errors: list[UserError]


@strawberry.type
class IntegrationWindowPayload:
    integration_window: IntegrationWindow | None
    errors: list[UserError]


@strawberry.type
class IntegrationResultPayload:
    integration_result: IntegrationResult | None
    errors: list[UserError]
