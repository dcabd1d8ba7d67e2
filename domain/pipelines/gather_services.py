"""The per-service facts of many decision snapshots, read in batches across the services.

domain.pipelines.gather asks for the facts that depend on the service (and its target) of
every ask at once: the evidence of each version, the freezes binding each service in each
target, the latest runs of the pipelines deploying each service, the active definitions of
those pipelines, and for production targets the owning team's onboarding, the vendors, the DR
procedures and the parity configs. Each is a fixed number of statements whatever the number of
asks; the approval delegates are read once per BU (and release authors) when needed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.facts import FreezeHit, FreezeTarget, freezes_binding_targets
from domain.compliance.facts import dr_procedures_of_services
from domain.environments.facts import EnvironmentFacts, configs_of, final_staging
from domain.governance.facts import ReleaseFacts
from domain.guardrails.facts import onboarding_of_teams
from domain.organization.facts import ServiceFacts, approval_delegates, vendors_of_services
from domain.pipelines import definition_repository as definitions
from domain.pipelines.drift import RunFacts, run_facts
from domain.pipelines.evidence import evidence_of_versions
from domain.pipelines.evidence_gates import EvidenceFacts
from domain.pipelines.snapshot import FREEZE_HORIZON, PRODUCTION, ParityFacts, ProductionSide
from domain.readiness.nfr_facts import nfrs_of_versions
from domain.readiness.nfr_rules import NfrFacts

Target = tuple[ServiceFacts, EnvironmentFacts]
Definition = tuple[str, int, Mapping[str, Any]]
"""An active definition as the stage listings read it: pipeline key, version number, document."""


@dataclass(frozen=True, slots=True)
class ServiceBatch:
    """The per-service facts of a batch of asks, keyed as the asks need them."""

    evidence: dict[tuple[uuid.UUID, str], EvidenceFacts]
    """By (service, version); a version without an artifact is absent."""
    freezes: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None], tuple[FreezeHit, ...]]
    """By (service, environment, release)."""
    runs: dict[uuid.UUID, tuple[tuple[uuid.UUID, RunFacts | None], ...]]
    definitions: dict[uuid.UUID, tuple[Definition, ...]]
    production: dict[tuple[uuid.UUID, uuid.UUID], ProductionSide]
    """By (service, environment), for production targets only."""
    session: AsyncSession
    _delegates: dict[tuple[uuid.UUID, tuple[uuid.UUID, ...]], tuple[str, ...]] = field(
        default_factory=dict
    )
    nfrs: dict[tuple[uuid.UUID, str], NfrFacts] = field(default_factory=dict)
    """By (service, version), for production targets only (two statements)."""

    async def delegates(self, bu_id: uuid.UUID, authors: Sequence[uuid.UUID]) -> tuple[str, ...]:
        """The BU's approval delegation pool without the authors, read once per BU."""
        key = (bu_id, tuple(authors))
        if key not in self._delegates:
            self._delegates[key] = await approval_delegates(self.session, bu_id, exclude=authors)
        return self._delegates[key]


async def per_service(
    session: AsyncSession,
    asks: Sequence[tuple[Target, str, ReleaseFacts | None]],
    now: datetime,
) -> ServiceBatch:
    """The per-service facts of every ask ((service, environment), version, release)."""
    service_ids = sorted({s.id for (s, _), _, _ in asks}, key=str)
    return ServiceBatch(
        evidence=await _evidence(session, {(s.id, v) for (s, _), v, _ in asks}),
        freezes=await _freezes(session, asks, now),
        runs=await _runs(session, service_ids, now),
        definitions=await _definitions(session, service_ids),
        production=await _production(session, [t for t, _, _ in asks if t[1].kind == PRODUCTION]),
        session=session,
        nfrs=await nfrs_of_versions(
            session, {(s.id, v) for (s, e), v, _ in asks if e.kind == PRODUCTION}
        ),
    )


async def _evidence(
    session: AsyncSession, pairs: set[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], EvidenceFacts]:
    return await evidence_of_versions(session, pairs)


async def _freezes(
    session: AsyncSession,
    asks: Sequence[tuple[Target, str, ReleaseFacts | None]],
    now: datetime,
) -> dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None], tuple[FreezeHit, ...]]:
    """Grouped by release, since an exception lets a freeze through for one release only."""
    by_release: dict[uuid.UUID | None, list[Target]] = {}
    for target, _, release in asks:
        by_release.setdefault(release.id if release else None, []).append(target)
    out: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID | None], tuple[FreezeHit, ...]] = {}
    for release_id, targets in by_release.items():
        wanted = [FreezeTarget(s.bu_id, s.id, e.key, s.tier) for s, e in targets]
        hits = await freezes_binding_targets(session, wanted, release_id, now, now + FREEZE_HORIZON)
        for (s, e), found in zip(targets, hits, strict=True):
            out[(s.id, e.id, release_id)] = found
    return out


async def _runs(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], now: datetime
) -> dict[uuid.UUID, tuple[tuple[uuid.UUID, RunFacts | None], ...]]:
    """Every pipeline deploying each service with its latest run started by now (one
    statement)."""
    pipelines = await definitions.latest_runs_of_services(session, service_ids, now)
    return {
        sid: tuple(
            (r.pipeline_id, run_facts(r) if r.run is not None else None)
            for r in pipelines.get(sid, [])
        )
        for sid in service_ids
    }


async def _definitions(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[Definition, ...]]:
    rows = await definitions.active_definitions_of_services(session, service_ids)
    return {
        sid: tuple((r.key, r.number, r.document) for r in rows.get(sid, [])) for sid in service_ids
    }


async def _production(
    session: AsyncSession, targets: Sequence[Target]
) -> dict[tuple[uuid.UUID, uuid.UUID], ProductionSide]:
    """The production side of each production target: onboarding, vendors and DR procedures
    batched across the services, the final staging and configs once per environment."""
    if not targets:
        return {}
    service_ids = sorted({s.id for s, _ in targets}, key=str)
    teams = await onboarding_of_teams(session, sorted({s.team_id for s, _ in targets}, key=str))
    vendors = await vendors_of_services(session, service_ids)
    procedures = await dr_procedures_of_services(session, service_ids)
    parity: dict[uuid.UUID, ParityFacts | None] = {}
    for _, env in targets:
        if env.id not in parity:
            parity[env.id] = await _parity(session, env)
    return {
        (s.id, env.id): ProductionSide(
            onboarding=teams[s.team_id],
            vendors=vendors[s.id],
            dr_procedures=procedures[s.id],
            parity=parity[env.id],
        )
        for s, env in targets
    }


async def _parity(session: AsyncSession, env: EnvironmentFacts) -> ParityFacts | None:
    staging = await final_staging(session, env.product_domain)
    if staging is None:
        return None
    configs = await configs_of(session, [staging, env.id])
    return ParityFacts(staging, configs.get(staging), configs.get(env.id))
