"""Error codes of data-migration safety (readiness)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.errors import KernelErrorCode
from domain.kernel.integrity import Duplicate, refuse_duplicates


class DataMigrationErrorCode(StrEnum):
    INVALID_MIGRATION_KEY = "INVALID_MIGRATION_KEY"
    SERVICE_NOT_SHIPPED = "SERVICE_NOT_SHIPPED"
    TOO_MANY_MIGRATIONS = "TOO_MANY_MIGRATIONS"
    INVALID_PRE_CHECK = "INVALID_PRE_CHECK"
    TOO_MANY_PRE_CHECKS = "TOO_MANY_PRE_CHECKS"
    INVALID_COMPENSATION_KIND = "INVALID_COMPENSATION_KIND"
    COMPENSATION_REFERENCE_REQUIRED = "COMPENSATION_REFERENCE_REQUIRED"
    WAIVER_REASON_TOO_SHORT = "WAIVER_REASON_TOO_SHORT"
    NOT_IRREVERSIBLE = "NOT_IRREVERSIBLE"
    WAIVER_ALREADY_APPROVED = "WAIVER_ALREADY_APPROVED"
    WAIVER_SELF_APPROVAL = "WAIVER_SELF_APPROVAL"
    WAIVER_APPROVER_IS_AUTHOR = "WAIVER_APPROVER_IS_AUTHOR"
    PERSON_REQUIRED = "PERSON_REQUIRED"


refuse_duplicates(
    {
        "uq_readiness_data_migrations_release_id_service_id_key": Duplicate(
            KernelErrorCode.ALREADY_EXISTS,
            "The release already declares a migration with this key for this service.",
            "key",
        ),
    }
)
