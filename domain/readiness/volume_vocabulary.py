"""Words of production-like volumes: the dimensions a volume is measured in, and its sources."""

from __future__ import annotations

from enum import StrEnum


class VolumeSource(StrEnum):
    """Where a service's production volume profile comes from."""

    DECLARED = "declared"
    """Set by the people who run the service (an estimate, or read off a dashboard)."""
    PRODUCTION_METRICS = "production_metrics"
    """Reported by a job reading the production figures (a CI or monitoring API token)."""


class Dimension(StrEnum):
    """What a volume is measured in; the JSON keys evidence and profiles use."""

    ROWS = "rows"
    REQUESTS_PER_SECOND = "requestsPerSecond"
    PAYLOAD_BYTES = "payloadBytes"
