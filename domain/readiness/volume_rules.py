"""Pure rules of production-like volumes: checking a profile, and whether a run came close
enough to production to count.

A run counts when, on every dimension the service's production profile sets, it ran on at
least the guardrail's share (`min_production_volume_percent`) of production. With a share of 0
every run counts (no profile needed); with a share above 0 a run needs a profile to compare
with and its own figures on the profile's dimensions.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.kernel.errors import DomainError
from domain.readiness.volume_errors import VolumeErrorCode as Code
from domain.readiness.volume_vocabulary import Dimension

GUARDRAIL = "min_production_volume_percent"
"""The guardrail field: the share of production volume a run must reach to count."""
MAX_ROWS = 10**15
MAX_RATE = 1e9
MAX_BYTES = 10**15
LIMITS: Mapping[Dimension, float] = {
    Dimension.ROWS: MAX_ROWS,
    Dimension.REQUESTS_PER_SECOND: MAX_RATE,
    Dimension.PAYLOAD_BYTES: MAX_BYTES,
}
UNITS: Mapping[Dimension, str] = {
    Dimension.ROWS: "rows",
    Dimension.REQUESTS_PER_SECOND: "requests/s",
    Dimension.PAYLOAD_BYTES: "payload bytes",
}


@dataclass(frozen=True, slots=True)
class VolumeFacts:
    """A service's production volume profile as the decision reads it."""

    service_id: uuid.UUID
    figures: Mapping[str, float]
    """By dimension (`rows`, `requestsPerSecond`, `payloadBytes`); unset ones are absent."""
    source: str
    updated_at: datetime


def check_volume(values: Mapping[Dimension, float | None], *, required: bool) -> dict[str, Any]:
    """The figures given, as JSON by dimension; each finite and in range, at least one when
    `required` (a profile), none needed for a run."""
    out: dict[str, Any] = {}
    for dimension, value in values.items():
        if value is None:
            continue
        if not (math.isfinite(value) and 0 <= value <= LIMITS[dimension]):
            raise DomainError(
                f"{dimension} is a number from 0 to {LIMITS[dimension]:g}.",
                code=Code.INVALID_VOLUME,
                field=f"{dimension}",
            )
        rate = dimension is Dimension.REQUESTS_PER_SECOND
        out[str(dimension)] = value if rate else int(value)
    if required and not any(v > 0 for v in out.values()):
        raise DomainError(
            "A production volume needs rows, requests per second or payload size above 0.",
            code=Code.VOLUME_REQUIRED,
            field=str(Dimension.ROWS),
        )
    return out


def shortfalls(
    measured: Mapping[str, Any] | None,
    production: VolumeFacts | None,
    minimum_percent: float,
    dimensions: tuple[Dimension, ...] = tuple(Dimension),
) -> list[str]:
    """Why a run on `measured` does not count against `production` (empty: it counts)."""
    if minimum_percent <= 0:
        return []
    wanted = {
        d: float(production.figures[d])
        for d in dimensions
        if production is not None and float(production.figures.get(d) or 0) > 0
    }
    if not wanted:
        return ["the service has no production volume profile to compare with"]
    out = []
    for dimension, full in wanted.items():
        ran = (measured or {}).get(dimension)
        if ran is None:
            out.append(f"it reports no {UNITS[dimension]} (production: {full:g})")
            continue
        share = float(ran) / full * 100
        if share < minimum_percent:
            out.append(
                f"it ran on {float(ran):g} {UNITS[dimension]}, {share:.0f}% of production's "
                f"{full:g} (at least {minimum_percent:g}% needed)"
            )
    return out
