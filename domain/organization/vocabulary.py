"""Organization's closed vocabularies (ORM-free): tiers, roles, disciplines, attestations."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    """How much a service's failure hurts."""

    CRITICAL = "critical"
    CUSTOMER_FACING = "customer_facing"
    INTERNAL = "internal"


class DataClassification(StrEnum):
    """The most sensitive data a service holds."""

    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    PERSONAL = "personal"
    RESTRICTED = "restricted"


class DependencyKind(StrEnum):
    """How a consumer uses a provider."""

    RUNTIME = "runtime"
    DATA = "data"
    BUILD = "build"


class AttestationStatus(StrEnum):
    """A vendor's attestation."""

    PENDING = "pending"
    ATTESTED = "attested"
    EXPIRED = "expired"
    REVOKED = "revoked"


class PersonKind(StrEnum):
    """A human, or a machine user such as CI."""

    HUMAN = "human"
    MACHINE = "machine"


class VendorReleaseStatus(StrEnum):
    """CANCELLED releases stay on record, off the calendar."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Role(StrEnum):
    """What a grant lets its holder do (authz/PERMISSIONS.md)."""

    ORG_ADMIN = "org_admin"
    BU_ADMIN = "bu_admin"
    RELEASE_MANAGER = "release_manager"
    ENGINEER = "engineer"
    APPROVER = "approver"
    SRE = "sre"
    AUDITOR = "auditor"
    VIEWER = "viewer"
    CI = "ci"


class Discipline(StrEnum):
    """An approver's discipline."""

    ENGINEERING = "engineering"
    PRODUCT = "product"
    SECURITY = "security"
    COMPLIANCE = "compliance"
    LEGAL = "legal"


class AttestationKind(StrEnum):
    """What a vendor attestation attests: security testing, a penetration test, a SOC 2 report or an
    ISO 27001 certificate."""

    SECURITY_TESTING = "security_testing"
    PENETRATION_TEST = "penetration_test"
    SOC2 = "soc2"
    ISO27001 = "iso27001"
