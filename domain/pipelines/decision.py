"""Taking the decision snapshot: every fact the promotion decision needs, read once.

No authorization here (the use cases in domain.pipelines.promotions authorize); the reads are
batched per context, and the gates whose rules live in their own context (peer review, drift,
onboarding, vendors, DR, parity, integration window) are judged by that context's functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.freezes import blocking_freezes
from domain.compliance.bypasses import active_bypasses
from domain.compliance.dr import dr_gate
from domain.environments.models import Environment
from domain.environments.parity import parity_gate
from domain.governance import assessment
from domain.governance import board_repository as boards
from domain.governance import repository as governance
from domain.governance.models import Release
from domain.governance.vocabulary import ReleaseStatus
from domain.guardrails.effective import effective_for_service
from domain.guardrails.onboarding import onboarding_gate
from domain.kernel import gates
from domain.kernel.errors import NotFound
from domain.kernel.gates import GateOutcome
from domain.organization.models import Service
from domain.organization.vendor_findings import vendor_attestation_gate
from domain.pipelines import decision_repository as repo
from domain.pipelines.decision_rules import ApprovalFacts, Chain, ChangeFacts
from domain.pipelines.drift import drift_gate_for_service
from domain.pipelines.evidence import evidence_for
from domain.pipelines.evidence_gates import EvidenceFacts
from domain.pipelines.snapshot import (
    FREEZE_HORIZON,
    NO_ARTIFACT,
    FreezeFact,
    SignOffFact,
    Snapshot,
)
from domain.risk.assessments import assess_release
from domain.risk.peer_reviews import peer_review_gate
from domain.trains.integration import integration_gate

READY = frozenset({ReleaseStatus.APPROVED, ReleaseStatus.SCHEDULED, ReleaseStatus.DEPLOYING})


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
    service = await session.get(Service, ask.service_id)
    env = await session.get(Environment, ask.environment_id)
    if service is None:
        raise NotFound("Service was not found.", field="serviceId")
    if env is None or env.bu_id not in (None, service.bu_id):
        raise NotFound("Environment was not found.", field="environmentId")
    effective = await effective_for_service(session, service.id)
    guardrails = {k: v.value for k, v in effective.values.items()}
    production = env.kind == "production"
    release = await _release(session, ask.release_id, service)
    evidence = await _evidence(session, service.id, ask.artifact_version)
    freezes = await blocking_freezes(
        session,
        bu_id=service.bu_id,
        service_ids=[service.id],
        environments=[env.key],
        tiers=[service.tier],
        starts_at=now,
        ends_at=now + FREEZE_HORIZON,
        release_id=release.id if release else None,
        now=now,
    )
    outcomes = [
        await drift_gate_for_service(
            session, service.id, now, bool(guardrails["pipeline_drift_blocks"])
        )
    ]
    risk_level: str | None = None
    suites: tuple[str, ...] = ()
    risk_min = 0
    sign_offs = None
    authors: list[uuid.UUID] = []
    reviewers: list[uuid.UUID] = []
    bypasses = []
    if release is not None:
        risk = await assess_release(session, release.id, now)
        risk_level = str(risk.level)
        suites, risk_min = risk.requirements.test_suites, risk.requirements.min_approvals
        states = (await assessment.sign_off_states(session, [release], now))[release.id]
        sign_offs = tuple(
            SignOffFact(
                s.requirement,
                s.discipline,
                s.sign_off.id if s.sign_off else None,
                s.sign_off.expires_at if s.sign_off else None,
            )
            for s in states
        )
        authors = await governance.author_ids(session, release.id)
        reviewers = await repo.peer_reviewer_ids(session, release.id)
        bypasses = await active_bypasses(session, release.id, env.id, now)
        outcomes += await _release_gates(session, release, env, risk, now)
    elif production:
        outcomes.append(
            gates.pending("readiness", "A production promotion needs a release that ships it.")
        )
    if production:
        outcomes += await _production_gates(session, service, env, now)
    return Snapshot(
        service_id=service.id,
        service_key=service.key,
        bu_id=service.bu_id,
        environment_id=env.id,
        environment_key=env.key,
        environment_kind=env.kind,
        artifact_version=ask.artifact_version,
        release_id=release.id if release else None,
        requester_id=ask.requester_id,
        taken_at=now,
        guardrails=guardrails,
        evidence=evidence,
        risk_level=risk_level,
        required_suites=tuple(suites),
        risk_min_approvals=risk_min,
        approvals=tuple(approvals),
        chain=Chain.of(ask.requester_id, ask.changes, authors, reviewers),
        delegates=tuple(
            guardrails["approval_delegates"]
            or await repo.delegates(session, service.bu_id, exclude=authors)
        ),
        bypasses=tuple(bypasses),
        freezes=tuple(
            FreezeFact(h.freeze_id, h.title, h.occurrence_start, h.occurrence_end) for h in freezes
        ),
        sign_offs=sign_offs,
        outcomes=tuple(outcomes),
    )


async def _release(
    session: AsyncSession, release_id: uuid.UUID | None, service: Service
) -> Release | None:
    if release_id is None:
        return None
    release = await governance.get_release(session, release_id)
    if release is None or release.bu_id != service.bu_id:
        raise NotFound("Release was not found.", field="releaseId")
    shipped = (await governance.shipped_services(session, [release.id])).get(release.id, [])
    if service.id not in {s.id for s in shipped}:
        raise NotFound("The release does not ship this service.", field="releaseId")
    return release


async def _evidence(session: AsyncSession, service_id: uuid.UUID, version: str) -> EvidenceFacts:
    artifact = await repo.artifact_id(session, service_id, version)
    if artifact is None:
        return EvidenceFacts(NO_ARTIFACT)
    return (await evidence_for(session, [artifact])).get(artifact, EvidenceFacts(artifact))


async def _release_gates(
    session: AsyncSession, release: Release, env: Environment, risk: Any, now: datetime
) -> list[GateOutcome]:
    production = env.kind == "production"
    out = [await peer_review_gate(session, release.id, env.kind, now)]
    if not production:
        return out
    done = (await assessment.completeness(session, [release]))[release.id]
    if done.complete:
        out.append(gates.passed("documentation", "Every required documentation section is filled."))
    else:
        names = ", ".join(f"{m.section}.{m.field}" for m in done.missing)
        out.append(
            gates.failed("documentation", f"Documentation is missing: {names}.", missing=names)
        )
    out.append(await _board(session, release, risk))
    if release.status in READY:
        out.append(gates.passed("readiness", f"The release is {release.status}."))
    else:
        out.append(
            gates.pending("readiness", f"The release is {release.status}, not approved yet.")
        )
    departure = await repo.departure_of(session, release.id)
    if departure is None:
        out.append(gates.passed("integration_window", "The release rides no train departure."))
    else:
        result = await integration_gate(session, departure, now)
        make = gates.passed if result.passed else gates.failed
        out.append(make("integration_window", result.reason, departureId=str(departure)))
    return out


async def _board(session: AsyncSession, release: Release, risk: Any) -> GateOutcome:
    if not risk.requirements.board_decision:
        return gates.passed(
            "board_decision", f"Risk {risk.level} needs no board go/no-go decision."
        )
    sessions = (await boards.sessions_by_release(session, [release.id])).get(release.id, [])
    decided = [s for s in sessions if s.outcome is not None]
    if not decided:
        return gates.pending(
            "board_decision", f"Risk {risk.level} needs a board go/no-go decision; none yet."
        )
    last = decided[-1]
    evidence = {"sessionId": str(last.id), "outcome": last.outcome}
    if last.outcome == "go":
        return gates.passed("board_decision", "The board decided go.", **evidence)
    return gates.failed("board_decision", f"The board decided {last.outcome}.", **evidence)


async def _production_gates(
    session: AsyncSession, service: Service, env: Environment, now: datetime
) -> list[GateOutcome]:
    out = [
        await onboarding_gate(session, service.id),
        await vendor_attestation_gate(session, service.id, now),
        await dr_gate(session, service.id, now),
    ]
    staging = await repo.final_staging(session, env.product_domain)
    if staging is None:
        out.append(
            gates.passed("environment_parity", f"{env.key} has no final staging to compare with.")
        )
    else:
        parity = await parity_gate(session, staging, env.id)
        if parity.in_parity:
            out.append(gates.passed("environment_parity", "Final staging and production agree."))
        else:
            names = ", ".join(sorted({str(d.kind) for d in parity.divergences}))
            out.append(
                gates.failed(
                    "environment_parity",
                    f"Final staging and production differ: {names}.",
                    divergences=len(parity.divergences),
                )
            )
    return out
