"""GraphQL types of deployments, health analysis, rollbacks, webhooks and the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.environments_types import Environment
from api.graphql.organization_types import BusinessUnit, Person, Service
from api.graphql.relay import Connection, Node, load_node, load_page, node_field, to_global_id
from domain.pipelines import deployment_rules as rules
from domain.pipelines import health_rules as health
from domain.pipelines import vocabulary as pipelines_vocabulary
from domain.pipelines import webhooks

DeploymentStrategy = strawberry.enum(
    pipelines_vocabulary.Strategy,
    name="DeploymentStrategy",
    description="BLUE_GREEN: deploy green, verify, switch all traffic (switch-back instant); "
    "CANARY: rising traffic weights, each held for a dwell time.",
)
DeploymentStatus = strawberry.enum(
    pipelines_vocabulary.DeploymentStatus,
    name="DeploymentStatus",
    description="PLANNED, then IN_PROGRESS (HOLDING while the analysis says hold), ending "
    "SUCCEEDED or ROLLED_BACK.",
)
DeploymentStepKind = strawberry.enum(
    pipelines_vocabulary.StepKind,
    name="DeploymentStepKind",
    description="CANARY steps, or blue-green DEPLOY_GREEN, VERIFY, SWITCH.",
)
HealthVerdict = strawberry.enum(
    pipelines_vocabulary.Verdict,
    name="HealthVerdict",
    description="ADVANCE: every check within limits; HOLD: close to a limit or no data; "
    "ROLL_BACK: a limit is breached.",
)
HealthCheckStatus = strawberry.enum(
    health.CheckStatus,
    name="HealthCheckStatus",
    description="WITHIN, NEAR (within the hold margin of the limit), BREACHED, NO_DATA (not "
    "reported) or SKIPPED (no baseline to compare with).",
)
RollbackTrigger = strawberry.enum(
    pipelines_vocabulary.RollbackTrigger,
    name="RollbackTrigger",
    description="MANUAL (deploymentRollBack), HEALTH (a ROLL_BACK verdict) or ALERT "
    "(a firing Alertmanager alert).",
)
WebhookTopic = strawberry.enum(
    webhooks.WebhookTopic,
    name="WebhookTopic",
    description="DEPLOYMENT_ROLLED_BACK: Signalbox JSON; CDEVENTS_SERVICE_ROLLEDBACK: the "
    "CDEvent service.rolledback with CloudEvents binary headers; UNAUTHORIZED_CHANGE_DETECTED: "
    "Signalbox JSON, an incident-like alert for a production deployment no allowed promotion "
    "covers (when the service's guardrail `unauthorized_change_alert` says so).",
)


@strawberry.enum(description="Where an outbox message stands.")
class OutboxMessageStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@strawberry.type(description="One step of a deployment plan.")
class DeploymentStep:
    index: int
    kind: DeploymentStepKind
    weight: int = strawberry.field(description="Percent of live traffic on the new version.")
    dwell_minutes: int = strawberry.field(description="How long the step is held at least.")


@strawberry.type(description="A team's own metric with its limit.")
class CustomMetric:
    name: str
    value: float
    max: float


@strawberry.type(description="Metrics as reported; fractions for rates (0.02 = 2%).")
class HealthMetrics:
    error_rate: float | None
    latency_p99_ms: float | None
    saturation: float | None
    custom: list[CustomMetric]

    @classmethod
    def from_json(cls, v: dict[str, Any]) -> HealthMetrics:
        return cls(
            error_rate=v.get("errorRate"),
            latency_p99_ms=v.get("latencyP99Ms"),
            saturation=v.get("saturation"),
            custom=[CustomMetric(**c) for c in v.get("custom") or []],
        )


@strawberry.type(description="One check of a health analysis, with its reason.")
class HealthCheck:
    check: str = strawberry.field(description="e.g. error_rate, latency_p99_regression.")
    status: HealthCheckStatus
    message: str
    value: float | None
    limit: float | None


@strawberry.type(description="Metrics reported for a step, and the analysis of them.")
class HealthReport:
    id: strawberry.ID
    step_index: int
    reported_at: datetime
    reporter: str = strawberry.field(description="Username of who reported it (often CI).")
    metrics: HealthMetrics
    baseline: HealthMetrics | None
    verdict: HealthVerdict
    checks: list[HealthCheck]
    reported_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> HealthReport:
        return cls(
            id=strawberry.ID(to_global_id("DeploymentHealthReport", r.id)),
            step_index=r.step_index,
            reported_at=r.reported_at,
            reporter=r.reporter,
            metrics=HealthMetrics.from_json(r.metrics),
            baseline=HealthMetrics.from_json(r.baseline) if r.baseline else None,
            verdict=pipelines_vocabulary.Verdict(r.verdict),
            checks=[
                HealthCheck(
                    check=c["check"],
                    status=health.CheckStatus(c["status"]),
                    message=c["message"],
                    value=c.get("value"),
                    limit=c.get("limit"),
                )
                for c in r.reasons
            ],
            reported_by_uid=r.reported_by_id,
        )

    @strawberry.field(description="The reasons, one sentence per check.")
    def reasons(self) -> list[str]:
        return [c.message for c in self.checks]

    reported_by = node_field(Person, "person", "reported_by_uid")


@strawberry.type(description="Why and by whom a deployment was rolled back.")
class RollbackDecision:
    trigger: RollbackTrigger
    reason: str
    step_index: int = strawberry.field(description="The step it was rolled back from.")
    decided_at: datetime
    decided_by_username: str
    alert_name: str | None
    alert_fingerprint: str | None
    alert_starts_at: datetime | None
    decided_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> RollbackDecision:
        return cls(
            trigger=pipelines_vocabulary.RollbackTrigger(r.trigger),
            reason=r.reason,
            step_index=r.step_index,
            decided_at=r.decided_at,
            decided_by_username=r.decided_by,
            alert_name=r.alert_name,
            alert_fingerprint=r.alert_fingerprint,
            alert_starts_at=r.alert_starts_at,
            decided_by_uid=r.decided_by_id,
        )

    decided_by = node_field(Person, "person", "decided_by_uid")


@strawberry.type(description="A firing Alertmanager alert that rolled a deployment back.")
class DeploymentAlert:
    alert_name: str
    fingerprint: str
    starts_at: datetime
    summary: str
    received_at: datetime


@strawberry.type(description="An artifact version going to an environment, step by step.")
class Deployment(Node):
    id: strawberry.ID
    artifact_version: str
    artifact_digest: str | None
    strategy: DeploymentStrategy
    status: DeploymentStatus
    steps: list[DeploymentStep]
    current_step: int = strawberry.field(description="Index into steps.")
    current_step_started_at: datetime | None = strawberry.field(
        description="When the current step began; its dwell counts from here."
    )
    started_at: datetime | None
    finished_at: datetime | None
    requested_by_username: str
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]
    requested_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> Deployment:
        steps = [rules.Step.from_json(s) for s in r.steps]
        return cls(
            id=strawberry.ID(to_global_id("Deployment", r.id)),
            artifact_version=r.artifact_version,
            artifact_digest=r.artifact_digest,
            strategy=pipelines_vocabulary.Strategy(r.strategy),
            status=pipelines_vocabulary.DeploymentStatus(r.status),
            steps=[
                DeploymentStep(index=i, kind=s.kind, weight=s.weight, dwell_minutes=s.dwell_minutes)
                for i, s in enumerate(steps)
            ],
            current_step=r.current_step,
            current_step_started_at=r.step_started_at,
            started_at=r.started_at,
            finished_at=r.finished_at,
            requested_by_username=r.requested_by,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
            uid=r.id,
            service_uid=r.service_id,
            environment_uid=r.environment_id,
            requested_by_uid=r.requested_by_id,
        )

    service = node_field(Service, "service", "service_uid")
    environment = node_field(Environment, "environment", "environment_uid")

    requested_by = node_field(Person, "person", "requested_by_uid")

    @strawberry.field(
        description="The newest analysis of the current step: its verdict and reasons."
    )
    async def verdict(self, info: Info) -> HealthReport | None:
        return await load_node(
            info.context.loaders.deployment_current_report, HealthReport, self.uid
        )

    @strawberry.field(description="Every health report, oldest first.")
    async def health_reports(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[HealthReport]:
        return await load_page(
            info.context.loaders.deployment_reports, (self.uid, first, after), HealthReport
        )

    rollback = node_field(
        RollbackDecision, "deployment_rollback", "uid", "The rollback decision, once rolled back."
    )

    @strawberry.field(description="Alertmanager alerts that rolled it back.")
    async def alerts(self, info: Info) -> list[DeploymentAlert]:
        rows = await info.context.loaders.deployment_alerts.load(self.uid)
        return [
            DeploymentAlert(
                alert_name=r.alert_name,
                fingerprint=r.fingerprint,
                starts_at=r.starts_at,
                summary=r.summary,
                received_at=r.received_at,
            )
            for r in rows
        ]


@strawberry.type(description="An outbound webhook; its secret was shown once, at creation.")
class WebhookSubscription(Node):
    id: strawberry.ID
    url: str
    topics: list[WebhookTopic]
    secret_hint: str = strawberry.field(description="The secret's last four characters.")
    created_at: datetime
    revoked_at: datetime | None
    version: int
    bu_uid: strawberry.Private[uuid.UUID | None]
    created_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> WebhookSubscription:
        return cls(
            id=strawberry.ID(to_global_id("WebhookSubscription", r.id)),
            url=r.url,
            topics=[webhooks.WebhookTopic(t) for t in r.topics],
            secret_hint=r.secret_hint,
            created_at=r.created_at,
            revoked_at=r.revoked_at,
            version=r.version,
            bu_uid=r.bu_id,
            created_by_uid=r.created_by_id,
        )

    business_unit = node_field(
        BusinessUnit, "business_unit", "bu_uid", "Whose events it receives; null for every BU's."
    )

    created_by = node_field(Person, "person", "created_by_uid")


@strawberry.type(
    description="A message of the transactional outbox: an event (no destination), or one "
    "delivery of it to a webhook subscription."
)
class OutboxMessage:
    id: strawberry.ID
    topic: str
    key: str = strawberry.field(description="Unique: the same key is never enqueued twice.")
    destination: str | None
    status: OutboxMessageStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    available_at: datetime = strawberry.field(description="When it is (next) due.")
    delivered_at: datetime | None
    dead_at: datetime | None

    @classmethod
    def from_row(cls, r: Any) -> OutboxMessage:
        status = (
            OutboxMessageStatus.DELIVERED
            if r.delivered_at
            else OutboxMessageStatus.DEAD
            if r.dead_at
            else OutboxMessageStatus.PENDING
        )
        return cls(
            id=strawberry.ID(to_global_id("OutboxMessage", r.id)),
            topic=r.topic,
            key=r.key,
            destination=r.destination,
            status=status,
            attempts=r.attempts,
            last_error=r.last_error,
            created_at=r.created_at,
            available_at=r.available_at,
            delivered_at=r.delivered_at,
            dead_at=r.dead_at,
        )
