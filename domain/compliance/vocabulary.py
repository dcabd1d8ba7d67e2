"""The compliance context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class BypassStatus(StrEnum):
    """What was decided; whether an approved bypass is still active is derived from the clock."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


class ReviewOutcome(StrEnum):
    JUSTIFIED = "justified"
    NOT_JUSTIFIED = "not_justified"


class DrKind(StrEnum):
    SERVICE_REVERSION = "service_reversion"
    DATA_RESTORATION = "data_restoration"


class DrProcedureStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class DrResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
