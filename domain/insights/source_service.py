"""Use case of source changes: CI reports the commits an artifact version was built from."""

from __future__ import annotations

import uuid
from typing import Any

from domain.insights import source_commands as cmd
from domain.insights import source_repository as repo
from domain.insights import source_rules as rules
from domain.insights.source_models import SourceCommit
from domain.kernel.access import Action, Resource
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts

RESOURCE = Resource.SOURCE_CHANGE


def _fields(c: cmd.Commit) -> dict[str, Any]:
    pr = c.pull_request
    return {
        "authored_at": c.authored_at,
        "committed_at": c.committed_at,
        "pull_request": pr.ref.strip() if pr else None,
        "pr_opened_at": pr.opened_at if pr else None,
        "first_review_at": pr.first_review_at if pr else None,
        "approved_at": pr.approved_at if pr else None,
        "merged_at": pr.merged_at if pr else None,
    }


def _changed(row: SourceCommit, fields: dict[str, Any]) -> bool:
    return any(getattr(row, k) != v for k, v in fields.items())


async def record_source_change(uow: UnitOfWork, c: cmd.RecordSourceChange) -> list[SourceCommit]:
    """Record the commits of an artifact version of a service; idempotent per (service, version,
    sha): a commit reported again is rewritten only where it differs, and a report that changes
    nothing writes nothing."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    rule = uow.authorize(Action.CREATE, RESOURCE, service.bu_id)
    version = rules.version(c.artifact_version)
    now = uow.clock.now()
    commits = rules.commits(c.commits, now)
    known = await repo.commits_of_version(
        uow.session, service.id, version, [x.sha for x in commits]
    )
    out: list[SourceCommit] = []
    added: list[str] = []
    rewritten: list[str] = []
    for x in commits:
        fields = _fields(x)
        row = known.get(x.sha)
        if row is None:
            row = SourceCommit(
                id=uuid.uuid4(),
                bu_id=service.bu_id,
                service_id=service.id,
                artifact_version=version,
                sha=x.sha,
                recorded_at=now,
                recorded_by_id=uow.actor.person_id,
                **fields,
            )
            uow.session.add(row)
            added.append(x.sha)
        elif _changed(row, fields):
            for k, v in fields.items():
                setattr(row, k, v)
            row.recorded_at = now
            rewritten.append(x.sha)
        out.append(row)
    if added or rewritten:
        await uow.session.flush()
        uow.record(
            action="source_change.record",
            entity_type="service",
            entity_id=service.id,
            bu_id=service.bu_id,
            rule=rule,
            after={"artifactVersion": version, "added": added, "rewritten": rewritten},
        )
    return out
