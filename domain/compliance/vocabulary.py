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
    """Whether the bypass was justified after the fact."""

    JUSTIFIED = "justified"
    NOT_JUSTIFIED = "not_justified"


class DrKind(StrEnum):
    """SERVICE_REVERSION undoes a release; DATA_RESTORATION restores data it damaged."""

    SERVICE_REVERSION = "service_reversion"
    DATA_RESTORATION = "data_restoration"


class DrProcedureStatus(StrEnum):
    """Retired procedures no longer count for the gate."""

    ACTIVE = "active"
    RETIRED = "retired"


class DrResult(StrEnum):
    """Whether the exercise worked."""

    PASSED = "passed"
    FAILED = "failed"
