"""The environments context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class EnvironmentStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"


class ReservationMode(StrEnum):
    EXCLUSIVE = "exclusive"
    SHARED = "shared"


class ReservationStatus(StrEnum):
    GRANTED = "granted"
    QUEUED = "queued"
    RELEASED = "released"
    CANCELLED = "cancelled"


class HolderKind(StrEnum):
    TRAIN = "train"
    RELEASE = "release"
    TEAM = "team"
    PERSON = "person"
