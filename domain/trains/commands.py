"""Inputs of the trains use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from domain.trains.cadence import Cadence


@dataclass(frozen=True, slots=True)
class CreateTrain:
    bu_id: uuid.UUID
    key: str
    name: str
    product_domain: str
    cadence: Cadence


@dataclass(frozen=True, slots=True)
class UpdateTrain:
    train_id: uuid.UUID
    version: int
    name: str | None = None
    product_domain: str | None = None


@dataclass(frozen=True, slots=True)
class ChangeCadence:
    train_id: uuid.UUID
    version: int
    cadence: Cadence
    effective_from_pi_id: uuid.UUID
    reason: str
    reason_text: str = ""


@dataclass(frozen=True, slots=True)
class CreatePi:
    train_id: uuid.UUID
    iterations: int
    iteration_weeks: int
    starts_on: date | None = None
    name: str | None = None
    count: int = 1


@dataclass(frozen=True, slots=True)
class GenerateDepartures:
    train_id: uuid.UUID
    from_pi_id: uuid.UUID
    to_pi_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class Board:
    departure_id: uuid.UUID
    release_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class CreateFeature:
    team_id: uuid.UUID
    pi_id: uuid.UUID
    title: str
    departure_id: uuid.UUID | None = None
    effort: int = 1
    description: str = ""


@dataclass(frozen=True, slots=True)
class UpdateFeature:
    feature_id: uuid.UUID
    version: int
    title: str | None = None
    description: str | None = None
    effort: int | None = None
    pi_id: uuid.UUID | None = None
    departure_id: uuid.UUID | None = None
    clear_departure: bool = False
    done: bool | None = None


@dataclass(frozen=True, slots=True)
class ScheduleIntegration:
    departure_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    team_ids: list[uuid.UUID] = field(default_factory=list)
    service_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecordResult:
    window_id: uuid.UUID
    suite: str
    passed: bool
    details: str = ""
