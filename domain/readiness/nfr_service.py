"""Use cases of NFRs validated in staging: a service declares its NFRs (the whole set at once),
a staging run's figures are recorded for one artifact version; each authorized and audited in
the same unit of work."""

from __future__ import annotations

import uuid
from typing import Any

from domain.environments import facts as env_facts
from domain.kernel.access import Action, Resource
from domain.kernel.errors import NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import require
from domain.kernel.uow import UnitOfWork
from domain.kernel.vocabulary import EnvironmentKind
from domain.organization import facts as org_facts
from domain.readiness import nfr_input_rules as checks
from domain.readiness import nfr_repository as repo
from domain.readiness.nfr_commands import RecordNfrRun, SetServiceNfrs
from domain.readiness.nfr_errors import NfrErrorCode as Code
from domain.readiness.nfr_models import NfrRun, ServiceNfr


async def _service(uow: UnitOfWork, service_id: uuid.UUID) -> org_facts.ServiceFacts:
    scope = uow.scope(Action.READ, Resource.NFR)
    return await org_facts.service(uow.session, service_id, readable_in=scope)


def _listed(rows: list[ServiceNfr]) -> list[dict[str, Any]]:
    return [
        snapshot(r, exclude=("id", "created_at", "updated_at", "service_id", "bu_id")) for r in rows
    ]


async def set_service_nfrs(uow: UnitOfWork, c: SetServiceNfrs) -> uuid.UUID:
    """Replace the NFRs a service declares (standard ones with its own targets, custom ones);
    the guardrails' targets still tighten them where stricter."""
    service = await _service(uow, c.service_id)
    rule = uow.authorize(Action.UPDATE, Resource.NFR, service.bu_id)
    declared = checks.check_declared(c.nfrs)
    await org_facts.services(uow.session, [service.id], for_update=True)
    before = await repo.declared_of_service(uow.session, service.id)
    before_image = _listed(before)
    await repo.remove_declared(uow.session, service.id)
    now = uow.clock.now()
    rows = [
        ServiceNfr(
            service_id=service.id,
            bu_id=service.bu_id,
            key=d.key,
            name=d.name,
            unit=d.unit,
            comparison=d.comparison,
            target=d.target,
            created_at=now,
            updated_at=now,
        )
        for d in declared
    ]
    uow.session.add_all(rows)
    await uow.session.flush()
    uow.record(
        action="service.nfrs_set",
        entity_type="service",
        entity_id=service.id,
        bu_id=service.bu_id,
        rule=rule,
        before={"nfrs": before_image},
        after={"nfrs": _listed(sorted(rows, key=lambda r: r.key))},
    )
    return service.id


async def record_run(uow: UnitOfWork, c: RecordNfrRun, *, authorized: str | None = None) -> NfrRun:
    """Record a staging run's NFR figures for one artifact version of a service. `authorized`
    is the rule of a caller that already authorized the write and resolved the service and
    environment in its BU (the CDEvents ingestion, maybe through a signed webhook)."""
    if authorized is None:
        service = await _service(uow, c.service_id)
        rule = uow.authorize(Action.CREATE, Resource.NFR_RUN, service.bu_id)
        scope = uow.scope(Action.READ, Resource.ENVIRONMENT)
        env = await env_facts.environment(uow.session, c.environment_id, readable_in=scope)
    else:
        service = await org_facts.service(uow.session, c.service_id)
        rule = authorized
        env = await env_facts.environment(uow.session, c.environment_id)
    if env.bu_id not in (None, service.bu_id):
        raise NotFound("Environment was not found.", field="environmentId")
    require(
        env.kind == EnvironmentKind.STAGING,
        f"{env.key} is a {env.kind} environment; NFRs are validated in staging.",
        code=Code.NOT_A_STAGING_ENVIRONMENT,
        field="environmentId",
    )
    now = uow.clock.now()
    run = NfrRun(
        service_id=service.id,
        bu_id=service.bu_id,
        artifact_version=checks.check_version(c.artifact_version),
        environment_id=env.id,
        environment_key=env.key,
        name=checks.check_run_name(c.name),
        url=checks.check_url(c.url),
        finished_at=checks.check_finished_at(c.finished_at, now),
        figures=checks.check_figures(c.figures),
        source=str(c.source),
        recorded_by_id=uow.actor.person_id,
        recorded_at=now,
    )
    await uow.created(run, action="nfr_run.record", bu_id=service.bu_id, rule=rule)
    return run
