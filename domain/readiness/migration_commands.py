"""Commands of data-migration safety."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from domain.readiness.migration_rules import Compensation, PreCheck


@dataclass(frozen=True, slots=True)
class DeclareDataMigration:
    release_id: uuid.UUID
    service_id: uuid.UUID
    key: str
    description: str = ""
    pre_checks: tuple[PreCheck, ...] = ()
    compensation: Compensation | None = None


@dataclass(frozen=True, slots=True)
class RecordPreChecks:
    migration_id: uuid.UUID
    version: int
    pre_checks: tuple[PreCheck, ...]


@dataclass(frozen=True, slots=True)
class SetCompensation:
    migration_id: uuid.UUID
    version: int
    compensation: Compensation
