"""Error codes owned by maturity assessments and their questionnaires (`MaturityErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class MaturityErrorCode(StrEnum):
    INVALID_QUARTER = "INVALID_QUARTER"
    QUARTER_CLOSED = "QUARTER_CLOSED"
    QUARTER_NOT_STARTED = "QUARTER_NOT_STARTED"
    UNKNOWN_DIMENSION = "UNKNOWN_DIMENSION"
    DUPLICATE_DIMENSION = "DUPLICATE_DIMENSION"
    DIMENSION_NOT_ANSWERED = "DIMENSION_NOT_ANSWERED"
    LEVEL_OUT_OF_RANGE = "LEVEL_OUT_OF_RANGE"
    LEVELS_INCOMPLETE = "LEVELS_INCOMPLETE"
    INVALID_TEXT = "INVALID_TEXT"
    INVALID_GAP_THRESHOLD = "INVALID_GAP_THRESHOLD"
    NO_DIMENSIONS = "NO_DIMENSIONS"
    NOT_A_MEMBER = "NOT_A_MEMBER"
    ALREADY_SUBMITTED = "ALREADY_SUBMITTED"
    VERSION_TAKEN = "VERSION_TAKEN"


refuse_duplicates(
    {
        # two submissions racing for one team and quarter: the second finds the first
        "uq_maturity_assessments_team_id_quarter": Duplicate(
            MaturityErrorCode.ALREADY_SUBMITTED,
            "The team's assessment for this quarter is submitted already: revise it.",
            "quarter",
        ),
        # two publications (or two revisions) racing for the same number
        "uq_maturity_questionnaires_bu_id_number": Duplicate(
            MaturityErrorCode.VERSION_TAKEN,
            "Another version of the questionnaire was published at the same time; try again.",
        ),
        "uq_maturity_revisions_assessment_id_number": Duplicate(
            MaturityErrorCode.VERSION_TAKEN,
            "The assessment was revised at the same time; read it again and revise.",
        ),
    }
)
