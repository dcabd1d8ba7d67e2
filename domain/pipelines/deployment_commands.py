"""Inputs of the deployment and webhook use cases: plain values, decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.pipelines.health_rules import Metrics


@dataclass(frozen=True, slots=True)
class CreateDeployment:
    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    strategy: str
    artifact_digest: str | None = None
    canary_steps: list[tuple[int, int]] = field(default_factory=list)
    """(weight, dwell minutes) per step, for CANARY."""
    verify_minutes: int = 10
    """BLUE_GREEN: how long green is verified before the switch."""
    switch_dwell_minutes: int = 0
    """BLUE_GREEN: how long the switch is watched (switch-back stays instant) before success."""
    promotion_id: uuid.UUID | None = None
    """The promotion this deployment carries out: checked, not guessed (production)."""
    release_id: uuid.UUID | None = None
    """The release this deployment carries out (production)."""


@dataclass(frozen=True, slots=True)
class ReportHealth:
    deployment_id: uuid.UUID
    step_index: int
    metrics: Metrics
    baseline: Metrics | None = None


@dataclass(frozen=True, slots=True)
class FiringAlert:
    """One alert of an Alertmanager webhook, already parsed."""

    name: str
    status: str
    fingerprint: str
    starts_at: datetime
    labels: dict[str, str]
    annotations: dict[str, str]


@dataclass(frozen=True, slots=True)
class CreateWebhookSubscription:
    url: str
    topics: list[str]
    bu_id: uuid.UUID | None = None
    allow_loopback_http: bool = False
    """Development and tests: plain http to a loopback address is accepted."""
