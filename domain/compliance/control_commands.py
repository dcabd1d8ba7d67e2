"""Inputs of the compliance-control use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RequestBypass:
    release_id: uuid.UUID
    environment_id: uuid.UUID
    gates: list[str]
    justification: str
    incident_reference: str
    duration_hours: int


@dataclass(frozen=True, slots=True)
class DecideBypass:
    """Approve or reject a pending bypass."""

    bypass_id: uuid.UUID
    version: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class RevokeBypass:
    bypass_id: uuid.UUID
    version: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class UseBypass:
    bypass_id: uuid.UUID
    gate: str
    environment_id: uuid.UUID
    note: str = ""


@dataclass(frozen=True, slots=True)
class CompleteReview:
    review_id: uuid.UUID
    version: int
    outcome: str
    findings: str
    action_items: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CreateDrProcedure:
    service_id: uuid.UUID
    kind: str
    title: str
    runbook_url: str
    owner_person_id: uuid.UUID | None = None
    owner_team_id: uuid.UUID | None = None
    rto_minutes: int | None = None
    rpo_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class UpdateDrProcedure:
    """Only the fields given (not None) change; `clear` empties optional ones by name."""

    procedure_id: uuid.UUID
    version: int
    title: str | None = None
    runbook_url: str | None = None
    owner_person_id: uuid.UUID | None = None
    owner_team_id: uuid.UUID | None = None
    rto_minutes: int | None = None
    rpo_minutes: int | None = None
    clear: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RecordDrTest:
    procedure_id: uuid.UUID
    performed_at: datetime
    result: str
    notes: str = ""
    evidence_url: str | None = None
    duration_minutes: int | None = None
