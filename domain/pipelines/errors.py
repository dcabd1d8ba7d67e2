"""Error codes of evidence, CDEvents and webhook secrets (pipelines context, evidence slice)."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.errors import KernelErrorCode
from domain.kernel.integrity import Duplicate, refuse_duplicates


class EvidenceErrorCode(StrEnum):
    INVALID_DIGEST = "INVALID_DIGEST"
    INVALID_ARTIFACT_NAME = "INVALID_ARTIFACT_NAME"
    INVALID_ARTIFACT_VERSION = "INVALID_ARTIFACT_VERSION"
    ARTIFACT_MISMATCH = "ARTIFACT_MISMATCH"
    """The digest or version is already another artifact's of the same service."""
    INVALID_SUBJECT = "INVALID_SUBJECT"
    INVALID_COUNT = "INVALID_COUNT"
    INVALID_PERCENT = "INVALID_PERCENT"
    INVALID_MEASUREMENT = "INVALID_MEASUREMENT"
    INVALID_LICENCE = "INVALID_LICENCE"
    TOO_MANY_LICENCES = "TOO_MANY_LICENCES"
    INVALID_DURATION = "INVALID_DURATION"
    INVALID_NAME = "INVALID_NAME"
    WEBHOOK_SECRET_REVOKED = "WEBHOOK_SECRET_REVOKED"


class CdEventErrorCode(StrEnum):
    """Why an event was refused; the HTTP endpoint answers 4xx with these codes."""

    MALFORMED_EVENT = "MALFORMED_EVENT"
    """Not JSON, not an object, or a CloudEvent attribute missing or of the wrong type."""
    INVALID_CDEVENT = "INVALID_CDEVENT"
    """The CDEvent does not match its schema (or, without schemas, the CDEvent structure)."""
    ENVELOPE_MISMATCH = "ENVELOPE_MISMATCH"
    """The CloudEvent's id, source or type differ from the CDEvent context's."""
    CONFLICTING_DUPLICATE = "CONFLICTING_DUPLICATE"
    """An event with this source, id and type was received with a different body."""
    UNSUPPORTED_SPEC_VERSION = "UNSUPPORTED_SPEC_VERSION"
    """The CDEvent names a spec version whose schemas Signalbox does not have."""
    BUSINESS_UNIT_REQUIRED = "BUSINESS_UNIT_REQUIRED"
    BAD_SIGNATURE = "BAD_SIGNATURE"


refuse_duplicates(
    {
        "uq_pipelines_team_id_key": Duplicate(
            KernelErrorCode.ALREADY_EXISTS, "The team already has a pipeline with this key.", "key"
        ),
        "uq_webhook_secrets_bu_id_name": Duplicate(
            KernelErrorCode.ALREADY_EXISTS, "The BU already has a webhook secret so named.", "name"
        ),
        "uq_promotion_approvals_promotion_id_approver_id": Duplicate(
            KernelErrorCode.ALREADY_EXISTS, "You already approved this promotion."
        ),
        # two imports of the same history at once (PostgreSQL; SQLite imports one at a time):
        # the loser stores nothing, and importing again adds what the winner did not
        "uq_deployments_imported_key": Duplicate(
            KernelErrorCode.ALREADY_EXISTS,
            "Another import stored some of these deployments at the same time; import again.",
            "records",
        ),
    }
)
