"""Inputs of the evidence and CDEvents use cases: plain values, decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.pipelines.signatures import Scheme


@dataclass(frozen=True, slots=True)
class ArtifactRef:
    """Which build the evidence is about: the service, and the artifact's name, version and
    `sha256:<64 hex>` digest. The artifact is created on its first evidence."""

    service_id: uuid.UUID
    name: str
    version: str
    digest: str


@dataclass(frozen=True, slots=True)
class SecurityScan:
    scanner: str
    critical: int
    high: int
    medium: int = 0
    low: int = 0


@dataclass(frozen=True, slots=True)
class StaticAnalysis:
    tool: str
    quality_gate_passed: bool
    issues: int = 0


@dataclass(frozen=True, slots=True)
class LicenceReport:
    tool: str
    licences: list[str] = field(default_factory=list)
    """SPDX licence ids (or expressions, e.g. `MIT OR Apache-2.0`) found in the artifact."""


@dataclass(frozen=True, slots=True)
class PerformanceBenchmark:
    benchmark: str
    baseline: float
    value: float
    unit: str
    higher_is_better: bool = False
    """False for latencies and sizes (a rise is a regression), True for throughput."""
    rows: float | None = None
    """The data volume the run used (rows, requests/s, payload bytes), compared with the
    service's production volume profile (domain.readiness.volume_rules)."""
    requests_per_second: float | None = None
    payload_bytes: float | None = None


@dataclass(frozen=True, slots=True)
class TestRun:
    __test__ = False  # not a pytest class, despite its name

    suite: str
    passed: int | None
    failed: int | None
    skipped: int | None = None
    coverage_percent: float | None = None
    succeeded: bool | None = None
    """Given by CDEvents (the run's outcome); from counts, a run succeeded when none failed."""


@dataclass(frozen=True, slots=True)
class IntegrationResult:
    window: str
    suite: str
    passed: bool
    details: str = ""


@dataclass(frozen=True, slots=True)
class MigrationDryRun:
    tool: str
    succeeded: bool
    duration_seconds: float
    details: str = ""
    migrations: tuple[str, ...] = ()
    """The keys of the declared data migrations the run applied (domain.readiness)."""
    rows_scanned: float | None = None
    """Rows of the production-like data set the run went through (whole numbers, as floats
    from GraphQL, whose Int stops at 2^31)."""
    rows_changed: float | None = None
    errors: int = 0


Report = (
    SecurityScan
    | StaticAnalysis
    | LicenceReport
    | PerformanceBenchmark
    | TestRun
    | IntegrationResult
    | MigrationDryRun
)


@dataclass(frozen=True, slots=True)
class ReportEvidence:
    artifact: ArtifactRef
    report: Report


@dataclass(frozen=True, slots=True)
class IngestEvent:
    """A CloudEvent already decoded by the transport: its attributes and its CDEvent."""

    ce_id: str
    ce_source: str
    ce_type: str
    cdevent: dict[str, Any]
    business_unit_key: str | None = None
    """Named by the caller (header); else the one BU the caller may send CDEvents in."""


@dataclass(frozen=True, slots=True)
class CreateWebhookSecret:
    bu_id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True)
class RevokeWebhookSecret:
    secret_id: uuid.UUID
    version: int


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What the webhook endpoint received, for the use case to verify: the signature in one
    of the schemes of domain.pipelines.signatures, with its timestamp and message id when the
    scheme has them."""

    secret_id: uuid.UUID
    scheme: Scheme
    signature: str
    body: bytes
    received_at: datetime
    timestamp: str = ""
    message_id: str = ""
