"""What a known CDEvent does in Signalbox, once stored (see domain.pipelines.cdevents).

- artifact.published / packaged / signed: the artifact is recorded when its package URL names
  a service of the BU (`customData.service`, else the package name), a version (the `tag`
  qualifier, the purl version, or `customData.version`) and a sha256 digest.
- testsuiterun.finished: test_run evidence for the artifact named in `customData.artifactId`
  (a package URL, with `customData.service` / `customData.version` as above); counts and
  coverage from `customData.passed`, `failed`, `skipped`, `coveragePercent` when present.
  When `customData.nfr` holds NFR results (`environment`: a staging environment key;
  `results`: figures by NFR key; optionally `url`), they are recorded as a staging run of the
  version named by the test suite run's id (domain.pipelines.cdevents_nfr).
- dev.cdeventsx.<producer>-nfrresults.reported.0.1.x (Signalbox's custom event): NFR results
  of a service's artifact version in a staging environment (domain.pipelines.cdevents_nfr).
- service.deployed / upgraded / rolledback: a deployment report; the service is the subject
  id as a service key of the BU, the environment an environment key, the artifact the one of
  that service with the purl's digest. Unresolved parts are kept with the reason. In a
  production environment, a deployment or upgrade is linked to the allowed promotion of the
  same service, version and environment (`customData.promotionId` / `releaseId` name it,
  checked) and the promotion becomes PROMOTED; with none it is an unauthorized change
  (domain.pipelines.unauthorized).
- incident.detected / reported open an incident report (keyed by subject source and id);
  incident.resolved resolves it (or records it resolved when its detection was never seen).
  `customData.severity` (SEV1..SEV4, 1..4, critical/high/medium/low) rates it.
- pipelinerun.started / finished: a pipeline run (domain.pipelines.runs) of the BU's pipeline
  keyed `subject.content.pipelineName`, run id = subject id, with the definition hash CI ran
  in `customData.definitionHash`; drift is judged as for runs reported through GraphQL.
- Anything else known (builds, changes, tickets...) is stored only.

A known event whose subject does not map onto Signalbox data is still accepted: the outcome
is UNRESOLVED and the note says why, since the sender cannot fix Signalbox's catalog.
"""

from __future__ import annotations

import uuid
from typing import Any

from domain.environments import facts as env_facts
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents_nfr, evidence, unauthorized
from domain.pipelines import cdevents_rules as rules
from domain.pipelines import repository as repo
from domain.pipelines.commands import ArtifactRef, TestRun
from domain.pipelines.definition_commands import RunReport
from domain.pipelines.evidence_rules import assess
from domain.pipelines.incident_rules import severity_from
from domain.pipelines.models import CdEvent, DeploymentReport, IncidentReport
from domain.pipelines.named_ids import id_of
from domain.pipelines.runs import record_run
from domain.pipelines.snapshot import PRODUCTION
from domain.pipelines.unauthorized import ProductionDeployment
from domain.pipelines.unauthorized_models import UnauthorizedChange
from domain.pipelines.unauthorized_rules import Reported
from domain.pipelines.vocabulary import (
    CdEventOutcome,
    ChangeSource,
    DeploymentKind,
    IncidentStatus,
)

Outcome = tuple[CdEventOutcome, str]


async def apply_effect(uow: UnitOfWork, row: CdEvent, rule: str) -> Outcome:
    effect = rules.effect_of(row.type)
    if effect is rules.Effect.ARTIFACT:
        return await _artifact(uow, row, rule)
    if effect is rules.Effect.TEST_RUN:
        return await _test_run(uow, row, rule)
    if effect is rules.Effect.DEPLOYMENT:
        return await _deployment(uow, row, rule)
    if effect in (rules.Effect.INCIDENT_OPEN, rules.Effect.INCIDENT_RESOLVE):
        return await _incident(uow, row, rule, opens=effect is rules.Effect.INCIDENT_OPEN)
    if effect is rules.Effect.PIPELINE_RUN:
        return await _pipeline_run(uow, row)
    if effect is rules.Effect.NFR_RESULTS:
        return await cdevents_nfr.nfr_results_event(uow, row, rule)
    return CdEventOutcome.STORED, "Stored; Signalbox does not act on this type (yet)."


