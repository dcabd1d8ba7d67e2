"""Importing a service's deployment history: a year of a CD tool's production deployments (and
an operations tool's incidents) from before Signalbox governed the service, so the change
ledger and DORA have a baseline from the first day.

Each record becomes a finished production deployment marked `imported`: the ledger and DORA
count it, the matching rule never sees it (no promotion covers history, and none is looked
for: an import is not a deployment report), so no unauthorized change is flagged; the ledger
shows it as imported, so auditors see which changes were not governed. The rules are in
`history_rules`: times strictly before the service's onboarding, idempotent per (service,
environment, artifact version, finish), all or nothing, at most MAX_RECORDS per batch. Only the
RMO and the service's BU admins import (`deployment_history/create`); one audit record per
batch says what was added and what was known already.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.guardrails.errors import GuardrailProblems
from domain.kernel.access import Action, Resource
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import history_commands as cmd
from domain.pipelines import history_facts
from domain.pipelines import history_repository as repo
from domain.pipelines import history_rules as rules
from domain.pipelines.incident_rules import severity_from
from domain.pipelines.vocabulary import IncidentStatus, StepKind

RESOURCE = Resource.DEPLOYMENT_HISTORY
PLAN = [{"kind": StepKind.SWITCH.value, "weight": 100, "dwellMinutes": 0}]
"""An imported deployment's plan: one switch to the version (the CD tool's plan is unknown)."""


@dataclass(frozen=True, slots=True)
class HistoryImported:
    service_id: uuid.UUID
    bu_id: uuid.UUID
    onboarded_at: datetime
    added: int
    known: int
    """Records imported before (or twice in the batch): left as they were."""
    incidents_added: int
    incidents_known: int
    deployment_ids: tuple[uuid.UUID, ...]
    incident_ids: tuple[uuid.UUID, ...]


async def import_history(uow: UnitOfWork, c: cmd.ImportHistory) -> HistoryImported:
    """Import a batch of a service's history: every record stored, or none (see the module)."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    rule = uow.authorize(Action.CREATE, RESOURCE, service.bu_id)
    cutoff = (await history_facts.onboarded_at(uow.session, [service.id], uow.clock.now()))[
        service.id
    ]
    by_id, by_key = await repo.environments_named(
        uow.session,
        {r.environment_id for r in c.records if r.environment_id},
        {r.environment_key.strip() for r in c.records if r.environment_key},
    )
    envs = [
        by_id.get(r.environment_id)
        if r.environment_id
        else by_key.get((r.environment_key or "").strip())
        for r in c.records
    ]
    problems = rules.problems(c, envs, service.bu_id, cutoff)
    if problems:
        raise GuardrailProblems(problems)
    pairs = [(e.id, r) for e, r in zip(envs, c.records, strict=True) if e is not None]
    known: set[rules.Key] = set()
    if pairs:
        finishes = [rules.utc(r.finished_at) for _, r in pairs]
        known = await repo.imported_keys(uow.session, service.id, min(finishes), max(finishes))
    fresh = rules.new_records(pairs, known)
    refs = [i.incident_ref.strip() for i in c.incidents]
    incidents = rules.new_incidents(
        c.incidents, await repo.imported_incident_refs(uow.session, service.bu_id, refs)
    )
    now = uow.clock.now()
    deployments, imports = _deployment_rows(uow, service, fresh, now)
    incident_rows = [_incident_row(uow, service, i) for i in incidents]
    await repo.store(uow.session, deployments, imports, incident_rows)
    done = HistoryImported(
        service.id,
        service.bu_id,
        cutoff,
        len(fresh),
        len(c.records) - len(fresh),
        len(incidents),
        len(c.incidents) - len(incidents),
        tuple(d["id"] for d in deployments),
        tuple(i["id"] for i in incident_rows),
    )
    _audit(uow, done, fresh, rule)
    return done


def _audit(
    uow: UnitOfWork,
    done: HistoryImported,
    fresh: list[tuple[uuid.UUID, cmd.HistoricDeployment]],
    rule: str,
) -> None:
    finishes = sorted(rules.utc(r.finished_at) for _, r in fresh)
    uow.record(
        action="deployment_history.import",
        entity_type="service",
        entity_id=done.service_id,
        bu_id=done.bu_id,
        rule=rule,
        after={
            "onboardedAt": done.onboarded_at.isoformat(),
            "added": done.added,
            "known": done.known,
            "incidentsAdded": done.incidents_added,
            "incidentsKnown": done.incidents_known,
            "firstFinishedAt": finishes[0].isoformat() if finishes else None,
            "lastFinishedAt": finishes[-1].isoformat() if finishes else None,
        },
    )


def _deployment_rows(
    uow: UnitOfWork,
    service: org_facts.ServiceFacts,
    fresh: list[tuple[uuid.UUID, cmd.HistoricDeployment]],
    now: datetime,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    deployments, imports = [], []
    by = f"imported by {uow.actor.username}"[:200]
    for env_id, r in fresh:
        dep_id = uuid.uuid4()
        status = rules.outcome(r.outcome)
        started, finished = rules.utc(r.started_at), rules.utc(r.finished_at)
        deployments.append(
            {
                "id": dep_id,
                "version": 1,
                "created_at": started,
                "updated_at": finished,
                "service_id": service.id,
                "bu_id": service.bu_id,
                "environment_id": env_id,
                "artifact_version": r.artifact_version.strip(),
                "artifact_digest": None,
                "strategy": rules.strategy(r.strategy),
                "status": str(status),
                "steps": PLAN,
                "current_step": 0,
                "step_started_at": None,
                "requested_by_id": uow.actor.person_id,
                "requested_by": by,
                "started_at": started,
                "finished_at": finished,
                "imported": True,
            }
        )
        pr = r.pull_request
        imports.append(
            {
                "deployment_id": dep_id,
                "bu_id": service.bu_id,
                "service_id": service.id,
                "first_commit_at": r.commits.first_commit_at if r.commits else None,
                "commit_count": r.commits.count if r.commits else 0,
                "pr_opened_at": pr.opened_at if pr else None,
                "first_review_at": pr.first_review_at if pr else None,
                "approved_at": pr.approved_at if pr else None,
                "merged_at": pr.merged_at if pr else None,
                "imported_at": now,
                "imported_by_id": uow.actor.person_id,
            }
        )
    return deployments, imports


def _incident_row(
    uow: UnitOfWork, service: org_facts.ServiceFacts, i: cmd.HistoricIncident
) -> dict[str, Any]:
    resolved = i.resolved_at is not None
    return {
        "id": uuid.uuid4(),
        "version": 1,
        "bu_id": service.bu_id,
        "origin": repo.IMPORT_ORIGIN,
        "incident_ref": i.incident_ref.strip(),
        "status": (IncidentStatus.RESOLVED if resolved else IncidentStatus.OPEN).value,
        "description": i.description.strip()[:4000],
        "service_ref": service.key,
        "environment_ref": "",
        "artifact_ref": "",
        "service_id": service.id,
        "environment_id": None,
        "detected_at": rules.utc(i.detected_at),
        "resolved_at": rules.utc(i.resolved_at) if i.resolved_at else None,
        "opened_by_event_id": None,
        "resolved_by_event_id": None,
        "unresolved": "",
        "severity": severity_from(i.severity),
        "reported_by_id": uow.actor.person_id,
    }
