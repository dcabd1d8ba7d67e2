"""Inputs of the flags use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.flags.definitions import Condition, EnvironmentState
from domain.flags.rules import Variant


@dataclass(frozen=True, slots=True)
class CreateFlag:
    service_id: uuid.UUID
    key: str
    name: str
    kind: str
    value_type: str
    variants: list[Variant] = field(default_factory=list)
    default_variant: str | None = None
    off_variant: str | None = None
    description: str = ""
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UpdateFlag:
    flag_id: uuid.UUID
    version: int
    name: str | None = None
    description: str | None = None
    variants: list[Variant] | None = None
    default_variant: str | None = None
    off_variant: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SetState:
    """The whole state of a flag in one environment (`version`: the one read; None if new)."""

    flag_id: uuid.UUID
    environment: str
    state: EnvironmentState
    production: bool = False
    version: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class KillFlag:
    flag_id: uuid.UUID
    reason: str


@dataclass(frozen=True, slots=True)
class DecideChange:
    change_id: uuid.UUID
    approve: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class CreateSegment:
    key: str
    name: str
    conditions: list[Condition]
    bu_id: uuid.UUID | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class UpdateSegment:
    segment_id: uuid.UUID
    version: int
    conditions: list[Condition]
    name: str | None = None
    description: str | None = None
