"""Inputs of the environments use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CreateEnvironment:
    key: str
    name: str
    kind: str
    capacity: int = 1
    bu_id: uuid.UUID | None = None
    product_domain: str | None = None
    train_id: uuid.UUID | None = None
    region: str | None = None
    final_staging: bool = False
    owner_team_id: uuid.UUID | None = None
    owner_person_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdateEnvironment:
    """Only the fields given (not None) change; `clear_*` empties an optional one."""

    environment_id: uuid.UUID
    version: int
    name: str | None = None
    capacity: int | None = None
    product_domain: str | None = None
    train_id: uuid.UUID | None = None
    region: str | None = None
    final_staging: bool | None = None
    owner_team_id: uuid.UUID | None = None
    owner_person_ids: list[uuid.UUID] | None = None
    clear: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RequestReservation:
    environment_id: uuid.UUID
    holder_kind: str
    holder_id: uuid.UUID
    mode: str
    starts_at: datetime
    ends_at: datetime
    bu_id: uuid.UUID | None = None
    holder_label: str | None = None
    purpose: str = ""


@dataclass(frozen=True, slots=True)
class ReleaseReservation:
    reservation_id: uuid.UUID
    version: int
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReportSnapshot:
    environment_id: uuid.UUID
    helm_chart: str | None = None
    helm_chart_version: str | None = None
    helm_values_digest: str | None = None
    terraform_serial: int | None = None
    terraform_digest: str | None = None
    git_commit: str | None = None
    images: list[tuple[str, str]] = field(default_factory=list)
