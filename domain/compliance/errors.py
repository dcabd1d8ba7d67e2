"""Error codes owned by the compliance context."""

from __future__ import annotations

from enum import StrEnum


class ComplianceErrorCode(StrEnum):
    INVALID_TIME_RANGE = "INVALID_TIME_RANGE"
    INVALID_CURSOR = "INVALID_CURSOR"