async def _artifact_ref(
    uow: UnitOfWork, bu_id: uuid.UUID, purl: str, data: dict[str, Any]
) -> tuple[ArtifactRef | None, str]:
    """The artifact a package URL names in the BU, or None and why not."""
    parsed = rules.parse_purl(purl)
    if parsed is None:
        return None, f"{purl[:200]!r} is not a package URL."
    service_key = data.get("service") if isinstance(data.get("service"), str) else parsed.name
    version = data.get("version") if isinstance(data.get("version"), str) else parsed.version
    if parsed.digest is None:
        return None, "The package URL names no sha256 digest."
    if not version:
        return None, "The package URL names no version (a tag qualifier or customData.version)."
    service = await repo.service_in(uow.session, bu_id, str(service_key))
    if service is None:
        return None, f"No service {str(service_key)[:100]!r} in this business unit."
    return ArtifactRef(service.id, parsed.name, str(version), parsed.digest), ""


async def _artifact(uow: UnitOfWork, row: CdEvent, rule: str) -> Outcome:
    data = rules.custom_data(row.payload)
    ref, why = await _artifact_ref(uow, row.bu_id, row.subject_id, data)
    if ref is None:
        return CdEventOutcome.UNRESOLVED, why
    try:
        artifact, created = await evidence.ensure_artifact(
            uow, ref.service_id, row.bu_id, ref, rule
        )
    except DomainError as exc:
        return CdEventOutcome.UNRESOLVED, exc.message
    verb = "recorded" if created else "already known"
    return CdEventOutcome.PROCESSED, f"Artifact {artifact.name} {artifact.version} {verb}."


