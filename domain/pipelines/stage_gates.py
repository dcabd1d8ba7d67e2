"""The gates a pipeline definition lists for the stage that deploys to the target.

A stage deploys to an environment kind or key and lists gate keys (domain.kernel.gates.GateKey,
domain.pipelines.definition_rules). The active definition of every pipeline deploying the
service is read once per decision snapshot; each stage deploying to the target lists its gates.
A listed gate is required there: an evidence gate needs its evidence even when the guardrails
do not ask for it, drift blocks, parity needs a final staging to compare with, and a migration
dry run must be reported. Every blocking outcome of a listed gate names the stage listing it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.gates import GateKey, GateOutcome
from domain.pipelines import definition_repository as repo
from domain.pipelines.definition_rules import stages_of


@dataclass(frozen=True, slots=True)
class StageListing:
    """One stage of an active definition that deploys to the target, and the gates it lists."""

    pipeline_key: str
    version_number: int
    stage: str
    gates: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"stage '{self.stage}' of pipeline {self.pipeline_key} (v{self.version_number})"


def listings_for(
    definitions: Iterable[tuple[str, int, Mapping[str, Any]]], kind: str, key: str
) -> tuple[StageListing, ...]:
    """The stages of (pipeline key, version number, document) that deploy to kind or key."""
    return tuple(
        StageListing(pipeline, number, stage.name, stage.gates)
        for pipeline, number, document in definitions
        for stage in stages_of(document)
        if stage.environment_kind == kind or stage.environment_key == key
    )


async def stage_listings(
    session: AsyncSession, service_id: uuid.UUID, kind: str, key: str
) -> tuple[StageListing, ...]:
    """The stages of the service's active definitions that deploy to the target (one statement)."""
    rows = await repo.active_definitions_of_service(session, service_id)
    return listings_for(((r.key, r.number, r.document) for r in rows), kind, key)


def listed_by(listings: Sequence[StageListing]) -> dict[str, str]:
    """Each listed gate key and the stage(s) listing it, in words."""
    out: dict[str, list[str]] = {}
    for listing in listings:
        for gate in listing.gates:
            out.setdefault(gate, []).append(listing.label)
    return {gate: " and ".join(labels) for gate, labels in out.items()}


def name_stages(outcomes: Sequence[GateOutcome], listed: Mapping[str, str]) -> list[GateOutcome]:
    """The outcomes, each blocking one of a listed gate saying which stage lists it."""
    return [
        replace(
            o,
            reason=f"{o.reason} {_capital(listed[o.gate])} lists {o.gate}.",
            evidence={**o.evidence, "listedBy": listed[o.gate]},
        )
        if o.blocks and o.gate in listed
        else o
        for o in outcomes
    ]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


JUDGED_WHETHER_LISTED: dict[str, str] = {
    GateKey.FREEZE: "Every promotion is judged against the freezes binding its target; "
    "there is no evidence a listing could require.",
    GateKey.DOCUMENTATION: "A release's documentation is judged on every production "
    "promotion it ships; a promotion without a release has none to require.",
    GateKey.SIGN_OFFS: "Every production promotion needs its release's sign-offs valid.",
    GateKey.BOARD_DECISION: "A board decision is required where the risk level or the "
    "guardrails ask for one, and a decision no-go always fails the gate.",
    GateKey.RELEASE_STATUS: "Every production promotion needs a release, approved (or further "
    "along) in its lifecycle.",
    GateKey.PEER_REVIEW: "A peer review is required by the change types (guardrails) or the "
    "risk level, on every promotion to staging and beyond.",
    GateKey.RISK_REQUIREMENTS: "The suites the risk level requires are judged on every "
    "promotion of the release.",
    GateKey.INTEGRATION_WINDOW: "A release riding a train departure is judged against its "
    "integration window on every promotion.",
    GateKey.ONBOARDING: "Every production promotion needs the owning team onboarded.",
    GateKey.VENDOR_ATTESTATIONS: "Every production promotion needs the attestations the "
    "guardrails require of the service's vendors.",
    GateKey.APPROVALS: "Every promotion needs the approvals of its environment kind and risk.",
    GateKey.DR_TEST: "Every production promotion needs tested disaster-recovery procedures.",
    GateKey.SEGREGATION_OF_DUTIES: "No one in a change's chain approves it, on every promotion.",
    GateKey.NFRS: "Every production promotion is judged on the NFRs that apply to the service "
    "(guardrails by tier, the service's own); a listing has no NFR to add.",
    GateKey.DATA_MIGRATIONS: "Every production promotion of a release is judged against the "
    "data migrations it declares for the service, and a release that migrates a schema or fixes "
    "data must declare them.",
    GateKey.DOWNTIME_NOTICES: "Every production promotion of a release that declares a breaking "
    "change or planned downtime waits for its notice's acknowledgements.",
}
"""The gates a stage may list whose listing adds nothing, and why: the decision judges them on
every promotion they apply to (tests/domain/pipelines/test_control_coverage_catalog.py holds
that every other gate a stage lists is required by the listing)."""


async def production_gates_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, frozenset[str]]:
    """Per service, the gate keys its active definitions list on stages deploying to the
    production kind (services without one left out), in one statement: what insights'
    benchmarks call a team's gates."""
    grouped = await repo.active_definitions_of_services(session, list(service_ids))
    return {
        service: frozenset(
            gate
            for r in rows
            for stage in stages_of(r.document)
            if stage.environment_kind == "production"
            for gate in stage.gates
        )
        for service, rows in grouped.items()
    }
