"""Release management's shared words: closed vocabularies any context may use (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class ChangeType(StrEnum):
    """A kind of change a release makes."""

    SCHEMA_MIGRATION = "schema_migration"
    PAYMENT_LOGIC = "payment_logic"
    CONFIG = "config"
    INFRASTRUCTURE = "infrastructure"
    UI = "ui"
    API = "api"
    DEPENDENCY_UPGRADE = "dependency_upgrade"
    DATA_FIX = "data_fix"


class EnvironmentKind(StrEnum):
    """Where in the path to production an environment sits."""

    DEVELOPMENT = "development"
    TEST = "test"
    STAGING = "staging"
    PERFORMANCE = "performance"
    PRODUCTION = "production"
