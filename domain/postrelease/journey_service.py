"""Keeping a service's synthetic journeys, each change audited: the hosts they may reach,
creating, changing and disabling a journey, and asking for a run now. Secret header values are
sealed before they are stored (the webhooks' sealer) and never enter the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice, described, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization.facts import ServiceFacts
from domain.postrelease import journey_repository as repo
from domain.postrelease import journey_rules as rules
from domain.postrelease import journey_targets as targets
from domain.postrelease.journey_commands import (
    CreateJourney,
    JourneyDefinition,
    SetAllowedHosts,
    UpdateJourney,
)
from domain.postrelease.journey_errors import JourneyErrorCode as Code
from domain.postrelease.journey_models import Journey, JourneyClaim, JourneyHosts
from domain.postrelease.journey_vocabulary import Runner, RunTrigger

HIDDEN = ("steps",)
"""Left out of the audit trail's images (they hold sealed secrets); `steps_digest` stands in."""


def audited(journey: Journey) -> dict[str, Any]:
    """What the audit trail keeps of a journey's steps: their names and targets, never headers."""
    return {
        "steps": [
            {"name": s["name"], "method": s["method"], "url": s["url"]} for s in journey.steps
        ]
    }


def scheduled(enabled: bool, runner: str, now: datetime) -> datetime | None:
    """When the built-in runner first runs a journey: now, unless disabled or run elsewhere."""
    return now if enabled and runner == Runner.BUILT_IN else None


async def _service(uow: UnitOfWork, service_id: uuid.UUID) -> ServiceFacts:
    scope = uow.scope(Action.READ, Resource.JOURNEY) & uow.scope(Action.READ, Resource.SERVICE)
    return await org_facts.service(uow.session, service_id, readable_in=scope)


async def visible_journey(uow: UnitOfWork, journey_id: uuid.UUID, *, lock: bool) -> Journey:
    journey = await repo.get_journey(uow.session, journey_id, for_update=lock)
    if journey is None or not uow.scope(Action.READ, Resource.JOURNEY).allows(journey.bu_id):
        raise NotFound("Journey was not found.")
    return journey


async def set_allowed_hosts(
    uow: UnitOfWork, c: SetAllowedHosts, *, development: bool
) -> JourneyHosts:
    """Set the hosts a service's journeys may reach (outside development, never internal)."""
    service = await _service(uow, c.service_id)
    rule = uow.authorize(Action.UPDATE, Resource.JOURNEY, service.bu_id)
    hosts = targets.check_hosts(c.hosts, development=development)
    found = await repo.hosts_of_service(uow.session, service.id, for_update=True)
    now = uow.clock.now()
    if found is None:
        found = JourneyHosts(
            service_id=service.id,
            bu_id=service.bu_id,
            hosts=hosts,
            updated_by_id=uow.actor.person_id,
            created_at=now,
            updated_at=now,
        )
        await uow.created(found, action="journey_hosts.set", bu_id=service.bu_id, rule=rule)
        return found
    if c.version is not None:
        expect_version(found, c.version, "The allowed hosts")
    before = snapshot(found)
    found.hosts = hosts
    found.updated_by_id = uow.actor.person_id
    await uow.updated(found, before, action="journey_hosts.set", bu_id=service.bu_id, rule=rule)
    return found


async def _checked(
    uow: UnitOfWork,
    service: ServiceFacts,
    d: JourneyDefinition,
    *,
    development: bool,
    seal: rules.Seal,
    previous: list[dict[str, Any]],
) -> dict[str, Any]:
    team = await org_facts.team(
        uow.session, d.team_id, readable_in=uow.scope(Action.READ, Resource.TEAM), field="teamId"
    )
    if team.bu_id != service.bu_id:
        raise DomainError(
            "The owner team is one of the service's BU.", code=Code.TEAM_NOT_IN_BU, field="teamId"
        )
    allowed = await repo.hosts_of_service(uow.session, service.id)
    return {
        "name": rules.check_name(d.name),
        "description": described(d.description),
        "team_id": team.id,
        "tier": rules.check_tier(d.tier).value,
        "interval_minutes": rules.check_interval(d.interval_minutes),
        "runner": choice(Runner, d.runner, Code.INVALID_STEP, "runner").value,
        "steps": rules.check_steps(
            d.steps,
            allowed.hosts if allowed else [],
            development=development,
            seal=seal,
            previous=previous,
        ),
    }


