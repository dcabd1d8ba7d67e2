"""The trains context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class CadenceKind(StrEnum):
    """How often a train departs."""

    WEEKLY = "weekly"
    BI_WEEKLY = "bi_weekly"
    MONTHLY = "monthly"
    CUSTOM = "custom"


class CadenceChangeReason(StrEnum):
    """Why a train's cadence changed."""

    BUSINESS_RISK_TOLERANCE = "business_risk_tolerance"
    REGULATORY_REQUIREMENT = "regulatory_requirement"
    OPERATIONAL_SUPPORT_CAPACITY = "operational_support_capacity"
    OTHER = "other"


class DepartureStatus(StrEnum):
    """Where a departure stands."""

    SCHEDULED = "scheduled"
    DEPARTED = "departed"
    CANCELLED = "cancelled"


class FeatureStatus(StrEnum):
    """Where a feature stands."""

    PLANNED = "planned"
    DONE = "done"


class IntegrationWindowStatus(StrEnum):
    """Whether an integration window still holds."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
