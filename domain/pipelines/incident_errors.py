"""Error codes of incidents reported and resolved through GraphQL (part of `PipelineErrorCode`)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class IncidentErrorCode(StrEnum):
    INVALID_INCIDENT_REF = "INVALID_INCIDENT_REF"
    INCIDENT_EXISTS = "INCIDENT_EXISTS"
    UNKNOWN_SEVERITY = "UNKNOWN_SEVERITY"
    INVALID_DETECTED_AT = "INVALID_DETECTED_AT"
    ENVIRONMENT_OF_ANOTHER_BU = "ENVIRONMENT_OF_ANOTHER_BU"
    INCIDENT_RESOLVED = "INCIDENT_RESOLVED"


refuse_duplicates(
    {
        "uq_incident_reports_bu_id_origin_incident_ref": Duplicate(
            IncidentErrorCode.INCIDENT_EXISTS,
            "An incident with this reference is reported already.",
            "incidentRef",
        ),
    }
)
