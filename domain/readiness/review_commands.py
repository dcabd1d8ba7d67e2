"""Inputs of the readiness-review use cases."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class CreateTemplate:
    key: str
    name: str
    items: Sequence[Mapping[str, Any]]
    bu_id: uuid.UUID | None = None
    tiers: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class ReviseTemplate:
    template_id: uuid.UUID
    version: int
    name: str | None = None
    items: Sequence[Mapping[str, Any]] | None = None
    tiers: Sequence[str] | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class OpenReview:
    release_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class RecordEvidence:
    review_id: uuid.UUID
    version: int
    item_key: str
    evidence_url: str
    note: str = ""
    checked_at: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SignOffReview:
    review_id: uuid.UUID
    version: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReopenReview:
    review_id: uuid.UUID
    version: int
    reason: str


@dataclass(frozen=True, slots=True)
class OpenServiceReview:
    service_id: uuid.UUID
