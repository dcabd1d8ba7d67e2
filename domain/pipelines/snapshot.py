"""The decision snapshot: every fact "may artifact A@V of service S go to E now?" needs.

Plain frozen values, gathered once by domain.pipelines.gather (each context's facts read in
batches, the effective guardrails computed once) and judged as often as asked by the pure
domain.pipelines.judge. Nothing here reads or decides.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeAlias

from domain.calendar.facts import FreezeHit
from domain.compliance.bypass_rules import BypassFacts
from domain.compliance.dr_rules import ProcedureFacts
from domain.environments.facts import EnvironmentFacts
from domain.environments.parity_rules import SnapshotFacts
from domain.governance.facts import ReleaseFacts
from domain.guardrails.onboarding_rules import OnboardingFacts
from domain.kernel.gates import GateKey, GateOutcome
from domain.organization.facts import ServiceFacts
from domain.organization.vendor_gate_rules import VendorFacts
from domain.pipelines.decision_rules import ApprovalFacts, Chain
from domain.pipelines.drift import RunFacts
from domain.pipelines.evidence_gates import EvidenceFacts
from domain.pipelines.stage_gates import StageListing, listed_by
from domain.readiness.migration_rules import MigrationFacts
from domain.readiness.nfr_rules import NfrFacts
from domain.readiness.notice_rules import NoticeFacts
from domain.readiness.review_launch import LaunchFacts
from domain.readiness.review_rules import ReviewFacts
from domain.readiness.volume_rules import VolumeFacts
from domain.risk.assessment_rules import RiskResult
from domain.risk.review_rules import Review
from domain.trains.facts import IntegrationFacts

PRODUCTION = "production"
Gate: TypeAlias = GateOutcome | Callable[[datetime], GateOutcome]
"""A gate as the judge plans it: already judged, or its rule at the asking time."""
FREEZE_HORIZON = timedelta(hours=1)
"""A promotion asked now is expected to land within this long: freezes starting sooner bind."""


@dataclass(frozen=True, slots=True)
class ReleaseSide:
    """The facts of the release that ships the artifact."""

    release: ReleaseFacts
    risk: RiskResult
    peer_reviews: tuple[Review, ...] = ()
    bypasses: tuple[BypassFacts, ...] = ()
    """Emergency bypasses of the release for this target, active when gathered."""
    integration: IntegrationFacts | None = None
    """None when the release rides no train departure."""
    go_no_go_disciplines: frozenset[str] = frozenset()
    """Disciplines whose go vote the guardrails of the services it ships require."""
    approver_disciplines: Mapping[uuid.UUID, frozenset[str]] = field(default_factory=dict)
    """For production: who approves for which disciplines in the release's BU (approver
    grants there or org-wide), so an approval counts for its approver's disciplines."""
    data_migrations: tuple[MigrationFacts, ...] = ()
    """For production: the data migrations the release declares, for every service it ships."""
    readiness_review: ReviewFacts | None = None
    """For production: the release's SRE readiness review; None when none is open."""
    downtime_notice: NoticeFacts | None = None
    """For production: the release's downtime notice (None: it declares no downtime)."""
    downtime_notice_period_hours: int = 0
    """The longest `downtime_notice_period_hours` of the services the release ships."""


@dataclass(frozen=True, slots=True)
class ParityFacts:
    """The current config of the final staging environment and of the target."""

    staging_id: uuid.UUID
    staging: SnapshotFacts | None
    target: SnapshotFacts | None


@dataclass(frozen=True, slots=True)
class ProductionSide:
    """The facts only a production promotion is judged on."""

    onboarding: OnboardingFacts
    vendors: tuple[VendorFacts, ...] = ()
    dr_procedures: tuple[ProcedureFacts, ...] = ()
    parity: ParityFacts | None = None
    """None when the target's product domain has no final staging."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    service: ServiceFacts
    environment: EnvironmentFacts
    artifact_version: str
    requester_id: uuid.UUID | None
    taken_at: datetime
    guardrails: Mapping[str, Any]
    """The effective guardrail values of the service (core, BU, tier profile)."""
    evidence: EvidenceFacts
    guardrail_sources: Mapping[str, str] = field(default_factory=dict)
    """The layer that set each guardrail value (`core`, `bu:<key>`, `profile:<tier>`)."""
    freezes: tuple[FreezeHit, ...] = ()
    pipeline_runs: tuple[tuple[uuid.UUID, RunFacts | None], ...] = ()
    """Every pipeline deploying the service with its latest run (None: never ran)."""
    approvals: tuple[ApprovalFacts, ...] = ()
    chain: Chain = field(default_factory=lambda: Chain(None, frozenset(), frozenset()))
    delegates: tuple[str, ...] = ()
    of_release: ReleaseSide | None = None
    of_production: ProductionSide | None = None
    stage_listings: tuple[StageListing, ...] = ()
    """The stages of the service's active pipeline definitions that deploy to the target."""
    nfrs: NfrFacts | None = None
    """For production: the NFRs the service declared and the staging runs of the version."""
    volume: VolumeFacts | None = None
    """The service's production volume profile; read only where the guardrails compare runs
    with it (`min_production_volume_percent` above 0)."""
    launch: LaunchFacts | None = None
    """For production: the service's production history and, for its first launch, its
    service readiness review; None when not gathered (judged as no first launch)."""
    judged: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)
    """Where the judge keeps what it concluded that does not change with the clock (a new
    snapshot, e.g. `with_approvals`, starts empty)."""

    @property
    def service_id(self) -> uuid.UUID:
        return self.service.id

    @property
    def service_key(self) -> str:
        return self.service.key

    @property
    def environment_id(self) -> uuid.UUID:
        return self.environment.id

    @property
    def environment_key(self) -> str:
        return self.environment.key

    @property
    def production(self) -> bool:
        return self.environment.kind == PRODUCTION

    @property
    def release_id(self) -> uuid.UUID | None:
        return self.of_release.release.id if self.of_release else None

    @property
    def risk(self) -> RiskResult | None:
        return self.of_release.risk if self.of_release else None

    @property
    def risk_level(self) -> str | None:
        return str(self.of_release.risk.level) if self.of_release else None

    @property
    def bypasses(self) -> tuple[BypassFacts, ...]:
        return self.of_release.bypasses if self.of_release else ()

    @property
    def change_types(self) -> tuple[str, ...]:
        return self.of_release.release.change_types if self.of_release else ()

    @property
    def listed(self) -> dict[str, str]:
        """The gates the target's pipeline stages list, each with the stage(s) listing it."""
        return listed_by(self.stage_listings)

    @property
    def drift_blocks(self) -> bool:
        """Drift fails its gate where the guardrails say so or a stage lists the gate."""
        return (
            bool(self.guardrails["pipeline_drift_blocks"]) or GateKey.PIPELINE_DRIFT in self.listed
        )

    @property
    def min_approvals(self) -> int:
        floor = int(self.guardrails.get(f"min_approvers.{self.environment.kind}", 0) or 0)
        if self.production and self.of_release:
            return max(floor, self.of_release.risk.requirements.min_approvals)
        return floor

    @property
    def approving_disciplines(self) -> tuple[str, ...]:
        """The disciplines whose approval the release's risk level requires (production)."""
        if self.production and self.of_release:
            return self.of_release.risk.requirements.disciplines
        return ()


def with_approvals(s: Snapshot, approvals: Sequence[ApprovalFacts]) -> Snapshot:
    """The same snapshot with other approvals (an approval just given)."""
    return dataclasses.replace(s, approvals=tuple(approvals))
