"""Inputs of the downtime-communication use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class IssueNotice:
    release_id: uuid.UUID
    kind: str
    window_starts_at: datetime
    window_ends_at: datetime
    impact: str
    contact: str


@dataclass(frozen=True, slots=True)
class AcknowledgeNotice:
    notice_id: uuid.UUID
    team_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class EscalateNotice:
    notice_id: uuid.UUID
    version: int
    note: str


@dataclass(frozen=True, slots=True)
class Subscribe:
    subject: str
    subject_id: uuid.UUID
    email: str
