"""The trains context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class CadenceKind(StrEnum):
    WEEKLY = "weekly"
    BI_WEEKLY = "bi_weekly"
    MONTHLY = "monthly"
    CUSTOM = "custom"


class CadenceChangeReason(StrEnum):
    BUSINESS_RISK_TOLERANCE = "business_risk_tolerance"
    REGULATORY_REQUIREMENT = "regulatory_requirement"
    OPERATIONAL_SUPPORT_CAPACITY = "operational_support_capacity"
    OTHER = "other"


class DepartureStatus(StrEnum):
    SCHEDULED = "scheduled"
    DEPARTED = "departed"
    CANCELLED = "cancelled"


class FeatureStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"


class IntegrationWindowStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
