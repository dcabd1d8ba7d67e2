"""Error codes owned by the flags context."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.errors import KernelErrorCode
from domain.kernel.integrity import Duplicate, refuse_duplicates


class FlagErrorCode(StrEnum):
    INVALID_KEY = "INVALID_KEY"
    INVALID_NAME = "INVALID_NAME"
    INVALID_KIND = "INVALID_KIND"
    INVALID_VALUE_TYPE = "INVALID_VALUE_TYPE"
    INVALID_VARIANTS = "INVALID_VARIANTS"
    UNKNOWN_VARIANT = "UNKNOWN_VARIANT"
    EXPIRY_REQUIRED = "EXPIRY_REQUIRED"
    INVALID_EXPIRY = "INVALID_EXPIRY"
    INVALID_ENVIRONMENT = "INVALID_ENVIRONMENT"
    INVALID_CONDITION = "INVALID_CONDITION"
    INVALID_ROLLOUT = "INVALID_ROLLOUT"
    INVALID_SPLIT = "INVALID_SPLIT"
    UNKNOWN_SEGMENT = "UNKNOWN_SEGMENT"
    TOO_MANY_RULES = "TOO_MANY_RULES"
    FLAG_ARCHIVED = "FLAG_ARCHIVED"
    PRODUCTION_MARK_REQUIRED = "PRODUCTION_MARK_REQUIRED"
    CHANGE_NOT_PENDING = "CHANGE_NOT_PENDING"
    CHANGE_OUTDATED = "CHANGE_OUTDATED"
    SELF_APPROVAL = "SELF_APPROVAL"
    REASON_REQUIRED = "REASON_REQUIRED"


refuse_duplicates(
    {
        "uq_flags_key": Duplicate(
            KernelErrorCode.ALREADY_EXISTS, "A flag with this key exists already.", "key"
        ),
        "uq_flag_segments_key": Duplicate(
            KernelErrorCode.ALREADY_EXISTS, "A segment with this key exists already.", "key"
        ),
    }
)
