"""Error codes owned by SRE readiness reviews (exposed as `ReadinessReviewErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class ReviewErrorCode(StrEnum):
    INVALID_NAME = "INVALID_NAME"
    INVALID_KEY = "INVALID_KEY"
    KEY_TAKEN = "KEY_TAKEN"
    INVALID_ITEMS = "INVALID_ITEMS"
    UNKNOWN_ITEM_KIND = "UNKNOWN_ITEM_KIND"
    UNKNOWN_TIER = "UNKNOWN_TIER"
    REVIEW_EXISTS = "REVIEW_EXISTS"
    NO_TEMPLATE_APPLIES = "NO_TEMPLATE_APPLIES"
    RELEASE_CLOSED = "RELEASE_CLOSED"
    UNKNOWN_ITEM = "UNKNOWN_ITEM"
    INVALID_EVIDENCE_URL = "INVALID_EVIDENCE_URL"
    INVALID_CHECKED_AT = "INVALID_CHECKED_AT"
    INVALID_EXPIRY = "INVALID_EXPIRY"
    REVIEW_SIGNED_OFF = "REVIEW_SIGNED_OFF"
    REVIEW_NOT_SIGNED_OFF = "REVIEW_NOT_SIGNED_OFF"
    ITEMS_MISSING = "ITEMS_MISSING"
    NOT_AN_SRE = "NOT_AN_SRE"
    CONFLICT_OF_INTEREST = "CONFLICT_OF_INTEREST"
    INVALID_REASON = "INVALID_REASON"


refuse_duplicates(
    {
        "uq_readiness_reviews_release_id": Duplicate(
            ReviewErrorCode.REVIEW_EXISTS, "The release has a readiness review.", "releaseId"
        ),
        "uq_readiness_reviews_service_id": Duplicate(
            ReviewErrorCode.REVIEW_EXISTS, "The service has a readiness review.", "serviceId"
        ),
        "uq_readiness_review_templates_domain_key_version": Duplicate(
            ReviewErrorCode.KEY_TAKEN, "The template exists; revise it instead.", "key"
        ),
    }
)
