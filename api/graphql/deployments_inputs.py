"""Inputs and payloads of the deployments' queries and mutations."""

from __future__ import annotations

import strawberry

from api.graphql.deployments_types import (
    Deployment,
    DeploymentStatus,
    DeploymentStrategy,
    HealthReport,
    RollbackDecision,
    WebhookSubscription,
    WebhookTopic,
)
from api.graphql.user_errors import UserError
from api.graphql.versioned_input import VersionedInput
from domain.pipelines import health_rules as health


@strawberry.input(description="Which deployments to list; all you may read when empty.")
class DeploymentFilter:
    business_unit_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None
    environment_id: strawberry.ID | None = None
    statuses: list[DeploymentStatus] = strawberry.field(default_factory=list)


@strawberry.input(description="One canary step: a traffic weight held for a dwell time.")
class CanaryStepInput:
    weight: int = strawberry.field(description="Percent of traffic, 1-100, rising; last 100.")
    dwell_minutes: int = 0


@strawberry.input
class DeploymentCreateInput:
    service_id: strawberry.ID
    environment_id: strawberry.ID
    artifact_version: str
    artifact_digest: str | None = strawberry.field(
        default=None, description="sha256:<64 hex>, when known."
    )
    strategy: DeploymentStrategy
    canary_steps: list[CanaryStepInput] = strawberry.field(
        default_factory=list, description="CANARY only."
    )
    verify_minutes: int = strawberry.field(
        default=10, description="BLUE_GREEN: how long green is verified before the switch."
    )
    switch_dwell_minutes: int = strawberry.field(
        default=0, description="BLUE_GREEN: how long the switch is watched before success."
    )
    promotion_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Production: the promotion this deployment carries out. Checked: it must be "
        "of the same service, environment and version, else PROMOTION_MISMATCH; without it the "
        "latest allowed promotion of the same service, environment and version is linked.",
    )
    release_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Production: the release this deployment carries out; only its promotions "
        "are linked (RELEASE_MISMATCH when the named promotion is of another release).",
    )


@strawberry.input(description="A deployment and the version you read.")
class DeploymentVersionInput(VersionedInput):
    pass


@strawberry.input
class DeploymentRollBackInput(VersionedInput):
    reason: str


@strawberry.input(description="A team's own metric and its limit (value <= max passes).")
class CustomMetricInput:
    name: str
    value: float
    max: float


@strawberry.input(description="Metrics of a step; rates are fractions (0.02 = 2%).")
class HealthMetricsInput:
    error_rate: float | None = None
    latency_p99_ms: float | None = None
    saturation: float | None = None
    custom: list[CustomMetricInput] = strawberry.field(default_factory=list)

    def to_domain(self) -> health.Metrics:
        return health.Metrics(
            error_rate=self.error_rate,
            latency_p99_ms=self.latency_p99_ms,
            saturation=self.saturation,
            custom=tuple(health.CustomMetric(c.name, c.value, c.max) for c in self.custom),
        )


@strawberry.input
class DeploymentHealthReportInput:
    deployment_id: strawberry.ID
    step_index: int = strawberry.field(description="The current step's index.")
    metrics: HealthMetricsInput
    baseline: HealthMetricsInput | None = strawberry.field(
        default=None, description="The stable version's metrics, to compare with."
    )


@strawberry.input
class WebhookSubscriptionCreateInput:
    business_unit_id: strawberry.ID | None = strawberry.field(
        default=None, description="Whose events; null for every BU's (org scope)."
    )
    url: str = strawberry.field(description="https (plain http only to loopback, in development).")
    topics: list[WebhookTopic]


@strawberry.input
class WebhookSubscriptionRevokeInput(VersionedInput):
    pass


@strawberry.input(description="Which outbox messages to list.")
class OutboxMessageFilter:
    undelivered: bool = strawberry.field(default=False, description="Only those not delivered.")
    dead: bool | None = strawberry.field(default=None, description="Only dead (or live) ones.")
    topic: str | None = None
    key_prefix: str | None = strawberry.field(
        default=None,
        description="Keys starting so: an event's key, or `<event key>>` for its deliveries.",
    )


@strawberry.type
class DeploymentPayload:
    deployment: Deployment | None
    errors: list[UserError]


@strawberry.type(description="The report, its analysis, and the rollback it caused, if any.")
class DeploymentHealthReportPayload:
    deployment: Deployment | None
    health_report: HealthReport | None
    rollback: RollbackDecision | None
    errors: list[UserError]


@strawberry.type
class DeploymentRollBackPayload:
    deployment: Deployment | None
    rollback: RollbackDecision | None
    errors: list[UserError]


@strawberry.type(description="The subscription and its secret, shown this once.")
class WebhookSubscriptionCreatePayload:
    webhook_subscription: WebhookSubscription | None
    secret: str | None = strawberry.field(
        description="Signs every delivery (Standard Webhooks: verify with `Webhook(secret)`); "
        "keep it, it is not shown again."
    )
    errors: list[UserError]


@strawberry.type
class WebhookSubscriptionPayload:
    webhook_subscription: WebhookSubscription | None
    errors: list[UserError]
