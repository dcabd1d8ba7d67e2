"""Inputs of the support-rotation use cases."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CreateRotation:
    team_id: uuid.UUID
    name: str
    member_ids: Sequence[uuid.UUID]
    handover_time: str
    time_zone: str
    shift_length_days: int
    starts_on: str


@dataclass(frozen=True, slots=True)
class UpdateRotation:
    """Null fields keep their value."""

    rotation_id: uuid.UUID
    version: int
    name: str | None = None
    member_ids: Sequence[uuid.UUID] | None = None
    handover_time: str | None = None
    time_zone: str | None = None
    shift_length_days: int | None = None
    starts_on: str | None = None


@dataclass(frozen=True, slots=True)
class SwapShift:
    rotation_id: uuid.UUID
    shift_number: int
    covering_id: uuid.UUID
    reason: str
    return_shift_number: int | None = None
    """An exchange: the covering member's shift the original member takes in return."""


@dataclass(frozen=True, slots=True)
class AssignWatchers:
    release_id: uuid.UUID
