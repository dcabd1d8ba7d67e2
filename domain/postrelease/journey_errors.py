"""Error codes of synthetic journeys (postrelease)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.errors import KernelErrorCode
from domain.kernel.integrity import Duplicate, refuse_duplicates


class JourneyErrorCode(StrEnum):
    INVALID_JOURNEY_KEY = "INVALID_JOURNEY_KEY"
    INVALID_JOURNEY_NAME = "INVALID_JOURNEY_NAME"
    INVALID_TIER = "INVALID_TIER"
    INVALID_INTERVAL = "INVALID_INTERVAL"
    TEAM_NOT_IN_BU = "TEAM_NOT_IN_BU"
    NO_STEPS = "NO_STEPS"
    TOO_MANY_STEPS = "TOO_MANY_STEPS"
    INVALID_STEP = "INVALID_STEP"
    INVALID_METHOD = "INVALID_METHOD"
    INVALID_URL = "INVALID_URL"
    HOST_NOT_ALLOWED = "HOST_NOT_ALLOWED"
    INTERNAL_ADDRESS = "INTERNAL_ADDRESS"
    INVALID_HEADER = "INVALID_HEADER"
    SECRET_VALUE_REQUIRED = "SECRET_VALUE_REQUIRED"
    INVALID_BODY = "INVALID_BODY"
    INVALID_ASSERTION = "INVALID_ASSERTION"
    INVALID_JSON_PATH = "INVALID_JSON_PATH"
    INVALID_CAPTURE = "INVALID_CAPTURE"
    UNKNOWN_VARIABLE = "UNKNOWN_VARIABLE"
    INVALID_TIMEOUT = "INVALID_TIMEOUT"
    INVALID_HOSTS = "INVALID_HOSTS"
    JOURNEY_DISABLED = "JOURNEY_DISABLED"
    INVALID_RESULT = "INVALID_RESULT"
    NOT_A_PRODUCTION_DEPLOYMENT = "NOT_A_PRODUCTION_DEPLOYMENT"
    SECRET_KEY_REQUIRED = "SECRET_KEY_REQUIRED"


refuse_duplicates(
    {
        "uq_postrelease_journeys_service_id_key": Duplicate(
            KernelErrorCode.ALREADY_EXISTS,
            "The service already has a journey with this key.",
            "key",
        ),
        "uq_postrelease_journey_runs_journey_id_runner_external_ref": Duplicate(
            KernelErrorCode.ALREADY_EXISTS,
            "This runner already reported a result with this id for the journey.",
            "externalId",
        ),
    }
)
