"""Deployments: blue-green and canary plans, health analysis, rollback decisions, webhooks."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.deployments_inputs import (
    DeploymentCreateInput,
    DeploymentFilter,
    DeploymentHealthReportInput,
    DeploymentHealthReportPayload,
    DeploymentPayload,
    DeploymentRollBackInput,
    DeploymentRollBackPayload,
    DeploymentVersionInput,
    OutboxMessageFilter,
    WebhookSubscriptionCreateInput,
    WebhookSubscriptionCreatePayload,
    WebhookSubscriptionPayload,
    WebhookSubscriptionRevokeInput,
)
from api.graphql.deployments_types import (
    Deployment,
    HealthReport,
    OutboxMessage,
    RollbackDecision,
    WebhookSubscription,
)
from api.graphql.mutations import MutationRunner
from api.graphql.relay import (
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
)
from api.graphql.user_errors import PIPELINES, WebhookSecretCode, user_errors
from api.outbox_delivery import sealer_for
from domain.kernel.errors import DomainError
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.sealed import SealError
from domain.kernel.uow import UnitOfWork
from domain.pipelines import deployment_queries as dq
from domain.pipelines import deployments as uc
from domain.pipelines import webhooks
from domain.pipelines.deployment_commands import (
    CreateDeployment,
    CreateWebhookSubscription,
    ReportHealth,
)
from domain.pipelines.deployment_models import RollbackDecision as RollbackRow

run = MutationRunner(PIPELINES)
deployment_payload = run.into(DeploymentPayload, deployment=Deployment)
webhook_subscription_payload = run.into(
    WebhookSubscriptionPayload, webhook_subscription=WebhookSubscription
)


def _no_secret_key() -> WebhookSubscriptionCreatePayload:
    refusal = DomainError(
        "Webhook secrets need SIGNALBOX_SECRET_KEY in production; ask the operators.",
        code=WebhookSecretCode.SECRET_KEY_REQUIRED,
    )
    return WebhookSubscriptionCreatePayload(
        webhook_subscription=None, secret=None, errors=user_errors(refusal, PIPELINES)
    )


@strawberry.type
class DeploymentsQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This context's node types and loaders, for the schema's `node(id:)`."""
        return {
            "Deployment": ("deployment", Deployment),
            "WebhookSubscription": ("webhook_subscription", WebhookSubscription),
        }

    @connection_field(Deployment, description="Deployments you may read, oldest first.")
    def deployments(r: Reader, f: DeploymentFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return dq.deployments(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            service_id=from_optional_global_id(f.service_id, "Service", "serviceId"),
            environment_id=from_optional_global_id(
                f.environment_id, "Environment", "environmentId"
            ),
            statuses=[s.value for s in f.statuses],
            **page,
        )

    @strawberry.field(description="Outbound webhook subscriptions you may read (no secrets).")
    async def webhook_subscriptions(
        self, info: Info, include_revoked: bool = False
    ) -> list[WebhookSubscription]:
        async with info.context.reader() as r:
            rows = await dq.webhook_subscriptions(r, include_revoked=include_revoked)
        return [WebhookSubscription.from_row(row) for row in rows]

    @connection_field(
        OutboxMessage,
        description="Messages of the transactional outbox, oldest first: events and their "
        "deliveries (operators; needs webhook/read).",
    )
    def outbox_messages(r: Reader, f: OutboxMessageFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return dq.outbox_messages(
            r,
            undelivered=f.undelivered,
            dead=f.dead,
            topic=f.topic,
            key_prefix=f.key_prefix,
            **page,
        )


@strawberry.type
class DeploymentsMutation:
    @deployment_payload.mutation(
        uc.create_deployment,
        description="Plan a blue-green or canary deployment (PLANNED). To production, it is "
        "linked to the allowed promotion it carries out, or recorded as an unauthorized change.",
    )
    def deployment_create(input: DeploymentCreateInput) -> CreateDeployment:
        return CreateDeployment(
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            environment_id=from_global_id(input.environment_id, "Environment", "environmentId"),
            artifact_version=input.artifact_version,
            artifact_digest=input.artifact_digest,
            strategy=input.strategy.value,
            canary_steps=[(s.weight, s.dwell_minutes) for s in input.canary_steps],
            verify_minutes=input.verify_minutes,
            switch_dwell_minutes=input.switch_dwell_minutes,
            promotion_id=from_optional_global_id(input.promotion_id, "Promotion", "promotionId"),
            release_id=from_optional_global_id(input.release_id, "Release", "releaseId"),
        )

    deployment_start = deployment_payload.by_id(
        DeploymentVersionInput,
        "Deployment",
        uc.start_deployment,
        description="Begin the first step of a planned deployment.",
    )

    @strawberry.mutation(
        description="Report a step's metrics: the analysis says ADVANCE, HOLD or ROLL_BACK "
        "(which rolls the deployment back at once)."
    )
    async def deployment_health_report(
        self, info: Info, input: DeploymentHealthReportInput
    ) -> DeploymentHealthReportPayload:
        c = ReportHealth(
            deployment_id=from_global_id(input.deployment_id, "Deployment", "deploymentId"),
            step_index=input.step_index,
            metrics=input.metrics.to_domain(),
            baseline=input.baseline.to_domain() if input.baseline else None,
        )
        found, errors = await run(info, lambda uow: uc.report_health(uow, c))
        return DeploymentHealthReportPayload(
            deployment=Deployment.from_row(found.deployment) if found else None,
            health_report=HealthReport.from_row(found.report) if found else None,
            rollback=RollbackDecision.from_row(found.rollback)
            if found and found.rollback
            else None,
            errors=errors,
        )

    deployment_advance = deployment_payload.by_id(
        DeploymentVersionInput,
        "Deployment",
        uc.advance_deployment,
        description="Go to the next step (or succeed after the last), once the current "
        "step's newest analysis says ADVANCE and its dwell time has passed.",
    )

    @strawberry.mutation(
        description="Roll back now (blue-green switches back), for the reason given; the "
        "decision goes out as a signed webhook and a CDEvent."
    )
    async def deployment_roll_back(
        self, info: Info, input: DeploymentRollBackInput
    ) -> DeploymentRollBackPayload:
        dep_id = from_global_id(input.id, "Deployment")

        async def roll_back(uow: UnitOfWork) -> tuple[Any, RollbackRow]:
            decision = await uc.roll_back_deployment(uow, dep_id, input.version, input.reason)
            return await uc.visible_deployment(uow, dep_id), decision

        found, errors = await run(info, roll_back)
        return DeploymentRollBackPayload(
            deployment=Deployment.from_row(found[0]) if found else None,
            rollback=RollbackDecision.from_row(found[1]) if found else None,
            errors=errors,
        )

    @strawberry.mutation(
        description="Subscribe a URL to events; the signing secret is in the payload, once."
    )
    async def webhook_subscription_create(
        self, info: Info, input: WebhookSubscriptionCreateInput
    ) -> WebhookSubscriptionCreatePayload:
        settings = info.context.runtime.settings
        c = CreateWebhookSubscription(
            url=input.url,
            topics=[t.value for t in input.topics],
            bu_id=from_optional_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            allow_loopback_http=not settings.production,
        )
        try:
            sealer = sealer_for(settings)
        except SealError:
            return _no_secret_key()
        found, errors = await run(info, lambda uow: webhooks.create_subscription(uow, c, sealer))
        return WebhookSubscriptionCreatePayload(
            webhook_subscription=WebhookSubscription.from_row(found.subscription)
            if found
            else None,
            secret=found.secret if found else None,
            errors=errors,
        )

    webhook_subscription_revoke = webhook_subscription_payload.by_id(
        WebhookSubscriptionRevokeInput,
        "WebhookSubscription",
        webhooks.revoke_subscription,
        description="Stop deliveries to a webhook subscription.",
    )
