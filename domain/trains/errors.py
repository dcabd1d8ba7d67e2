"""Error codes owned by the trains context."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.errors import KernelErrorCode
from domain.kernel.integrity import Duplicate, refuse_duplicates


class TrainErrorCode(StrEnum):
    INVALID_KEY = "INVALID_KEY"
    INVALID_NAME = "INVALID_NAME"
    INVALID_CADENCE = "INVALID_CADENCE"
    INVALID_TIME = "INVALID_TIME"
    INVALID_TIMEZONE = "INVALID_TIMEZONE"
    INVALID_RRULE = "INVALID_RRULE"
    INVALID_DATES = "INVALID_DATES"
    INVALID_REASON = "INVALID_REASON"
    REASON_TEXT_REQUIRED = "REASON_TEXT_REQUIRED"
    INVALID_PI_SHAPE = "INVALID_PI_SHAPE"
    PI_OVERLAP = "PI_OVERLAP"
    PI_ALREADY_STARTED = "PI_ALREADY_STARTED"
    PI_NOT_OF_TRAIN = "PI_NOT_OF_TRAIN"
    INVALID_RANGE = "INVALID_RANGE"
    TOO_MANY_DEPARTURES = "TOO_MANY_DEPARTURES"
    DEPARTURE_NOT_SCHEDULED = "DEPARTURE_NOT_SCHEDULED"
    DEPARTURE_PASSED = "DEPARTURE_PASSED"
    DEPARTURE_NOT_OF_PI = "DEPARTURE_NOT_OF_PI"
    NOT_IN_BUSINESS_UNIT = "NOT_IN_BUSINESS_UNIT"
    RELEASE_NOT_BOARDABLE = "RELEASE_NOT_BOARDABLE"
    RELEASE_ALREADY_BOARDED = "RELEASE_ALREADY_BOARDED"
    RELEASE_NOT_BOARDED = "RELEASE_NOT_BOARDED"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_EFFORT = "INVALID_EFFORT"
    SELF_DEPENDENCY = "SELF_DEPENDENCY"
    SAME_TEAM = "SAME_TEAM"
    DEPENDENCY_EXISTS = "DEPENDENCY_EXISTS"
    DEPENDENCY_NOT_FOUND = "DEPENDENCY_NOT_FOUND"
    INVALID_INTERVAL = "INVALID_INTERVAL"
    WINDOW_EXISTS = "WINDOW_EXISTS"
    WINDOW_CANCELLED = "WINDOW_CANCELLED"
    WINDOW_NOT_STARTED = "WINDOW_NOT_STARTED"
    INVALID_SUITE = "INVALID_SUITE"
    GRAPH_TOO_LARGE = "GRAPH_TOO_LARGE"


refuse_duplicates(
    {
        "uq_trains_key": Duplicate(
            KernelErrorCode.ALREADY_EXISTS, "A train with this key exists.", "key"
        ),
        "uq_integration_windows_departure_id": Duplicate(
            TrainErrorCode.WINDOW_EXISTS,
            "The departure has an integration window; reschedule it instead.",
            "departureId",
        ),
    }
)
