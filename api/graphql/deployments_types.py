"""GraphQL types of deployments, health analysis, rollbacks, webhooks and the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.environments_types import Environment
from api.graphql.organization_types import BusinessUnit, Person, Service
from api.graphql.relay import Connection, Node, load_node, load_page, node_field, to_global_id
from api.graphql.rows import from_columns
from domain.pipelines import deployment_rules as rules
from domain.pipelines import health_rules as health
from domain.pipelines import vocabulary as pipelines_vocabulary
from domain.pipelines import webhooks

if TYPE_CHECKING:
    from api.graphql.postrelease_journeys_types import JourneyRegression
    from api.graphql.promotions import Promotion
    from api.graphql.unauthorized_types import UnauthorizedChange

DeploymentStrategy = exposed(pipelines_vocabulary.Strategy, name="DeploymentStrategy")
DeploymentStatus = exposed(pipelines_vocabulary.DeploymentStatus, name="DeploymentStatus")
DeploymentStepKind = exposed(pipelines_vocabulary.StepKind, name="DeploymentStepKind")
HealthVerdict = exposed(pipelines_vocabulary.Verdict, name="HealthVerdict")
HealthCheckStatus = strawberry.enum(
    health.CheckStatus,
    name="HealthCheckStatus",
    description="WITHIN, NEAR (within the hold margin of the limit), BREACHED, NO_DATA (not "
    "reported) or SKIPPED (no baseline to compare with).",
)
RollbackTrigger = exposed(pipelines_vocabulary.RollbackTrigger, name="RollbackTrigger")
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
        return from_columns(
            cls,
            r,
            id=strawberry.ID(to_global_id("DeploymentHealthReport", r.id)),
            metrics=HealthMetrics.from_json(r.metrics),
            baseline=HealthMetrics.from_json(r.baseline) if r.baseline else None,
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
        return from_columns(cls, r, decided_by_username=r.decided_by)

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
        return from_columns(
            cls,
            r,
            steps=[
                DeploymentStep(index=i, kind=s.kind, weight=s.weight, dwell_minutes=s.dwell_minutes)
                for i, s in enumerate(steps)
            ],
            current_step_started_at=r.step_started_at,
            requested_by_username=r.requested_by,
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

    @strawberry.field(
        description="The allowed promotion it carries out (same service, version and "
        "environment, or the one its report named); null when none is linked."
    )
    async def promotion(
        self, info: Info
    ) -> Annotated[Promotion, strawberry.lazy("api.graphql.promotions")] | None:
        from api.graphql.promotions import Promotion

        return await load_node(info.context.loaders.deployment_promotion, Promotion, self.uid)

    @strawberry.field(
        description="The unauthorized change it was recorded as: a production deployment no "
        "allowed promotion covered; null otherwise."
    )
    async def unauthorized_change(
        self, info: Info
    ) -> Annotated[UnauthorizedChange, strawberry.lazy("api.graphql.unauthorized_types")] | None:
        from api.graphql.unauthorized_types import UnauthorizedChange

        return await load_node(
            info.context.loaders.deployment_unauthorized_change, UnauthorizedChange, self.uid
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

    # postrelease: synthetic journeys (issue 17)
    @strawberry.field(
        description="Journeys that passed before it and fail after it (functional regressions)."
    )
    async def journey_regressions(
        self, info: Info
    ) -> list[
        Annotated[JourneyRegression, strawberry.lazy("api.graphql.postrelease_journeys_types")]
    ]:
        from api.graphql.postrelease_journeys_types import JourneyRegression

        rows = await info.context.loaders.deployment_journey_regressions.load(self.uid)
        return [JourneyRegression.from_row(r) for r in rows]


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
        return from_columns(cls, r, topics=[webhooks.WebhookTopic(t) for t in r.topics])

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
        return from_columns(cls, r, status=status)
