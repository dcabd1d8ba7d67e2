"""The flags context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class FlagKind(StrEnum):
    RELEASE = "release"
    EXPERIMENT = "experiment"
    OPS = "ops"
    """An operational toggle: a kill switch, a circuit breaker; permanent."""
    PERMISSION = "permission"


class ValueType(StrEnum):
    BOOLEAN = "boolean"
    STRING = "string"
    NUMBER = "number"
    OBJECT = "object"


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    PENDING = "pending"
    REJECTED = "rejected"


class ChangeAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    ARCHIVE = "archive"
    ENVIRONMENT = "environment"
    KILL = "kill"
