"""The calendar context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class WindowKind(StrEnum):
    """A release, a maintenance window, or a vendor's change."""

    RELEASE = "release"
    MAINTENANCE = "maintenance"
    VENDOR = "vendor"


class WindowStatus(StrEnum):
    """Whether a window still holds."""

    PLANNED = "planned"
    CANCELLED = "cancelled"


class FreezeScope(StrEnum):
    """What a freeze covers: the organization, a BU, service tiers, services or environments."""

    ORG = "org"
    BU = "bu"
    TIER = "tier"
    SERVICES = "services"
    ENVIRONMENTS = "environments"


class FreezeStatus(StrEnum):
    """A freeze binds only once APPROVED by every stakeholder."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETIRED = "retired"


class StakeholderDecision(StrEnum):
    """How a stakeholder a freeze names decided it: approved or rejected."""

    APPROVED = "approved"
    REJECTED = "rejected"


class ExceptionStatus(StrEnum):
    """Where a freeze exception stands."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
