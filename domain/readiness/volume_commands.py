"""Commands of production volume profiles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SetVolumeProfile:
    service_id: uuid.UUID
    rows: int | None = None
    requests_per_second: float | None = None
    payload_bytes: int | None = None
    source: str = "declared"
    measured_at: datetime | None = None
    version: int | None = None
    """The version read, when changing a profile; None overwrites (a metrics job's figures)."""