async def create(
    uow: UnitOfWork, c: CreateJourney, *, development: bool, seal: rules.Seal
) -> Journey:
    """Define a journey of the service: its steps checked against the service's allowed hosts."""
    service = await _service(uow, c.service_id)
    rule = uow.authorize(Action.CREATE, Resource.JOURNEY, service.bu_id)
    key = rules.check_key(c.key)
    values = await _checked(
        uow, service, c.definition, development=development, seal=seal, previous=[]
    )
    if await repo.count_of_service(uow.session, service.id) >= repo.MAX_PER_SERVICE:
        raise DomainError(
            f"A service has at most {repo.MAX_PER_SERVICE} journeys.", code=Code.INVALID_STEP
        )
    now = uow.clock.now()
    journey = Journey(
        service_id=service.id,
        bu_id=service.bu_id,
        key=key,
        enabled=c.enabled,
        next_run_at=scheduled(c.enabled, values["runner"], now),
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
        **values,
    )
    await uow.created(
        journey,
        action="journey.create",
        bu_id=service.bu_id,
        rule=rule,
        exclude=HIDDEN,
        extra=audited(journey),
    )
    return journey


async def update(
    uow: UnitOfWork, c: UpdateJourney, *, development: bool, seal: rules.Seal
) -> Journey:
    """Change a journey (a secret header sent without a value keeps its sealed one)."""
    journey = await visible_journey(uow, c.journey_id, lock=True)
    rule = uow.authorize(Action.UPDATE, Resource.JOURNEY, journey.bu_id)
    expect_version(journey, c.version, "The journey")
    service = await _service(uow, journey.service_id)
    values = await _checked(
        uow, service, c.definition, development=development, seal=seal, previous=journey.steps
    )
    before = {**snapshot(journey, exclude=HIDDEN), **audited(journey)}
    for name, value in values.items():
        setattr(journey, name, value)
    if not (c.enabled and journey.enabled and journey.next_run_at is not None):
        journey.next_run_at = scheduled(c.enabled, journey.runner, uow.clock.now())
    journey.enabled = c.enabled
    await uow.updated(
        journey,
        before,
        action="journey.update",
        bu_id=journey.bu_id,
        rule=rule,
        exclude=HIDDEN,
        extra=audited(journey),
    )
    return journey


async def disable(uow: UnitOfWork, journey_id: uuid.UUID, version: int) -> Journey:
    """Stop running a journey (on its schedule and after deployments); its runs stay."""
    journey = await visible_journey(uow, journey_id, lock=True)
    rule = uow.authorize(Action.UPDATE, Resource.JOURNEY, journey.bu_id)
    expect_version(journey, version, "The journey")
    before = snapshot(journey, exclude=HIDDEN)
    journey.enabled = False
    journey.next_run_at = None
    await uow.updated(
        journey, before, action="journey.disable", bu_id=journey.bu_id, rule=rule, exclude=HIDDEN
    )
    return journey


async def request_run(uow: UnitOfWork, journey_id: uuid.UUID) -> JourneyClaim:
    """Ask for a run of the journey now (the built-in runner takes it)."""
    journey = await visible_journey(uow, journey_id, lock=False)
    rule = uow.authorize(Action.CREATE, Resource.JOURNEY_RUN, journey.bu_id)
    if not journey.enabled:
        raise DomainError(
            "The journey is disabled; enable it to run it.", code=Code.JOURNEY_DISABLED
        )
    now = uow.clock.now()
    claim = JourneyClaim(
        key=f"manual:{journey.id}:{uuid.uuid4()}",
        journey_id=journey.id,
        bu_id=journey.bu_id,
        trigger=RunTrigger.MANUAL.value,
        due_at=now - timedelta(microseconds=1),
        attempts=0,
        created_at=now,
    )
    await uow.created(claim, action="journey_claim.request", bu_id=journey.bu_id, rule=rule)
    return claim
