"""Error codes owned by production support rotations (exposed as `SupportErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class SupportErrorCode(StrEnum):
    INVALID_NAME = "INVALID_NAME"
    INVALID_HANDOVER = "INVALID_HANDOVER"
    UNKNOWN_ZONE = "UNKNOWN_ZONE"
    INVALID_SHIFT_LENGTH = "INVALID_SHIFT_LENGTH"
    INVALID_START = "INVALID_START"
    NO_MEMBERS = "NO_MEMBERS"
    TOO_MANY_MEMBERS = "TOO_MANY_MEMBERS"
    DUPLICATE_MEMBER = "DUPLICATE_MEMBER"
    MEMBER_NOT_IN_TEAM = "MEMBER_NOT_IN_TEAM"
    ROTATION_EXISTS = "ROTATION_EXISTS"
    UNKNOWN_SHIFT = "UNKNOWN_SHIFT"
    PAST_SHIFT = "PAST_SHIFT"
    NOT_A_MEMBER = "NOT_A_MEMBER"
    SAME_MEMBER = "SAME_MEMBER"
    SHIFT_ALREADY_SWAPPED = "SHIFT_ALREADY_SWAPPED"
    NOT_YOUR_SHIFT = "NOT_YOUR_SHIFT"
    RETURN_SHIFT_NOT_THEIRS = "RETURN_SHIFT_NOT_THEIRS"
    INVALID_REASON = "INVALID_REASON"
    INVALID_RANGE = "INVALID_RANGE"
    NOT_PRODUCTION = "NOT_PRODUCTION"
    RELEASE_NOT_SCHEDULED = "RELEASE_NOT_SCHEDULED"
    RELEASE_CLOSED = "RELEASE_CLOSED"
    NO_ROTATION = "NO_ROTATION"
    WATCHERS_ASSIGNED = "WATCHERS_ASSIGNED"


refuse_duplicates(
    {
        "uq_support_rotations_team_id": Duplicate(
            SupportErrorCode.ROTATION_EXISTS,
            "The team has a support rotation; update it instead.",
            "teamId",
        ),
        "uq_support_swaps_rotation_id_shift_number": Duplicate(
            SupportErrorCode.SHIFT_ALREADY_SWAPPED,
            "That shift was swapped already.",
            "shiftNumber",
        ),
        "uq_support_release_watches_release_id": Duplicate(
            SupportErrorCode.WATCHERS_ASSIGNED,
            "The release has its watchers already.",
            "releaseId",
        ),
    }
)
