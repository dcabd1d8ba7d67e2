"""Organization's closed vocabularies (ORM-free): tiers, roles, disciplines, attestations."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    CRITICAL = "critical"
    CUSTOMER_FACING = "customer_facing"
    INTERNAL = "internal"


class DataClassification(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    PERSONAL = "personal"
    RESTRICTED = "restricted"


class DependencyKind(StrEnum):
    RUNTIME = "runtime"
    DATA = "data"
    BUILD = "build"


class AttestationStatus(StrEnum):
    PENDING = "pending"
    ATTESTED = "attested"
    EXPIRED = "expired"
    REVOKED = "revoked"


class PersonKind(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"


class VendorReleaseStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Role(StrEnum):
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
    ENGINEERING = "engineering"
    PRODUCT = "product"
    SECURITY = "security"
    COMPLIANCE = "compliance"
    LEGAL = "legal"


class AttestationKind(StrEnum):
    SECURITY_TESTING = "security_testing"
    PENETRATION_TEST = "penetration_test"
    SOC2 = "soc2"
    ISO27001 = "iso27001"
