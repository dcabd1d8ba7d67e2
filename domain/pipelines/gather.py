"""Gathering the decision snapshot: every fact the promotion decision needs, read once.

Only reads, no judging (domain.pipelines.judge judges), no authorization (the use cases in
domain.pipelines.promotions authorize). Each lower context is read through its published
facts module, in batches; the effective guardrails of the service and of every service the
release ships are computed once and handed to the risk assessment, and the judge applies
them to onboarding, vendor attestations, DR and the evidence thresholds.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.facts import freezes_binding
from domain.compliance.facts import active_bypasses, dr_procedures_of_services
from domain.environments.facts import (
    EnvironmentFacts,
    configs_of,
    environment_facts,
    final_staging,
)
from domain.governance.facts import ReleaseFacts, release_facts
from domain.guardrails.facts import (
    EffectiveGuardrails,
    go_no_go_disciplines,
    guardrails_of_services,
    onboarding_of_teams,
)
from domain.kernel.errors import NotFound
from domain.organization.facts import (
    ServiceFacts,
    approval_delegates,
    approver_disciplines,
    service_facts,
    vendors_of_services,
)
from domain.pipelines.decision_rules import ApprovalFacts, Chain, ChangeFacts
from domain.pipelines.drift import latest_runs_of_service
from domain.pipelines.evidence import evidence_of_version
from domain.pipelines.snapshot import (
    FREEZE_HORIZON,
    PRODUCTION,
    ParityFacts,
    ProductionSide,
    ReleaseSide,
    Snapshot,
)
from domain.pipelines.stage_gates import stage_listings
from domain.risk.facts import assessment_of, peer_reviews_of
from domain.trains.facts import departure_of, integration_of


@dataclass(frozen=True, slots=True)
class Ask:
    """The question: may this artifact of this service go to this environment now?"""

    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    release_id: uuid.UUID | None = None
    requester_id: uuid.UUID | None = None
    changes: tuple[ChangeFacts, ...] = ()


async def take_snapshot(
    session: AsyncSession,
    ask: Ask,
    now: datetime,
    approvals: Sequence[ApprovalFacts] = (),
) -> Snapshot:
    """Every fact the decision needs, as of `now`."""
    service, env = await _target(session, ask)
    production = env.kind == PRODUCTION
    release = await _release(session, ask.release_id, service, now, production)
    shipped = release.service_ids if release else frozenset()
    guardrails = await guardrails_of_services(session, sorted({service.id, *shipped}, key=str))
    own = guardrails[service.id]
    authors = release.author_ids if release else ()
    of_release = await _of_release(session, release, env, guardrails, now) if release else None
    reviewers = [r.reviewer_id for r in of_release.peer_reviews] if of_release else []
    return Snapshot(
        service=service,
        environment=env,
        artifact_version=ask.artifact_version,
        requester_id=ask.requester_id,
        taken_at=now,
        guardrails={k: v.value for k, v in own.values.items()},
        guardrail_sources={k: v.source for k, v in own.values.items()},
        evidence=await evidence_of_version(session, service.id, ask.artifact_version),
        freezes=await freezes_binding(
            session,
            bu_id=service.bu_id,
            service_id=service.id,
            environment_key=env.key,
            tier=service.tier,
            release_id=release.id if release else None,
            starts_at=now,
            ends_at=now + FREEZE_HORIZON,
        ),
        pipeline_runs=await latest_runs_of_service(session, service.id, now),
        approvals=tuple(approvals),
        chain=Chain.of(ask.requester_id, ask.changes, authors, reviewers),
        delegates=tuple(own["approval_delegates"])
        or await approval_delegates(session, service.bu_id, exclude=authors),
        of_release=of_release,
        of_production=await _of_production(session, service, env) if production else None,
        stage_listings=await stage_listings(session, service.id, env.kind, env.key),
    )


async def _target(session: AsyncSession, ask: Ask) -> tuple[ServiceFacts, EnvironmentFacts]:
    service = await service_facts(session, ask.service_id)
    if service is None:
        raise NotFound("Service was not found.", field="serviceId")
    env = await environment_facts(session, ask.environment_id)
    if env is None or env.bu_id not in (None, service.bu_id):
        raise NotFound("Environment was not found.", field="environmentId")
    return service, env


async def _release(
    session: AsyncSession,
    release_id: uuid.UUID | None,
    service: ServiceFacts,
    now: datetime,
    production: bool,
) -> ReleaseFacts | None:
    if release_id is None:
        return None
    release = await release_facts(session, release_id, now, go_live=production)
    if release is None or release.bu_id != service.bu_id:
        raise NotFound("Release was not found.", field="releaseId")
    if service.id not in release.service_ids:
        raise NotFound("The release does not ship this service.", field="releaseId")
    return release


async def _of_release(
    session: AsyncSession,
    release: ReleaseFacts,
    env: EnvironmentFacts,
    guardrails: Mapping[uuid.UUID, EffectiveGuardrails],
    now: datetime,
) -> ReleaseSide:
    shipped = [guardrails[sid] for sid in sorted(release.service_ids, key=str)]
    production = env.kind == PRODUCTION
    departure = await departure_of(session, release.id) if production else None
    return ReleaseSide(
        release=release,
        risk=await assessment_of(session, release.id, release.bu_id, now, shipped),
        peer_reviews=await peer_reviews_of(session, release.id),
        bypasses=await active_bypasses(session, release.id, env.id, now),
        integration=await integration_of(session, departure) if departure else None,
        go_no_go_disciplines=go_no_go_disciplines(shipped),
        approver_disciplines=await approver_disciplines(session, release.bu_id)
        if production
        else {},
    )


async def _of_production(
    session: AsyncSession, service: ServiceFacts, env: EnvironmentFacts
) -> ProductionSide:
    teams = await onboarding_of_teams(session, [service.team_id])
    staging = await final_staging(session, env.product_domain)
    configs = await configs_of(session, [staging, env.id]) if staging else {}
    return ProductionSide(
        onboarding=teams[service.team_id],
        vendors=(await vendors_of_services(session, [service.id]))[service.id],
        dr_procedures=(await dr_procedures_of_services(session, [service.id]))[service.id],
        parity=ParityFacts(staging, configs.get(staging), configs.get(env.id)) if staging else None,
    )
