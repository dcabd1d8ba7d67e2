"""Error codes owned by the organization context."""

from __future__ import annotations

from enum import StrEnum

from domain.kernel.integrity import Duplicate, refuse_duplicates


class OrganizationErrorCode(StrEnum):
    INVALID_KEY = "INVALID_KEY"
    INVALID_NAME = "INVALID_NAME"
    INVALID_EMAIL = "INVALID_EMAIL"
    INVALID_REGION = "INVALID_REGION"
    INVALID_TIER = "INVALID_TIER"
    INVALID_DATA_CLASSIFICATION = "INVALID_DATA_CLASSIFICATION"
    INVALID_ATTESTATION = "INVALID_ATTESTATION"
    KEY_TAKEN = "KEY_TAKEN"
    TEAM_NOT_IN_BU = "TEAM_NOT_IN_BU"
    SELF_DEPENDENCY = "SELF_DEPENDENCY"
    DEPENDENCY_EXISTS = "DEPENDENCY_EXISTS"
    UNKNOWN_ROLE = "UNKNOWN_ROLE"
    DISCIPLINE_REQUIRED = "DISCIPLINE_REQUIRED"
    DISCIPLINE_NOT_ALLOWED = "DISCIPLINE_NOT_ALLOWED"
    ROLE_ORG_ONLY = "ROLE_ORG_ONLY"
    ROLE_ABOVE_YOUR_OWN = "ROLE_ABOVE_YOUR_OWN"
    SELF_GRANT = "SELF_GRANT"
    GRANT_EXISTS = "GRANT_EXISTS"
    TOKEN_SCOPE_TOO_WIDE = "TOKEN_SCOPE_TOO_WIDE"
    TOKEN_TTL_INVALID = "TOKEN_TTL_INVALID"
    TOKEN_ALREADY_REVOKED = "TOKEN_ALREADY_REVOKED"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    # vendors: attestations, service links, vendor releases
    INVALID_ATTESTATION_KIND = "INVALID_ATTESTATION_KIND"
    INVALID_ATTESTATION_PERIOD = "INVALID_ATTESTATION_PERIOD"
    INVALID_ISSUER = "INVALID_ISSUER"
    INVALID_REPORT_REFERENCE = "INVALID_REPORT_REFERENCE"
    INVALID_TEXT = "INVALID_TEXT"
    ATTESTATION_EXISTS = "ATTESTATION_EXISTS"
    ATTESTATION_ALREADY_REVOKED = "ATTESTATION_ALREADY_REVOKED"
    REASON_REQUIRED = "REASON_REQUIRED"
    VENDOR_LINK_EXISTS = "VENDOR_LINK_EXISTS"
    INVALID_TITLE = "INVALID_TITLE"
    INVALID_RELEASE_VERSION = "INVALID_RELEASE_VERSION"
    INVALID_INTERVAL = "INVALID_INTERVAL"
    VENDOR_RELEASE_CANCELLED = "VENDOR_RELEASE_CANCELLED"
    RANGE_TOO_LARGE = "RANGE_TOO_LARGE"
    DOCUMENT_EXISTS = "DOCUMENT_EXISTS"


Code = OrganizationErrorCode
refuse_duplicates(
    {
        "uq_business_units_key": Duplicate(
            Code.KEY_TAKEN, "A business unit with this key exists.", "key"
        ),
        "uq_teams_bu_id_key": Duplicate(Code.KEY_TAKEN, "A team with this key exists.", "key"),
        "uq_services_key": Duplicate(Code.KEY_TAKEN, "A service with this key exists.", "key"),
        "uq_vendors_bu_id_name": Duplicate(
            Code.KEY_TAKEN, "A vendor with this name exists.", "name"
        ),
        "uq_people_username": Duplicate(Code.USERNAME_TAKEN, "The username is taken.", "username"),
        "uq_trusted_documents_document_id": Duplicate(
            Code.DOCUMENT_EXISTS,
            "The document was registered at the same time by another caller.",
            "document",
        ),
        "uq_role_grants_person_id_role_domain": Duplicate(
            Code.GRANT_EXISTS, "That person already holds this role there."
        ),
        "uq_service_dependencies_consumer_id_provider_id": Duplicate(
            Code.DEPENDENCY_EXISTS, "The service already depends on that one."
        ),
        "uq_service_vendors_service_id_vendor_id": Duplicate(
            Code.VENDOR_LINK_EXISTS, "The service already uses that vendor.", "vendorId"
        ),
        "uq_vendor_attestations_vendor_id_kind_issued_at": Duplicate(
            Code.ATTESTATION_EXISTS,
            "The vendor already holds an attestation of that kind issued then.",
            "issuedAt",
        ),
    }
)
