"""Pipeline runs reported by CI, each judged for drift against the definition then active.

Reporting a run is CI sending evidence (`evidence/create` in the pipeline's BU), not changing
a definition. A run is idempotent on (pipeline, run id): reported again, its status may move
forward and its finish time and artifact be filled in; its definition hash never changes.
The CDEvents ingestion (pipelinerun.started / .finished) calls `record_run` the same way.
"""

from __future__ import annotations

from datetime import datetime

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice
from domain.kernel.uow import UnitOfWork
from domain.pipelines import definition_repository as repo
from domain.pipelines import definition_rules as rules
from domain.pipelines.definition_commands import RunReport
from domain.pipelines.definition_errors import DefinitionErrorCode as Code
from domain.pipelines.definition_models import Pipeline, PipelineRun
from domain.pipelines.definitions import visible_pipeline
from domain.pipelines.drift import KnownVersion, drift_of
from domain.pipelines.vocabulary import RunStatus


async def _pipeline_of(uow: UnitOfWork, c: RunReport) -> Pipeline:
    if c.pipeline_id is not None:
        return await visible_pipeline(uow, c.pipeline_id, field="pipelineId")
    if not c.team_key or not c.pipeline_key:
        raise DomainError(
            "Name the pipeline: its id, or its team key and pipeline key.",
            code=Code.PIPELINE_REQUIRED,
            field="pipelineId",
        )
    scope = uow.scope(Action.READ, Resource.PIPELINE_DEFINITION)
    found = await repo.pipelines_named(
        uow.session, c.team_key, c.pipeline_key, c.business_unit_key, scope
    )
    if not found:
        raise NotFound("Pipeline was not found.", field="pipelineKey")
    if len(found) > 1:
        raise DomainError(
            f"Teams keyed {c.team_key} in several business units have a pipeline "
            f"{c.pipeline_key}; give the business unit key too.",
            code=Code.PIPELINE_AMBIGUOUS,
            field="businessUnitKey",
        )
    return await visible_pipeline(uow, found[0], field="pipelineKey")


async def record_run(uow: UnitOfWork, c: RunReport) -> PipelineRun:
    """Record (or update) a run CI reports, with its drift against the version active then."""
    pipeline = await _pipeline_of(uow, c)
    rule = uow.authorize(Action.CREATE, Resource.EVIDENCE, pipeline.bu_id)
    run_id = rules.check_run_id(c.run_id)
    digest = rules.normalize_hash(c.definition_hash)
    status = choice(RunStatus, c.status, Code.INVALID_RUN_STATUS, "status")
    artifact = rules.check_artifact(c.artifact)
    rules.check_run_times(c.started_at, c.finished_at, uow.clock.now())
    existing = await repo.get_run(uow.session, pipeline.id, run_id)
    if existing is not None:
        return await _report_again(uow, existing, digest, status, c.finished_at, artifact, rule)
    active = await repo.active_version_at(uow.session, pipeline.id, c.started_at)
    known = [
        KnownVersion(v.id, v.number, v.content_hash, v.raw_hash, v.status)
        for v in await repo.versions_with_hash(uow.session, pipeline.id, digest)
    ]
    drift = drift_of(active.content_hash if active is not None else None, digest, known)
    now = uow.clock.now()
    run = PipelineRun(
        pipeline_id=pipeline.id,
        bu_id=pipeline.bu_id,
        run_id=run_id,
        definition_hash=digest,
        status=str(status),
        started_at=c.started_at,
        finished_at=c.finished_at,
        artifact=artifact,
        drift=str(drift.kind),
        drift_reason=drift.reason,
        active_version_id=active.id if active is not None else None,
        matched_version_id=drift.version.id if drift.version is not None else None,
        reported_by_id=uow.actor.person_id,
        reporter=uow.actor.username,
        created_at=now,
        updated_at=now,
    )
    await uow.created(run, action="pipeline_run.report", bu_id=pipeline.bu_id, rule=rule)
    return run


async def _report_again(
    uow: UnitOfWork,
    run: PipelineRun,
    digest: str,
    status: RunStatus,
    finished_at: datetime | None,
    artifact: str | None,
    rule: str,
) -> PipelineRun:
    if run.definition_hash != digest:
        raise DomainError(
            f"Run {run.run_id} was reported with {run.definition_hash}; a run's definition "
            "does not change.",
            code=Code.RUN_HASH_CHANGED,
            field="definitionHash",
        )
    before = snapshot(run)
    run.status = str(rules.next_run_status(RunStatus(run.status), status))
    if run.finished_at is None and finished_at is not None:
        run.finished_at = finished_at
    if run.artifact is None and artifact is not None:
        run.artifact = artifact
    changed = {k for k, v in snapshot(run).items() if before[k] != v}
    if changed:
        await uow.updated(run, before, action="pipeline_run.update", bu_id=run.bu_id, rule=rule)
    return run
