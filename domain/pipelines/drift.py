"""Pipeline drift: did CI run the definition that was active? The rule, and its gate.

A run's drift is judged once, when it is reported, against the version active at the run's
start: MATCHES (the active one), DRIFT (a registered version that was not active: which) or
UNKNOWN (a hash never registered). The promotion decision asks `drift_gate` about the latest
run; the guardrail `pipeline_drift_blocks` decides whether drift fails the gate or only warns.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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


async def drift_gate(
    session: AsyncSession, pipeline_id: uuid.UUID, now: datetime, blocks: bool
) -> GateOutcome:
    """The pipeline_drift gate: the latest run's drift; failing on drift only when `blocks`."""
    run = await repo.latest_run(session, pipeline_id, now)
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


async def drift_gate_for_service(
    session: AsyncSession, service_id: uuid.UUID, now: datetime, blocks: bool
) -> GateOutcome:
    """The gate over every pipeline deploying a service: the worst of their outcomes."""
    pipeline_ids = await repo.pipelines_of_service(session, service_id)
    if not pipeline_ids:
        return pending(
            GATE, "No registered pipeline deploys this service.", serviceId=str(service_id)
        )
    outcomes = [await drift_gate(session, p, now, blocks) for p in pipeline_ids]
    return max(outcomes, key=lambda o: _SEVERITY.get(o.status, 0))
