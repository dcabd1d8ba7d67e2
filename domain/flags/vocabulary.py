"""The flags context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class FlagKind(StrEnum):
    """RELEASE and EXPERIMENT flags are temporary (they carry an expiry); OPS (kill switches,
    circuit breakers) and PERMISSION flags are permanent."""

    RELEASE = "release"
    EXPERIMENT = "experiment"
    OPS = "ops"
    """An operational toggle: a kill switch, a circuit breaker; permanent."""
    PERMISSION = "permission"


class ValueType(StrEnum):
    """The type of a flag's values. NUMBER values are floating-point (5 is served as 5.0, so
    OpenFeature's float getters accept it); INTEGER values are whole numbers, served as such."""

    BOOLEAN = "boolean"
    STRING = "string"
    NUMBER = "number"
    INTEGER = "integer"
    OBJECT = "object"


class ChangeStatus(StrEnum):
    """APPLIED, or PENDING someone else's approval (production, critical service), or REJECTED."""

    APPLIED = "applied"
    PENDING = "pending"
    REJECTED = "rejected"


class ChangeAction(StrEnum):
    """What a change did."""

    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    ENVIRONMENT = "environment"
    KILL = "kill"
