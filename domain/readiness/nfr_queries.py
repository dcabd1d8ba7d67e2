"""Read use cases of NFRs: the effective requirements of services (with their source), staging
runs, and the status of one version against a production target, as the decision judges it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.environments import facts as env_facts
from domain.guardrails.facts import guardrails_of_services
from domain.kernel.access import Resource
from domain.kernel.errors import NotFound
from domain.kernel.gates import GateOutcome
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id
from domain.organization import facts as org_facts
from domain.readiness import nfr_repository as repo
from domain.readiness import nfr_rules as rules
from domain.readiness.nfr_facts import declared_of_services, nfrs_of_versions

runs_by_id = readable_by_id(Resource.NFR, repo.runs_by_ids)


async def requirements_of_services(
    r: Reader, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[rules.Requirement]]:
    """The NFRs that apply to each service the reader may read NFRs of (six statements)."""
    scope = r.scope(Resource.NFR)
    services = await org_facts.services(r.session, service_ids)
    ids = sorted((s for s, f in services.items() if scope.allows(f.bu_id)), key=str)
    guardrails = await guardrails_of_services(r.session, ids)
    declared = await declared_of_services(r.session, ids)
    return {
        sid: rules.effective_requirements(
            {k: v.value for k, v in g.values.items()},
            {k: v.source for k, v in g.values.items()},
            declared[sid],
        )
        for sid, g in guardrails.items()
    }


async def runs_of_services(
    r: Reader,
    service_ids: Sequence[uuid.UUID],
    *,
    version: str | None,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """Staging runs per service (of one version when given), oldest first; a service whose
    NFR runs the reader may not read has none."""
    scope = r.scope(Resource.NFR)
    pages = await repo.runs_of_services(
        r.session, service_ids, version=version, first=first, after=after
    )
    return {
        sid: page
        if all(scope.allows(x.bu_id) for x in page.items)
        else Page(items=[], has_next=False, cursors=[])
        for sid, page in pages.items()
    }


@dataclass(frozen=True, slots=True)
class NfrStatusView:
    """The nfrs gate of a version for a target and each requirement's verdict."""

    outcome: GateOutcome
    verdicts: list[rules.Verdict]
    service_id: uuid.UUID
    environment_id: uuid.UUID


async def status(
    r: Reader, service_id: uuid.UUID, version: str, environment_id: uuid.UUID, now: datetime
) -> NfrStatusView:
    """The NFRs of `version` judged for `environment_id` (normally production) as the decision
    judges them: on its product domain's final staging, at parity, within the age bound."""
    service = await org_facts.service(r.session, service_id, readable_in=r.scope(Resource.NFR))
    env = await env_facts.environment(
        r.session, environment_id, readable_in=r.scope(Resource.ENVIRONMENT)
    )
    if env.bu_id not in (None, service.bu_id):
        raise NotFound("Environment was not found.", field="environmentId")
    staging_id = await env_facts.final_staging(r.session, env.product_domain)
    configs = await env_facts.configs_of(r.session, [e for e in (staging_id, env.id) if e])
    staging = rules.Staging(
        staging_id, configs.get(staging_id) if staging_id else None, configs.get(env.id)
    )
    g = (await guardrails_of_services(r.session, [service.id]))[service.id]
    values = {k: v.value for k, v in g.values.items()}
    facts = (await nfrs_of_versions(r.session, {(service.id, version)}))[(service.id, version)]
    requirements = rules.effective_requirements(
        values, {k: v.source for k, v in g.values.items()}, facts.declared
    )
    max_age = int(values[rules.MAX_AGE_FIELD])
    args = (requirements, facts.runs, staging)
    found = rules.verdicts(*args, service.key, max_age, now)
    outcome = rules.evaluate(service.name, service.key, *args, max_age, now)
    return NfrStatusView(outcome, found, service.id, env.id)
