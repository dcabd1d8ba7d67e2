"""Error codes owned by the analysis of where changes fail and its proposals."""

from __future__ import annotations

from enum import StrEnum


class FailureErrorCode(StrEnum):
    INVALID_FACTOR = "INVALID_FACTOR"
    INVALID_MIN_CHANGES = "INVALID_MIN_CHANGES"
    INVALID_RATIONALE = "INVALID_RATIONALE"
    BUSINESS_UNIT_REQUIRED = "BUSINESS_UNIT_REQUIRED"
    """A proposal is read in a BU: the scope or the input names one."""
    NOT_STANDING_OUT = "NOT_STANDING_OUT"
    """The change type does not stand out (any more) in the analysis recomputed now."""
    SUGGESTION_NO_LONGER_STANDS = "SUGGESTION_NO_LONGER_STANDS"
    """The control is already in place (or cannot be raised) where the suggestion lands."""
