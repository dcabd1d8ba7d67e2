"""Pipeline drift: did CI run the definition that was active? The rule, and its gate.

A run's drift is judged once, when it is reported, against the version active at the run's
start: MATCHES (the active one), DRIFT (a registered version that was not active: which) or
UNKNOWN (a hash never registered). The promotion decision reads each pipeline's latest run
(`latest_runs_of_service`) and judges `service_drift_gate` over them; the guardrail
`pipeline_drift_blocks` decides whether drift fails the gate or only warns.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.gates import GateOutcome, GateStatus, failed, passed, pending
from domain.pipelines import definition_repository as repo
from domain.pipelines.vocabulary import DefinitionStatus, DriftKind

GATE = "pipeline_drift"


@dataclass(frozen=True, slots=True)
class KnownVersion:
    """A registered version, as far as drift cares: its number and both of its hashes."""

    id: uuid.UUID
    number: int
    content_hash: str
    raw_hash: str
    status: str = DefinitionStatus.PROPOSED


@dataclass(frozen=True, slots=True)
class Drift:
    kind: DriftKind
    version: KnownVersion | None
    """The version the reported hash belongs to; None when it is unknown."""
    reason: str


def drift_of(
    active_hash: str | None, reported_hash: str, known_versions: Sequence[KnownVersion]
) -> Drift:
    """Compare the hash CI ran (canonical or raw) with the active version's canonical hash."""
    matching = [v for v in known_versions if reported_hash in (v.content_hash, v.raw_hash)]
    active = [v for v in matching if v.content_hash == active_hash]
    if active:
        # The same content may be registered twice (back to an older one): name the active copy.
        version = max(active, key=lambda v: (v.status == DefinitionStatus.ACTIVE, v.number))
        return Drift(
            DriftKind.MATCHES,
            version,
            f"The run used the active definition (version {version.number}).",
        )
    if matching:
        version = max(matching, key=lambda v: v.number)
        then = (
            "no version was active then" if active_hash is None else "not the version active then"
        )
        return Drift(
            DriftKind.DRIFT,
            version,
            f"The run used definition version {version.number} ({version.status}), {then}.",
        )
    return Drift(
        DriftKind.UNKNOWN,
        None,
        f"The run used a definition that was never registered ({reported_hash[:19]}…).",
    )


@dataclass(frozen=True, slots=True)
class RunFacts:
    """A pipeline's latest run, as the drift gate judges it."""

    run_id: str
    definition_hash: str
    drift: str
    drift_reason: str
    matched_number: int | None
    active_number: int | None
    started_at: datetime


def run_facts(row: Any) -> RunFacts:
    return RunFacts(
        run_id=row.run_id,
        definition_hash=row.definition_hash,
        drift=row.drift,
        drift_reason=row.drift_reason,
        matched_number=row.matched_number,
        active_number=row.active_number,
        started_at=row.started_at,
    )


async def latest_runs_of_service(
    session: AsyncSession, service_id: uuid.UUID, at: datetime
) -> tuple[tuple[uuid.UUID, RunFacts | None], ...]:
    """Every pipeline deploying the service with its last run started by `at` (None: none)."""
    out = []
    for pipeline_id in await repo.pipelines_of_service(session, service_id):
        row = await repo.latest_run(session, pipeline_id, at)
        out.append((pipeline_id, run_facts(row) if row is not None else None))
    return tuple(out)


def run_gate(pipeline_id: uuid.UUID, run: RunFacts | None, blocks: bool) -> GateOutcome:
    """The pipeline_drift gate of one pipeline: its latest run's drift; failing on drift only
    when `blocks`."""
    if run is None:
        return pending(
            GATE, "No run of this pipeline has been reported yet.", pipelineId=str(pipeline_id)
        )
    evidence = {
        "pipelineId": str(pipeline_id),
        "runId": run.run_id,
        "definitionHash": run.definition_hash,
        "drift": run.drift,
        "versionNumber": run.matched_number,
        "activeVersionNumber": run.active_number,
        "startedAt": run.started_at.isoformat(),
    }
    reason = run.drift_reason
    if run.drift == DriftKind.MATCHES:
        return passed(GATE, reason, **evidence)
    if blocks:
        return failed(GATE, f"{reason} Pipeline drift blocks promotion here.", **evidence)
    return passed(
        GATE,
        f"Drift was seen: {reason[0].lower()}{reason[1:]} The guardrails let it pass.",
        warning=True,
        **evidence,
    )


_SEVERITY = {GateStatus.FAILED: 3, GateStatus.PENDING: 2, GateStatus.PASSED: 1}


def service_drift_gate(
    service_id: uuid.UUID,
    runs: Sequence[tuple[uuid.UUID, RunFacts | None]],
    blocks: bool,
) -> GateOutcome:
    """The gate over every pipeline deploying a service: the worst of their outcomes."""
    if not runs:
        return pending(
            GATE, "No registered pipeline deploys this service.", serviceId=str(service_id)
        )
    outcomes = [run_gate(p, run, blocks) for p, run in runs]
    return max(outcomes, key=lambda o: _SEVERITY.get(o.status, 0))


async def drift_gate(
    session: AsyncSession, pipeline_id: uuid.UUID, now: datetime, blocks: bool
) -> GateOutcome:
    """The pipeline_drift gate of one pipeline, read now."""
    row = await repo.latest_run(session, pipeline_id, now)
    return run_gate(pipeline_id, run_facts(row) if row is not None else None, blocks)


async def drift_gate_for_service(
    session: AsyncSession, service_id: uuid.UUID, now: datetime, blocks: bool
) -> GateOutcome:
    """The gate over every pipeline deploying a service, read now."""
    runs = await latest_runs_of_service(session, service_id, now)
    return service_drift_gate(service_id, runs, blocks)
