"""Error codes of non-functional requirements and their staging runs."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class NfrErrorCode(StrEnum):
    INVALID_NFR_KEY = "INVALID_NFR_KEY"
    DUPLICATE_NFR = "DUPLICATE_NFR"
    TOO_MANY_NFRS = "TOO_MANY_NFRS"
    INVALID_TARGET = "INVALID_TARGET"
    INVALID_UNIT = "INVALID_UNIT"
    INVALID_COMPARISON = "INVALID_COMPARISON"
    CUSTOM_NFR_INCOMPLETE = "CUSTOM_NFR_INCOMPLETE"
    STANDARD_NFR_FIXED = "STANDARD_NFR_FIXED"
    INVALID_FIGURE = "INVALID_FIGURE"
    FIGURES_REQUIRED = "FIGURES_REQUIRED"
    INVALID_RUN_NAME = "INVALID_RUN_NAME"
    INVALID_RUN_URL = "INVALID_RUN_URL"
    INVALID_VERSION = "INVALID_VERSION"
    RUN_IN_FUTURE = "RUN_IN_FUTURE"
    NOT_A_STAGING_ENVIRONMENT = "NOT_A_STAGING_ENVIRONMENT"
    ENVIRONMENT_NOT_IN_BUSINESS_UNIT = "ENVIRONMENT_NOT_IN_BUSINESS_UNIT"
    DUPLICATE_RUN = "DUPLICATE_RUN"


refuse_duplicates(
    {
        "uq_service_nfrs_service_id_key": Duplicate(
            NfrErrorCode.DUPLICATE_NFR, "The service already declares this NFR.", "nfrs"
        ),
        "uq_nfr_runs_service_id_artifact_version_environment_id_name": Duplicate(
            NfrErrorCode.DUPLICATE_RUN,
            "A run so named is already recorded for this version in this environment.",
            "name",
        ),
    }
)
