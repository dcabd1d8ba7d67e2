"""Inputs and payloads of evidence in: one typed mutation per kind of report, one artifact shape."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.pipelines_evidence_types import (
    Artifact,
    CdEventOutcome,
    Evidence,
    WebhookSecret,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput


@strawberry.input(description="The build a report is about; it is created on its first report.")
class ArtifactInput:
    service_id: strawberry.ID
    name: str = strawberry.field(description="e.g. the image or package name.")
    version: str = strawberry.field(description="One version is one digest, per service.")
    digest: str = strawberry.field(description="sha256:<64 lowercase hex digits>.")


@strawberry.input(description="Open vulnerabilities a scanner found, by severity.")
class EvidenceSecurityScanInput:
    artifact: ArtifactInput
    scanner: str
    critical: int
    high: int
    medium: int = 0
    low: int = 0


@strawberry.input(description="A static analysis run and its quality gate.")
class EvidenceStaticAnalysisInput:
    artifact: ArtifactInput
    tool: str
    quality_gate_passed: bool
    issues: int = 0


@strawberry.input(description="The licences found in an artifact (SPDX ids or expressions).")
class EvidenceLicenceInput:
    artifact: ArtifactInput
    tool: str
    licences: list[str]


@strawberry.input(description="A benchmark against its baseline; the regression is computed.")
class EvidencePerformanceInput:
    artifact: ArtifactInput
    benchmark: str
    baseline: float = strawberry.field(description="Positive; the same unit as value.")
    value: float
    unit: str = strawberry.field(description="e.g. ms, rps, MiB.")
    higher_is_better: bool = strawberry.field(
        default=False, description="True for throughput; False for latencies and sizes."
    )
    rows: float | None = strawberry.field(
        default=None,
        description="Rows of data the run used (a whole number), compared with the service's "
        "production volume profile (guardrail min_production_volume_percent).",
    )
    requests_per_second: float | None = strawberry.field(
        default=None, description="Load the run applied, compared likewise."
    )
    payload_bytes: float | None = strawberry.field(
        default=None, description="Payload size the run used (a whole number), compared likewise."
    )


@strawberry.input(description="A test suite run; it succeeded when none failed.")
class EvidenceTestRunInput:
    artifact: ArtifactInput
    suite: str
    passed: int
    failed: int
    skipped: int = 0
    coverage_percent: float | None = strawberry.field(
        default=None, description="Line coverage measured by this run, 0-100."
    )


@strawberry.input(description="The result of an integration window's test suite.")
class EvidenceIntegrationResultInput:
    artifact: ArtifactInput
    window: str = strawberry.field(description="The integration window (its name or id).")
    suite: str
    passed: bool
    details: str = ""


@strawberry.input(description="A database migration tried on a copy before the real thing.")
class EvidenceMigrationDryRunInput:
    artifact: ArtifactInput
    tool: str
    succeeded: bool
    duration_seconds: float
    details: str = ""
    migrations: list[str] = strawberry.field(
        default_factory=list,
        description="Keys of the declared data migrations the run applied (dataMigrationDeclare).",
    )
    rows_scanned: float | None = strawberry.field(
        default=None,
        description="Rows of the production-like data set the run went through (a whole number).",
    )
    rows_changed: float | None = strawberry.field(default=None, description="A whole number.")
    errors: int = strawberry.field(
        default=0, description="Errors the run met; any fails the dry run."
    )


@strawberry.type(description="The report recorded, and its artifact (new or known).")
class EvidencePayload:
    evidence: Evidence | None
    artifact: Artifact | None
    artifact_created: bool | None = strawberry.field(
        description="True when this report created the artifact."
    )
    errors: list[UserError]


@strawberry.input(description="Which CDEvents to list; all you may read when empty.")
class CdEventFilter:
    business_unit_id: strawberry.ID | None = None
    type_prefix: str | None = strawberry.field(
        default=None, description="e.g. dev.cdevents.service. for every service event."
    )
    known: bool | None = None
    outcome: CdEventOutcome | None = None


@strawberry.input(description="Which reports to list; all you may read when empty.")
class ReportFilter:
    business_unit_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None
    since: datetime | None = strawberry.field(default=None, description="From this time on.")


@strawberry.input
class WebhookSecretCreateInput:
    business_unit_id: strawberry.ID
    name: str = strawberry.field(description="Unique in the BU, e.g. the sending tool.")


@strawberry.type(description="The new secret: shown here once, never again.")
class WebhookSecretCreatePayload:
    webhook_secret: WebhookSecret | None
    secret: str | None = strawberry.field(
        description="Sign requests with it (HMAC-SHA256, its UTF-8 bytes the key: GitHub's "
        "X-Hub-Signature-256 or Standard Webhooks); store it in the sender's vault."
    )
    errors: list[UserError]
    standard_webhooks_secret: str | None = strawberry.field(
        default=None,
        description="The same secret as Standard Webhooks libraries take it (whsec_<base64>).",
    )


@strawberry.input
class WebhookSecretRevokeInput(VersionedInput):
    pass


@strawberry.type
class WebhookSecretPayload:
    webhook_secret: WebhookSecret | None
    errors: list[UserError]
