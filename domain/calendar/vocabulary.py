"""The calendar context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class WindowKind(StrEnum):
    RELEASE = "release"
    MAINTENANCE = "maintenance"
    VENDOR = "vendor"


class WindowStatus(StrEnum):
    PLANNED = "planned"
    CANCELLED = "cancelled"


class FreezeScope(StrEnum):
    ORG = "org"
    BU = "bu"
    TIER = "tier"
    SERVICES = "services"
    ENVIRONMENTS = "environments"


class FreezeStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETIRED = "retired"


class ExceptionStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
