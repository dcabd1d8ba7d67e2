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
    """PROCESSED: changed Signalbox data; UNRESOLVED: a known type whose subject did not map onto
    Signalbox data (see the note); STORED: kept, not acted on; IGNORED: an unknown or custom
    type."""

    PROCESSED = "processed"
    """A known type that changed Signalbox data (artifact, evidence, deployment, incident)."""
    UNRESOLVED = "unresolved"
    """A known type whose subject did not map onto Signalbox data; kept with the reason."""
    STORED = "stored"
    """A known type Signalbox keeps but does not act on (yet)."""
    IGNORED = "ignored"
    """An unknown or custom type: stored, never acted on."""


class DeploymentKind(StrEnum):
    """service.deployed, service.upgraded or service.rolledback."""

    DEPLOYED = "deployed"
    UPGRADED = "upgraded"
    ROLLED_BACK = "rolledback"


class IncidentStatus(StrEnum):
    """Open until resolved."""

    OPEN = "open"
    RESOLVED = "resolved"


class IncidentSeverity(StrEnum):
    """How bad an incident is, SEV1 the worst (issue 17): from CDEvents `customData.severity`,
    Alertmanager's `severity` label or GraphQL."""

    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"

    @property
    def rank(self) -> int:
        """1 for SEV1 .. 4 for SEV4: a lower rank is worse."""
        return int(self.value[3])


class DefinitionStatus(StrEnum):
    """PROPOSED until a peer reviews it; then ACTIVE (one per pipeline) or REJECTED; an ACTIVE
    version becomes SUPERSEDED when the next one is activated."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"


class DefinitionFormat(StrEnum):
    """YAML or JSON source."""

    YAML = "yaml"
    JSON = "json"


class ReviewVerdict(StrEnum):
    """APPROVE activates the version; REJECT (with a comment) closes it."""

    APPROVE = "approve"
    REJECT = "reject"


class RunStatus(StrEnum):
    """Where a run is; once finished it stays finished."""

    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ERRORED = "errored"
    CANCELLED = "cancelled"


class DriftKind(StrEnum):
    """MATCHES: the run used the definition active when it started; DRIFT: another registered
    version; UNKNOWN: a definition never registered."""

    MATCHES = "matches"
    DRIFT = "drift"
    UNKNOWN = "unknown"


class Strategy(StrEnum):
    """BLUE_GREEN: deploy green, verify, switch all traffic (switch-back instant); CANARY: rising
    traffic weights, each held for a dwell time."""

    BLUE_GREEN = "blue_green"
    CANARY = "canary"


class DeploymentStatus(StrEnum):
    """PLANNED, then IN_PROGRESS (HOLDING while the analysis says hold), ending SUCCEEDED or
    ROLLED_BACK."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    HOLDING = "holding"
    SUCCEEDED = "succeeded"
    ROLLED_BACK = "rolled_back"
    FAILED = "failed"
    """Only imported from a CD tool's history (`history`): it never took traffic."""


class StepKind(StrEnum):
    """CANARY steps, or blue-green DEPLOY_GREEN, VERIFY, SWITCH."""

    CANARY = "canary"
    DEPLOY_GREEN = "deploy_green"
    VERIFY = "verify"
    SWITCH = "switch"


class Verdict(StrEnum):
    """ADVANCE: every check within limits; HOLD: close to a limit or no data; ROLL_BACK: a limit is
    breached."""

    ADVANCE = "advance"
    HOLD = "hold"
    ROLL_BACK = "roll_back"


class RollbackTrigger(StrEnum):
    """MANUAL (deploymentRollBack), HEALTH (a ROLL_BACK verdict) or ALERT (a firing Alertmanager
    alert)."""

    MANUAL = "manual"
    ALERT = "alert"
    HEALTH = "health"
    JOURNEY = "journey"
    """A synthetic journey regressed after the deployment (postrelease, by the guardrail
    journey_regression_rollback)."""


class PromotionStatus(StrEnum):
    """Where a promotion stands: refused (a gate failed), waiting (only pending gates block),
    allowed, promoted, cancelled or expired."""

    REFUSED = "refused"
    """The last decision had a failed gate."""
    WAITING = "waiting"
    """Nothing failed, but something is pending (approvals, a board decision, evidence)."""
    ALLOWED = "allowed"
    PROMOTED = "promoted"
    """Allowed, and a CD tool reported the deployment that carried it out (service.deployed)."""
    CANCELLED = "cancelled"
    """Withdrawn while waiting, by its requester, a release manager or the RMO."""
    EXPIRED = "expired"
    """Still waiting when its time ran out (guardrail `promotion_wait_expiry_hours`)."""


class ChangeSource(StrEnum):
    """The path a production deployment was reported through."""

    GRAPHQL = "graphql"
    CDEVENTS = "cdevents"
    ALERT = "alert"


class UnauthorizedChangeStatus(StrEnum):
    OPEN = "open"
    """Awaiting the RMO's review."""
    REVIEWED = "reviewed"


CARRIED_OUT_BY = (PromotionStatus.ALLOWED, PromotionStatus.PROMOTED)
"""The promotions a production deployment may carry out."""

ACTIVE_STATUSES = (DeploymentStatus.IN_PROGRESS, DeploymentStatus.HOLDING)
"""A deployment under way: alerts roll it back, health reports and advances apply to it."""
