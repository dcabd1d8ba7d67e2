"""The pipelines context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class EvidenceType(StrEnum):
    """What a report is about (the guardrails' `required_evidence` names coarser kinds)."""

    SECURITY_SCAN = "security_scan"
    STATIC_ANALYSIS = "static_analysis"
    LICENCE_REPORT = "licence_report"
    PERFORMANCE_BENCHMARK = "performance_benchmark"
    TEST_RUN = "test_run"
    INTEGRATION_RESULT = "integration_result"
    MIGRATION_DRY_RUN = "migration_dry_run"


class CdEventOutcome(StrEnum):
    PROCESSED = "processed"
    """A known type that changed Signalbox data (artifact, evidence, deployment, incident)."""
    UNRESOLVED = "unresolved"
    """A known type whose subject did not map onto Signalbox data; kept with the reason."""
    STORED = "stored"
    """A known type Signalbox keeps but does not act on (yet)."""
    IGNORED = "ignored"
    """An unknown or custom type: stored, never acted on."""


class DeploymentKind(StrEnum):
    DEPLOYED = "deployed"
    UPGRADED = "upgraded"
    ROLLED_BACK = "rolledback"


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class DefinitionStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"


class DefinitionFormat(StrEnum):
    YAML = "yaml"
    JSON = "json"


class ReviewVerdict(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ERRORED = "errored"
    CANCELLED = "cancelled"


class DriftKind(StrEnum):
    MATCHES = "matches"
    DRIFT = "drift"
    UNKNOWN = "unknown"


class Strategy(StrEnum):
    BLUE_GREEN = "blue_green"
    CANARY = "canary"


class DeploymentStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    HOLDING = "holding"
    SUCCEEDED = "succeeded"
    ROLLED_BACK = "rolled_back"


class StepKind(StrEnum):
    CANARY = "canary"
    DEPLOY_GREEN = "deploy_green"
    VERIFY = "verify"
    SWITCH = "switch"


class Verdict(StrEnum):
    ADVANCE = "advance"
    HOLD = "hold"
    ROLL_BACK = "roll_back"


class RollbackTrigger(StrEnum):
    MANUAL = "manual"
    ALERT = "alert"
    HEALTH = "health"


class PromotionStatus(StrEnum):
    REFUSED = "refused"
    """The last decision had a failed gate."""
    WAITING = "waiting"
    """Nothing failed, but something is pending (approvals, a board decision, evidence)."""
    ALLOWED = "allowed"
    CANCELLED = "cancelled"
    """Withdrawn while waiting, by its requester, a release manager or the RMO."""
    EXPIRED = "expired"
    """Still waiting when its time ran out (guardrail `promotion_wait_expiry_hours`)."""


ACTIVE_STATUSES = (DeploymentStatus.IN_PROGRESS, DeploymentStatus.HOLDING)
"""A deployment under way: alerts roll it back, health reports and advances apply to it."""
