"""The built-in runner's work, claimed in the database so that two workers never run the same:
a journey is due once after each production deployment of its service (planned or reported),
once per slot of its schedule, and when someone asked for a run now. `plan` adds the claims
(their unique key makes each one once, whoever adds it), `take` locks the due ones for one
worker, `complete` records the run the worker made."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.kernel.access import Action, Resource
from domain.kernel.uow import UnitOfWork
from domain.pipelines import production_deployments as finished
from domain.postrelease import journey_repository as repo
from domain.postrelease.journey_commands import ReportJourneyResult
from domain.postrelease.journey_models import JourneyClaim, JourneyRun
from domain.postrelease.journey_runs import next_run, record
from domain.postrelease.journey_vocabulary import RunTrigger

LOOKBACK = timedelta(hours=6)
"""Deployments that finished this long ago are still given their journeys (a worker that was
down catches up); the claims' keys keep it to once."""
LEASE = timedelta(minutes=10)
"""A claim taken longer ago than this, and still without its run, is taken again."""
MAX_JOURNEYS = 2000
MAX_SCHEDULED = 200


@dataclass(frozen=True, slots=True)
class Work:
    """One claimed run, as the runner needs it: the steps (secret values still sealed) and the
    hosts the journey may reach."""

    claim_id: uuid.UUID
    journey_id: uuid.UUID
    journey_key: str
    trigger: str
    deployment_id: uuid.UUID | None
    steps: list[dict[str, Any]]
    hosts: list[str]


async def plan(uow: UnitOfWork) -> int:
    """Add the claims now due: schedules, and every enabled journey of each service whose
    production deployment finished lately (once each). Returns how many were added."""
    uow.authorize(Action.CREATE, Resource.JOURNEY_RUN, None)
    now = uow.clock.now()
    added = 0
    for j in await repo.due_for_schedule(uow.session, now, MAX_SCHEDULED):
        key = f"schedule:{j.id}:{j.next_run_at.isoformat()}"
        added += await _add(uow, key, j.id, j.bu_id, RunTrigger.SCHEDULE, None, None, now)
        await repo.schedule_after(uow.session, j.id, next_run(now, j.interval_minutes))
    journeys = await repo.enabled_of_services_with_journeys(uow.session, MAX_JOURNEYS)
    by_service: dict[uuid.UUID, list[Any]] = {}
    for j in journeys:
        by_service.setdefault(j.service_id, []).append(j)
    deps = await finished.finished_between(
        uow.session, by_service, now - LOOKBACK, now, imported=False
    )
    wanted = {
        f"deployment:{d.id}:{j.id}": (d, j)
        for d in deps
        for j in by_service[d.service_id]
        if j.created_at <= d.finished_at
    }
    known = await repo.existing_claim_keys(uow.session, wanted)
    for key, (d, j) in wanted.items():
        if key not in known:
            added += await _add(uow, key, j.id, j.bu_id, RunTrigger.DEPLOYMENT, d.kind, d.id, now)
    return added


async def _add(
    uow: UnitOfWork,
    key: str,
    journey_id: uuid.UUID,
    bu_id: uuid.UUID,
    trigger: RunTrigger,
    kind: str | None,
    deployment_id: uuid.UUID | None,
    now: datetime,
) -> int:
    claim = JourneyClaim(
        key=key,
        journey_id=journey_id,
        bu_id=bu_id,
        trigger=trigger.value,
        deployment_kind=kind,
        deployment_id=deployment_id,
        due_at=now,
        attempts=0,
        created_at=now,
    )
    return int(await repo.add_claim(uow.session, claim))


async def take(uow: UnitOfWork, limit: int) -> list[Work]:
    """Lock up to `limit` due claims for this worker and mark them taken."""
    uow.authorize(Action.CREATE, Resource.JOURNEY_RUN, None)
    now = uow.clock.now()
    claims = await repo.take_due(uow.session, now, now - LEASE, limit)
    if not claims:
        return []
    journeys = await repo.journeys_by_ids(uow.session, [c.journey_id for c in claims])
    hosts = await repo.hosts_by_services(uow.session, {j.service_id for j in journeys.values()})
    out = []
    for c in claims:
        c.claimed_at = now
        c.attempts += 1
        j = journeys[c.journey_id]
        allowed = hosts.get(j.service_id)
        out.append(
            Work(
                c.id,
                j.id,
                j.key,
                c.trigger,
                c.deployment_id,
                list(j.steps),
                list(allowed.hosts) if allowed else [],
            )
        )
    await uow.session.flush()
    return out


async def complete(uow: UnitOfWork, claim_id: uuid.UUID, result: ReportJourneyResult) -> JourneyRun:
    """Record the run a worker made for its claim (the claim then holds it: never again)."""
    claim = await repo.get_claim(uow.session, claim_id)
    run = await record(uow, result)
    if claim is not None:
        claim.run_id = run.id
        await uow.session.flush()
    return run
