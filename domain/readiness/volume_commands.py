"""Commands of production volume profiles."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SetVolumeProfile:
    service_id: uuid.UUID
    rows: float | None = None
    """Whole numbers (rows, bytes) may come as floats: GraphQL's Int stops at 2^31."""
    requests_per_second: float | None = None
    payload_bytes: float | None = None
    source: str = "declared"
    measured_at: datetime | None = None
    version: int | None = None
    """The version read, when changing a profile; None overwrites (a metrics job's figures)."""
