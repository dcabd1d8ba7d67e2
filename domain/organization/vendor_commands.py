"""Inputs of the vendor use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AddAttestation:
    vendor_id: uuid.UUID
    kind: str
    issued_at: datetime
    expires_at: datetime
    issuer: str
    report_reference: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class RevokeAttestation:
    attestation_id: uuid.UUID
    version: int
    reason: str


@dataclass(frozen=True, slots=True)
class LinkVendor:
    service_id: uuid.UUID
    vendor_id: uuid.UUID
    description: str = ""


@dataclass(frozen=True, slots=True)
class CreateVendorRelease:
    vendor_id: uuid.UUID
    title: str
    release_version: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class UpdateVendorRelease:
    release_id: uuid.UUID
    version: int
    title: str | None = None
    release_version: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    description: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class CancelVendorRelease:
    release_id: uuid.UUID
    version: int
    reason: str
