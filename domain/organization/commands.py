"""Inputs of the organization use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class CreateBusinessUnit:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class UpdateBusinessUnit:
    bu_id: uuid.UUID
    version: int
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CreateTeam:
    bu_id: uuid.UUID
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class UpdateTeam:
    team_id: uuid.UUID
    version: int
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class CreateService:
    team_id: uuid.UUID
    key: str
    name: str
    tier: str
    data_classification: str
    regions: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdateService:
    service_id: uuid.UUID
    version: int
    name: str | None = None
    tier: str | None = None
    data_classification: str | None = None
    regions: list[str] | None = None
    team_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class AddDependency:
    consumer_id: uuid.UUID
    provider_id: uuid.UUID
    kind: str = "runtime"


@dataclass(frozen=True, slots=True)
class CreateVendor:
    bu_id: uuid.UUID
    name: str
    contact_email: str
    attestation_status: str = "pending"
    attestation_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UpdateVendor:
    vendor_id: uuid.UUID
    version: int
    contact_email: str | None = None
    attestation_status: str | None = None
    attestation_expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CreatePerson:
    username: str
    display_name: str
    email: str | None = None
    kind: str = "human"
    subject: str | None = None
    """The subject the identity provider names the person by; the username when unset."""


@dataclass(frozen=True, slots=True)
class EnrollPerson:
    """A person and their first role at once (`signalbox users create`, the first admin)."""

    person: CreatePerson
    role: str
    bu_key: str | None = None


@dataclass(frozen=True, slots=True)
class UpdatePerson:
    person_id: uuid.UUID
    version: int
    display_name: str | None = None
    email: str | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class GrantRole:
    person_id: uuid.UUID
    role: str
    bu_id: uuid.UUID | None
    discipline: str | None = None


@dataclass(frozen=True, slots=True)
class TokenScope:
    role: str
    bu_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class CreateApiToken:
    name: str
    scopes: list[TokenScope]
    ttl: timedelta | None = None
