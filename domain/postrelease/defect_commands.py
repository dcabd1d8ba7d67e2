"""Inputs of the defect use cases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RecordDefect:
    service_id: uuid.UUID
    title: str
    component: str
    change_type: str
    root_cause: str
    escaped_layer: str
    severity: str
    source_kind: str
    source_id: uuid.UUID | None = None
    release_id: uuid.UUID | None = None
    deployment_report_id: uuid.UUID | None = None
    found_at: datetime | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class ReclassifyDefect:
    """Null fields keep their value."""

    defect_id: uuid.UUID
    version: int
    reason: str
    component: str | None = None
    change_type: str | None = None
    root_cause: str | None = None
    escaped_layer: str | None = None
    severity: str | None = None
