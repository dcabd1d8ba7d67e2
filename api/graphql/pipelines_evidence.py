"""Evidence in: artifacts, evidence from CI and security tools, CDEvents, reported deployments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

from api.endpoints.cdevents import webhook_master_key
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner, input_type_of, mutation_field
from api.graphql.pipelines_evidence_inputs import (
    ArtifactInput,
    CdEventFilter,
    EvidenceIntegrationResultInput,
    EvidenceLicenceInput,
    EvidenceMigrationDryRunInput,
    EvidencePayload,
    EvidencePerformanceInput,
    EvidenceSecurityScanInput,
    EvidenceStaticAnalysisInput,
    EvidenceTestRunInput,
    ReportFilter,
    WebhookSecretCreateInput,
    WebhookSecretCreatePayload,
    WebhookSecretPayload,
    WebhookSecretRevokeInput,
)
from api.graphql.pipelines_evidence_types import (
    NODE_LOADERS,
    Artifact,
    CdEvent,
    DeploymentReport,
    Evidence,
    IncidentReport,
    WebhookSecret,
)
from api.graphql.relay import (
    Connection,
    PageArgs,
    connection_field,
    from_global_id,
    from_optional_global_id,
    paginate,
)
from api.graphql.user_errors import PIPELINES
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.pipelines import cdevents_secrets, evidence
from domain.pipelines import commands as cmd
from domain.pipelines import queries as q

run = MutationRunner(PIPELINES)
webhook_secret_payload = run.into(WebhookSecretPayload, webhook_secret=WebhookSecret)


def _artifact(a: ArtifactInput) -> cmd.ArtifactRef:
    return cmd.ArtifactRef(
        service_id=from_global_id(a.service_id, "Service", "artifact.serviceId"),
        name=a.name,
        version=a.version,
        digest=a.digest,
    )


async def _report(info: Info, a: ArtifactInput, report: cmd.Report) -> EvidencePayload:
    c = cmd.ReportEvidence(artifact=_artifact(a), report=report)
    found, errors = await run(info, lambda uow: evidence.report_evidence(uow, c))
    if found is None:
        return EvidencePayload(evidence=None, artifact=None, artifact_created=None, errors=errors)
    return EvidencePayload(
        evidence=Evidence.from_row(found.evidence),
        artifact=Artifact.from_row(found.artifact),
        artifact_created=found.artifact_created,
        errors=[],
    )


def _evidence_report(description: str) -> Callable[[Callable[[Any], cmd.Report]], Any]:
    """Declare a mutation reporting evidence about its input's `artifact`: the decorated
    function turns the input into the report."""

    def declare(report: Callable[[Any], cmd.Report]) -> Any:
        async def resolve(info: Info, input: Any) -> EvidencePayload:
            return await _report(info, input.artifact, report(input))

        return mutation_field(resolve, input_type_of(report), EvidencePayload, description)

    return declare


def _report_filter(f: ReportFilter | None) -> dict[str, Any]:
    f = f or ReportFilter()
    return {
        "bu_id": from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
        "service_id": from_optional_global_id(f.service_id, "Service", "serviceId"),
        "since": f.since,
    }


@strawberry.type
class EvidenceQuery:
    # Node types of this context, for `node(id:)` (read by schema._NODE_LOADERS).
    NODE_LOADERS = NODE_LOADERS

    @strawberry.field(description="Artifacts you may read evidence of, oldest first.")
    async def artifacts(
        self,
        info: Info,
        service_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Artifact]:
        return await paginate(
            info,
            Artifact,
            q.artifacts,
            service_id=from_optional_global_id(service_id, "Service", "serviceId"),
            first=first,
            after=after,
        )

    @connection_field(
        CdEvent, description="CDEvents received in the BUs you may read them in, in order."
    )
    def cd_events(r: Reader, f: CdEventFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return q.cd_events(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            type_prefix=f.type_prefix,
            known=f.known,
            outcome=f.outcome.value if f.outcome else None,
            **page,
        )

    @connection_field(
        DeploymentReport,
        description="Deployments, upgrades and rollbacks CD tools reported (CDEvents), "
        "earliest first.",
    )
    def deployment_reports(r: Reader, f: ReportFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return q.deployment_reports(r, **_report_filter(f), **page)

    @connection_field(
        IncidentReport, description="Incidents operations tools reported (CDEvents), by detection."
    )
    def incident_reports(r: Reader, f: ReportFilter, page: PageArgs) -> Awaitable[Page[Any]]:
        return q.incident_reports(r, **_report_filter(f), **page)

    @strawberry.field(description="Webhook secrets for signed CDEvents (never the secrets).")
    async def webhook_secrets(
        self, info: Info, business_unit_id: strawberry.ID | None = None
    ) -> list[WebhookSecret]:
        async with info.context.reader() as r:
            rows = await q.webhook_secrets(
                r, bu_id=from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
            )
        return [WebhookSecret.from_row(row) for row in rows]


@strawberry.type
class EvidenceMutation:
    @_evidence_report("Report a security scan: open vulnerabilities by severity.")
    def evidence_security_scan_report(input: EvidenceSecurityScanInput) -> cmd.Report:
        return cmd.SecurityScan(input.scanner, input.critical, input.high, input.medium, input.low)

    @_evidence_report("Report a static analysis run and its quality gate.")
    def evidence_static_analysis_report(input: EvidenceStaticAnalysisInput) -> cmd.Report:
        return cmd.StaticAnalysis(input.tool, input.quality_gate_passed, input.issues)

    @_evidence_report("Report the licences found in an artifact (SPDX).")
    def evidence_licence_report(input: EvidenceLicenceInput) -> cmd.Report:
        return cmd.LicenceReport(input.tool, list(input.licences))

    @_evidence_report("Report a benchmark against its baseline.")
    def evidence_performance_report(input: EvidencePerformanceInput) -> cmd.Report:
        return cmd.PerformanceBenchmark(
            input.benchmark,
            input.baseline,
            input.value,
            input.unit,
            input.higher_is_better,
            rows=input.rows,
            requests_per_second=input.requests_per_second,
            payload_bytes=input.payload_bytes,
        )

    @_evidence_report("Report a test suite run: counts and coverage.")
    def evidence_test_run_report(input: EvidenceTestRunInput) -> cmd.Report:
        return cmd.TestRun(
            input.suite, input.passed, input.failed, input.skipped, input.coverage_percent
        )

    @_evidence_report("Report an integration window's result for an artifact.")
    def evidence_integration_result_report(input: EvidenceIntegrationResultInput) -> cmd.Report:
        return cmd.IntegrationResult(input.window, input.suite, input.passed, input.details)

    @_evidence_report("Report a database migration dry run.")
    def evidence_migration_dry_run_report(input: EvidenceMigrationDryRunInput) -> cmd.Report:
        return cmd.MigrationDryRun(
            input.tool,
            input.succeeded,
            input.duration_seconds,
            input.details,
            migrations=tuple(input.migrations),
            rows_scanned=input.rows_scanned,
            rows_changed=input.rows_changed,
            errors=input.errors,
        )

    @strawberry.mutation(
        description="A new secret for signing CDEvents sent to the BU's webhook URL; shown once."
    )
    async def webhook_secret_create(
        self, info: Info, input: WebhookSecretCreateInput
    ) -> WebhookSecretCreatePayload:
        c = cmd.CreateWebhookSecret(
            bu_id=from_global_id(input.business_unit_id, "BusinessUnit", "businessUnitId"),
            name=input.name,
        )
        key = webhook_master_key(info.context.runtime)
        made, errors = await run(
            info, lambda uow: cdevents_secrets.create_webhook_secret(uow, c, key)
        )
        return WebhookSecretCreatePayload(
            webhook_secret=WebhookSecret.from_row(made.row) if made else None,
            secret=made.secret if made else None,
            standard_webhooks_secret=(
                cdevents_secrets.standard_webhooks_secret(made.secret) if made else None
            ),
            errors=errors,
        )

    @webhook_secret_payload.mutation(
        cdevents_secrets.revoke_webhook_secret,
        description="Stop a webhook secret from signing anything from now on.",
    )
    def webhook_secret_revoke(input: WebhookSecretRevokeInput) -> cmd.RevokeWebhookSecret:
        return cmd.RevokeWebhookSecret(from_global_id(input.id, "WebhookSecret"), input.version)
