"""Inputs of the governance use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ServiceLine:
    service_id: uuid.UUID
    artifact_version: str


@dataclass(frozen=True, slots=True)
class DocEntry:
    section: str
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class CreateRelease:
    bu_id: uuid.UUID
    title: str
    release_type: str
    description: str = ""
    owner_id: uuid.UUID | None = None
    change_types: list[str] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    services: list[ServiceLine] = field(default_factory=list)
    author_ids: list[uuid.UUID] = field(default_factory=list)
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    documentation: list[DocEntry] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdateRelease:
    """Edit a draft; None leaves a field as it is (lists given replace the whole list)."""

    release_id: uuid.UUID
    version: int
    title: str | None = None
    description: str | None = None
    release_type: str | None = None
    owner_id: uuid.UUID | None = None
    change_types: list[str] | None = None
    environments: list[str] | None = None
    regions: list[str] | None = None
    services: list[ServiceLine] | None = None
    author_ids: list[uuid.UUID] | None = None
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    documentation: list[DocEntry] | None = None


@dataclass(frozen=True, slots=True)
class CloneRelease:
    """A new draft from a rejected or cancelled release; the title defaults to the original's."""

    release_id: uuid.UUID
    title: str | None = None


@dataclass(frozen=True, slots=True)
class MoveRelease:
    """A lifecycle move: submit, approve, reject, start, complete, roll back or cancel."""

    release_id: uuid.UUID
    version: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ScheduleRelease:
    release_id: uuid.UUID
    version: int
    planned_start: datetime | None = None
    planned_end: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreateTemplate:
    bu_id: uuid.UUID | None
    key: str
    name: str
    sections: list[dict[str, Any]]
    release_types: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdateTemplate:
    """Add version+1 of the template `template_id` belongs to; `version` is the latest seen."""

    template_id: uuid.UUID
    version: int
    name: str | None = None
    sections: list[dict[str, Any]] | None = None
    release_types: list[str] | None = None
    tiers: list[str] | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class Member:
    person_id: uuid.UUID
    discipline: str


@dataclass(frozen=True, slots=True)
class CreateBoard:
    bu_id: uuid.UUID | None
    key: str
    name: str
    quorum: int
    approvals_needed: int
    required_disciplines: list[str] = field(default_factory=list)
    veto_disciplines: list[str] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdateBoard:
    board_id: uuid.UUID
    version: int
    name: str | None = None
    quorum: int | None = None
    approvals_needed: int | None = None
    required_disciplines: list[str] | None = None
    veto_disciplines: list[str] | None = None
    members: list[Member] | None = None


@dataclass(frozen=True, slots=True)
class OpenSession:
    release_id: uuid.UUID
    board_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class CastVote:
    session_id: uuid.UUID
    choice: str
    rationale: str = ""


@dataclass(frozen=True, slots=True)
class CloseSession:
    session_id: uuid.UUID
    version: int


@dataclass(frozen=True, slots=True)
class CreateSignOffRule:
    key: str
    name: str
    requirement: str
    discipline: str
    validity_days: int
    condition: dict[str, list[str]] = field(default_factory=dict)
    active: bool = True


@dataclass(frozen=True, slots=True)
class UpdateSignOffRule:
    rule_id: uuid.UUID
    version: int
    name: str | None = None
    requirement: str | None = None
    discipline: str | None = None
    validity_days: int | None = None
    condition: dict[str, list[str]] | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class GiveSignOff:
    release_id: uuid.UUID
    requirement: str
    note: str = ""
