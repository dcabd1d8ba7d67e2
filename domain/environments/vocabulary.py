"""The environments context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class EnvironmentStatus(StrEnum):
    """Retired environments take no reservations or snapshots."""

    ACTIVE = "active"
    RETIRED = "retired"


class ReservationMode(StrEnum):
    """SHARED takes one unit of capacity; EXCLUSIVE takes the whole environment."""

    EXCLUSIVE = "exclusive"
    SHARED = "shared"


class ReservationStatus(StrEnum):
    """GRANTED holds the environment; QUEUED waits (FIFO) and is promoted when what blocks it is
    released, cancelled or shortened; RELEASED and CANCELLED hold nothing."""

    GRANTED = "granted"
    QUEUED = "queued"
    RELEASED = "released"
    CANCELLED = "cancelled"


class HolderKind(StrEnum):
    """Who holds a reservation: a train, release, team or person."""

    TRAIN = "train"
    RELEASE = "release"
    TEAM = "team"
    PERSON = "person"
