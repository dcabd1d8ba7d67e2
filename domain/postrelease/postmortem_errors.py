"""Error codes owned by blameless post-mortems (exposed as `PostMortemErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class PostMortemErrorCode(StrEnum):
    NAMES_A_PERSON = "NAMES_A_PERSON"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_TEXT = "INVALID_TEXT"
    UNKNOWN_CATEGORY = "UNKNOWN_CATEGORY"
    UNKNOWN_TARGET_KIND = "UNKNOWN_TARGET_KIND"
    INVALID_TARGET = "INVALID_TARGET"
    POST_MORTEM_COMPLETED = "POST_MORTEM_COMPLETED"
    ACTIONS_OPEN = "ACTIONS_OPEN"
    NO_ACTION_ITEMS = "NO_ACTION_ITEMS"
    POST_MORTEM_EXISTS = "POST_MORTEM_EXISTS"
    ACTION_NOT_FOUND = "ACTION_NOT_FOUND"


refuse_duplicates(
    {
        "uq_post_mortems_incident_id": Duplicate(
            PostMortemErrorCode.POST_MORTEM_EXISTS,
            "The incident has a post-mortem already.",
            "incidentId",
        ),
    }
)
