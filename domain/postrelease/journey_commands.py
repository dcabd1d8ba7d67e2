"""Commands of synthetic journeys."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class HeaderSpec:
    name: str
    value: str | None
    """None for a secret header whose sealed value is kept from the journey's version."""
    secret: bool = False


@dataclass(frozen=True, slots=True)
class AssertionSpec:
    kind: str
    operator: str
    expected: Any = None
    path: str = ""


@dataclass(frozen=True, slots=True)
class CaptureSpec:
    name: str
    path: str


@dataclass(frozen=True, slots=True)
class StepSpec:
    name: str
    method: str
    url: str
    headers: tuple[HeaderSpec, ...] = ()
    body: str | None = None
    assertions: tuple[AssertionSpec, ...] = ()
    captures: tuple[CaptureSpec, ...] = ()
    timeout_ms: int = 5000


@dataclass(frozen=True, slots=True)
class JourneyDefinition:
    name: str
    team_id: uuid.UUID
    tier: str
    interval_minutes: int
    steps: tuple[StepSpec, ...]
    description: str = ""
    runner: str = "built_in"


@dataclass(frozen=True, slots=True)
class CreateJourney:
    service_id: uuid.UUID
    key: str
    definition: JourneyDefinition
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class UpdateJourney:
    journey_id: uuid.UUID
    version: int
    definition: JourneyDefinition
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class SetAllowedHosts:
    service_id: uuid.UUID
    hosts: tuple[str, ...]
    version: int | None = None


@dataclass(frozen=True, slots=True)
class StepResult:
    """One step as a runner saw it."""

    name: str
    passed: bool
    status: int | None = None
    latency_ms: float | None = None
    failures: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportJourneyResult:
    """A run's result, from the built-in runner or an external one (k6, Checkly, blackbox)."""

    journey_id: uuid.UUID
    passed: bool
    started_at: datetime
    finished_at: datetime
    runner: str
    trigger: str = "external"
    external_id: str | None = None
    summary: str = ""
    steps: tuple[StepResult, ...] = field(default_factory=tuple)
    deployment_id: uuid.UUID | None = None
    """The production deployment (planned or reported) the run follows; None: with
    `follow_latest`, the service's latest one finished before the run started, if any."""
    follow_latest: bool = True
    """False for the built-in runner: its claim names the deployment, or none (a schedule)."""