def _count(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def _test_run(uow: UnitOfWork, row: CdEvent, rule: str) -> Outcome:
    data = rules.custom_data(row.payload)
    purl = data.get("artifactId")
    if not isinstance(purl, str):
        return CdEventOutcome.UNRESOLVED, "No artifact named (customData.artifactId)."
    ref, why = await _artifact_ref(uow, row.bu_id, purl, data)
    if ref is None:
        return CdEventOutcome.UNRESOLVED, why
    content = row.payload["subject"]["content"]
    suite = content.get("testSuite") if isinstance(content.get("testSuite"), dict) else {}
    coverage = data.get("coveragePercent")
    report = TestRun(
        suite=str(suite.get("name") or suite.get("id") or row.subject_id),
        passed=_count(data, "passed"),
        failed=_count(data, "failed"),
        skipped=_count(data, "skipped"),
        coverage_percent=float(coverage)
        if isinstance(coverage, int | float) and not isinstance(coverage, bool)
        else None,
        succeeded=content.get("outcome") in rules.TEST_SUITE_SUCCEEDED,
    )
    try:
        found = await evidence.record(
            uow, ref.service_id, row.bu_id, ref, assess(report), rule, f"cdevents:{row.id}"
        )
    except DomainError as exc:
        return CdEventOutcome.UNRESOLVED, exc.message
    done = f"Test run of {found.evidence.subject} recorded."
    if "nfr" not in data:
        return CdEventOutcome.PROCESSED, done
    recorded, why = await cdevents_nfr.record_results(
        uow, row, ref.service_id, ref.version, data["nfr"], rule
    )
    return (CdEventOutcome.PROCESSED if recorded else CdEventOutcome.UNRESOLVED), f"{done} {why}"


async def _resolve(
    uow: UnitOfWork, bu_id: uuid.UUID, service_ref: str, environment_ref: str
) -> tuple[uuid.UUID | None, uuid.UUID | None, list[str]]:
    service = await repo.service_in(uow.session, bu_id, service_ref) if service_ref else None
    environment = (
        await repo.environment_for(uow.session, bu_id, environment_ref) if environment_ref else None
    )
    reasons = []
    if service is None:
        reasons.append(f"no service {service_ref[:100]!r} in this business unit")
    if environment is None:
        reasons.append(f"no environment {environment_ref[:100]!r} this business unit deploys to")
    return (service.id if service else None), environment, reasons


async def _deployment(uow: UnitOfWork, row: CdEvent, rule: str) -> Outcome:
    content = row.payload["subject"]["content"]
    service_ref = rules.ref(row.subject_id)
    environment_ref = rules.ref_id(content.get("environment"))
    artifact_ref = rules.ref(content.get("artifactId"), rules.MAX_ARTIFACT_REF)
    service_id, environment_id, reasons = await _resolve(
        uow, row.bu_id, service_ref, environment_ref
    )
    artifact_id = None
    parsed = rules.parse_purl(artifact_ref) if artifact_ref else None
    if service_id is not None and parsed is not None and parsed.digest is not None:
        artifact = await repo.artifact_of(uow.session, service_id, digest=parsed.digest)
        artifact_id = artifact.id if artifact else None
    if service_id is not None and artifact_id is None and artifact_ref:
        reasons.append("the artifact is not one Signalbox knows for the service")
    report = DeploymentReport(
        cd_event_id=row.id,
        bu_id=row.bu_id,
        kind=str(rules.DEPLOYMENT_KINDS[rules.subject_predicate(row.type) or ""]),
        occurred_at=row.timestamp,
        service_ref=service_ref,
        environment_ref=environment_ref,
        artifact_ref=artifact_ref,
        service_id=service_id,
        environment_id=environment_id,
        artifact_id=artifact_id,
        unresolved="; ".join(reasons),
    )
    await uow.created(report, action="deployment_report.record", bu_id=row.bu_id, rule=rule)
    version = data_version(rules.custom_data(row.payload)) or (parsed.version if parsed else None)
    linked = await _production(uow, row, report, version or "", rule)
    if reasons:
        return CdEventOutcome.UNRESOLVED, "Deployment recorded, but " + "; ".join(reasons) + "."
    return CdEventOutcome.PROCESSED, f"Deployment ({report.kind}) recorded.{linked}"


def data_version(data: dict[str, Any]) -> str | None:
    version = data.get("version")
    return version if isinstance(version, str) else None


async def _production(
    uow: UnitOfWork, row: CdEvent, report: DeploymentReport, version: str, rule: str
) -> str:
    """A deployment or upgrade in production: linked to its promotion (then PROMOTED) or an
    unauthorized change. The report may name them in `customData.promotionId` / `releaseId`."""
    if report.service_id is None or report.environment_id is None:
        return ""
    env = await env_facts.environment(uow.session, report.environment_id, field=None)
    if env.kind != PRODUCTION or report.kind == DeploymentKind.ROLLED_BACK:
        return ""
    data = rules.custom_data(row.payload)
    reported = Reported(
        report.service_id,
        report.environment_id,
        version[:128],
        id_of(data.get("promotionId"), "Promotion"),
        id_of(data.get("releaseId"), "Release"),
    )
    d = ProductionDeployment(
        reported,
        row.bu_id,
        ChangeSource.CDEVENTS,
        row.received_by_id,
        row.received_by,
        deployment_report_id=report.id,
    )
    found = await unauthorized.link_or_flag(uow, d, rule, strict=False)
    if isinstance(found, UnauthorizedChange):
        return f" An unauthorized change: {found.reason}"
    await unauthorized.mark_promoted(uow, found, rule)
    return " Linked to its allowed promotion, now promoted."


async def _incident(uow: UnitOfWork, row: CdEvent, rule: str, *, opens: bool) -> Outcome:
    subject, content = row.payload["subject"], row.payload["subject"]["content"]
    origin = rules.ref(subject.get("source")) or rules.ref(row.source)
    incident_ref = rules.ref(row.subject_id)
    found = await repo.incident_by_ref(uow.session, row.bu_id, origin, incident_ref)
    at = row.timestamp
    if found is not None:
        return await _update_incident(uow, found, row, rule, opens=opens)
    service_ref = rules.ref_id(content.get("service"))
    environment_ref = rules.ref_id(content.get("environment"))
    service_id, environment_id, reasons = await _resolve(
        uow, row.bu_id, service_ref, environment_ref
    )
    incident = IncidentReport(
        bu_id=row.bu_id,
        origin=origin,
        incident_ref=incident_ref,
        status=str(IncidentStatus.OPEN if opens else IncidentStatus.RESOLVED),
        description=str(content.get("description") or "")[:4000],
        service_ref=service_ref,
        environment_ref=environment_ref,
        artifact_ref=rules.ref(content.get("artifactId"), rules.MAX_ARTIFACT_REF),
        service_id=service_id,
        environment_id=environment_id,
        detected_at=at,
        resolved_at=None if opens else at,
        opened_by_event_id=row.id,
        resolved_by_event_id=None if opens else row.id,
        unresolved="; ".join(reasons),
        severity=severity_from(rules.custom_data(row.payload).get("severity")),
    )
    action = "incident_report.open" if opens else "incident_report.resolve"
    await uow.created(incident, action=action, bu_id=row.bu_id, rule=rule)
    what = "opened" if opens else "recorded as resolved (its detection was not seen)"
    if reasons:
        return CdEventOutcome.UNRESOLVED, f"Incident {what}, but " + "; ".join(reasons) + "."
    return CdEventOutcome.PROCESSED, f"Incident {what}."


async def _update_incident(
    uow: UnitOfWork, found: IncidentReport, row: CdEvent, rule: str, *, opens: bool
) -> Outcome:
    wanted = IncidentStatus.OPEN if opens else IncidentStatus.RESOLVED
    if found.status == wanted:
        return CdEventOutcome.PROCESSED, f"The incident is already {wanted}."
    before = snapshot(found)
    found.status = str(wanted)
    if opens:
        found.resolved_at, found.resolved_by_event_id = None, None
        action = "incident_report.reopen"
    else:
        found.resolved_at, found.resolved_by_event_id = row.timestamp, row.id
        action = "incident_report.resolve"
    await uow.updated(found, before, action=action, bu_id=found.bu_id, rule=rule)
    return CdEventOutcome.PROCESSED, f"Incident {'reopened' if opens else 'resolved'}."


async def _pipeline_run(uow: UnitOfWork, row: CdEvent) -> Outcome:
    content = row.payload["subject"].get("content") or {}
    custom = row.payload.get("customData")
    digest = custom.get("definitionHash") if isinstance(custom, dict) else None
    name = content.get("pipelineName")
    if not isinstance(name, str) or not isinstance(digest, str):
        return (
            CdEventOutcome.UNRESOLVED,
            "A pipeline run needs subject.content.pipelineName (the pipeline's key) and "
            "customData.definitionHash (the sha256 of the definition it ran).",
        )
    pipeline_id = await repo.pipeline_in(uow.session, row.bu_id, name)
    if pipeline_id is None:
        return CdEventOutcome.UNRESOLVED, f"No pipeline keyed {name} in the business unit."
    finished = rules.subject_predicate(row.type) == "pipelinerun.finished"
    status = (
        rules.RUN_OUTCOMES.get(str(content.get("outcome")), "errored") if finished else "running"
    )
    report = RunReport(
        run_id=row.subject_id,
        definition_hash=digest,
        status=status,
        started_at=row.timestamp,
        finished_at=row.timestamp if finished else None,
        pipeline_id=pipeline_id,
    )
    try:
        async with uow.session.begin_nested():
            run = await record_run(uow, report)
    except DomainError as e:
        return CdEventOutcome.UNRESOLVED, f"The run was not recorded: {e.message}"
    return CdEventOutcome.PROCESSED, f"Pipeline run recorded ({run.drift}: {run.drift_reason})"
