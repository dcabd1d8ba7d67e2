"""Error codes owned by incident attribution (exposed as `IncidentAttributionErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class AttributionErrorCode(StrEnum):
    NOT_ATTRIBUTED = "NOT_ATTRIBUTED"
    CHANGE_NOT_FOUND = "CHANGE_NOT_FOUND"
    CHANGE_OF_ANOTHER_BU = "CHANGE_OF_ANOTHER_BU"
    CHANGE_OF_ANOTHER_SERVICE = "CHANGE_OF_ANOTHER_SERVICE"
    CHANGE_AFTER_DETECTION = "CHANGE_AFTER_DETECTION"
    INCIDENT_WITHOUT_SERVICE = "INCIDENT_WITHOUT_SERVICE"
    INVALID_REASON = "INVALID_REASON"
    INVALID_SUMMARY = "INVALID_SUMMARY"
    INVALID_REFERENCE = "INVALID_REFERENCE"
    UNREPORTABLE_KIND = "UNREPORTABLE_KIND"
    INVALID_OCCURRED_AT = "INVALID_OCCURRED_AT"
    ATTRIBUTION_EXISTS = "ATTRIBUTION_EXISTS"


refuse_duplicates(
    {
        "uq_incident_attributions_incident_id": Duplicate(
            AttributionErrorCode.ATTRIBUTION_EXISTS,
            "The incident is attributed already; confirm or re-attribute it.",
            "incidentId",
        ),
    }
)
