"""Error codes owned by the 24-hour post-release review, its feedback and log signals
(exposed as `PostReleaseReviewErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class ReviewErrorCode(StrEnum):
    REVIEW_EXISTS = "REVIEW_EXISTS"
    REVIEW_CLOSED = "REVIEW_CLOSED"
    UNKNOWN_VERDICT = "UNKNOWN_VERDICT"
    INVALID_SUMMARY = "INVALID_SUMMARY"
    NOT_OWNER_OR_SRE = "NOT_OWNER_OR_SRE"
    INVALID_TEMPLATE = "INVALID_TEMPLATE"
    INVALID_QUERY_NAME = "INVALID_QUERY_NAME"
    INVALID_PROMQL = "INVALID_PROMQL"
    UNKNOWN_PLACEHOLDER = "UNKNOWN_PLACEHOLDER"
    UNKNOWN_SERVICE = "UNKNOWN_SERVICE"
    INVALID_FEEDBACK = "INVALID_FEEDBACK"
    INVALID_TAGS = "INVALID_TAGS"
    INVALID_FINGERPRINT = "INVALID_FINGERPRINT"
    INVALID_COUNT = "INVALID_COUNT"
    INVALID_WINDOW = "INVALID_WINDOW"
    FEEDBACK_EXISTS = "FEEDBACK_EXISTS"
    BAD_SIGNATURE = "BAD_SIGNATURE"


refuse_duplicates(
    {
        "uq_post_release_reviews_deployment_key": Duplicate(
            ReviewErrorCode.REVIEW_EXISTS, "The deployment has a post-release review.", "id"
        ),
        "uq_post_release_feedback_bu_id_source_external_ref": Duplicate(
            ReviewErrorCode.FEEDBACK_EXISTS,
            "This feedback item was reported already (same source and reference).",
            "externalRef",
        ),
    }
)
