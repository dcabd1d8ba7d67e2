"""Controls about evidence and rollout bite: a promotion that passes, one control tightened,
and the decision changes.

Each test starts from the production snapshot of test_judge where every gate passes, tightens
exactly one control (a stage of the active pipeline definition listing a gate, a failed or
missing migration dry run, a divergence of final staging) and watches the decision; the
production canary's minimum dwell is tightened by the risk of the release it ships.
"""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from domain.environments.parity_rules import SnapshotFacts
from domain.guardrails.fields import CORE_DEFAULTS
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.pipelines.drift import RunFacts
from domain.pipelines.evidence_gates import Report, summarize
from domain.pipelines.judge import judge
from domain.pipelines.promotion_models import Promotion
from domain.pipelines.snapshot import ParityFacts, Snapshot
from domain.pipelines.stage_gates import StageListing, listings_for
from domain.pipelines.vocabulary import DriftKind, EvidenceType
from tests.domain.pipelines.deploy_support import DeployWorld
from tests.domain.pipelines.test_judge import T0, _production, _risk, snapshot

PRODUCTION_STAGE = StageListing("payments-deploy", 3, "production", ("performance",))


def _allowed(s: Snapshot) -> bool:
    return judge(s, T0).allowed


def _gate(s: Snapshot, gate: str) -> tuple[GateStatus, str]:
    outcome = judge(s, T0).by_gate()[gate]
    return outcome.status, outcome.reason


def _with_evidence(s: Snapshot, *reports: Report) -> Snapshot:
    kept = [r for kind in s.evidence.latest for r in s.evidence.of(kind)]
    return dataclasses.replace(s, evidence=summarize(s.evidence.artifact_id, [*kept, *reports]))


def _report(kind: EvidenceType, subject: str, passed: bool = True, **payload: object) -> Report:
    return Report(uuid.uuid4(), kind, subject, passed, payload, T0)


def _dry_run(succeeded: bool) -> Report:
    return _report(
        EvidenceType.MIGRATION_DRY_RUN, "flyway", succeeded, succeeded=succeeded, tool="flyway"
    )


def _shipping(s: Snapshot, change_types: tuple[str, ...]) -> Snapshot:
    """The same promotion, its release making these kinds of change (its approvals kept)."""
    assert s.of_release is not None
    release = dataclasses.replace(s.of_release.release, change_types=change_types)
    side = dataclasses.replace(s.of_release, release=release, risk=_risk(release))
    return dataclasses.replace(s, of_release=side)


class TestAGateTheProductionStageListsIsRequired:
    def test_a_listed_performance_gate_blocks_without_a_benchmark_naming_stage_and_gate(
        self,
    ) -> None:
        assert _allowed(snapshot())
        s = snapshot(stage_listings=(PRODUCTION_STAGE,))
        assert not _allowed(s)
        assert _gate(s, "performance") == (
            GateStatus.PENDING,
            "No performance benchmark has been reported for this artifact yet. Stage "
            "'production' of pipeline payments-deploy (v3) lists performance.",
        )

    def test_a_listed_gate_whose_evidence_fails_names_the_stage(self) -> None:
        slow = _report(EvidenceType.PERFORMANCE_BENCHMARK, "checkout", regressionPercent=40)
        guarded = {**CORE_DEFAULTS, "max_performance_regression_percent": 10}
        s = _with_evidence(snapshot(guardrails=guarded), slow)
        assert _gate(s, "performance")[0] is GateStatus.FAILED
        status, reason = _gate(
            dataclasses.replace(s, stage_listings=(PRODUCTION_STAGE,)), "performance"
        )
        assert status is GateStatus.FAILED
        assert reason.endswith(
            "Stage 'production' of pipeline payments-deploy (v3) lists performance."
        )

    def test_the_listed_gate_passes_once_its_evidence_is_reported(self) -> None:
        fast = _report(EvidenceType.PERFORMANCE_BENCHMARK, "checkout", regressionPercent=1)
        s = _with_evidence(snapshot(stage_listings=(PRODUCTION_STAGE,)), fast)
        assert _gate(s, "performance")[0] is GateStatus.PASSED
        assert _allowed(s)

    def test_a_listed_drift_gate_blocks_drift_the_guardrails_let_pass(self) -> None:
        drifted = ((uuid.uuid4(), RunFacts("r", "sha256:ab", DriftKind.DRIFT, "Old.", 1, 2, T0)),)
        s = snapshot(pipeline_runs=drifted)
        assert _gate(s, "pipeline_drift")[0] is GateStatus.PASSED
        listing = dataclasses.replace(PRODUCTION_STAGE, gates=("pipeline_drift",))
        listed = dataclasses.replace(s, stage_listings=(listing,))
        assert _gate(listed, "pipeline_drift")[0] is GateStatus.FAILED
        assert not _allowed(listed)

    def test_a_listed_parity_gate_needs_a_final_staging_to_compare_with(self) -> None:
        assert _gate(snapshot(), "environment_parity")[0] is GateStatus.PASSED
        listing = dataclasses.replace(PRODUCTION_STAGE, gates=("environment_parity",))
        status, reason = _gate(snapshot(stage_listings=(listing,)), "environment_parity")
        assert status is GateStatus.PENDING
        assert reason == (
            "prod-eu has no final staging to compare with. Stage 'production' of pipeline "
            "payments-deploy (v3) lists environment_parity."
        )

    def test_only_the_stages_deploying_to_the_target_list_gates_for_it(self) -> None:
        document = {
            "stages": [
                {"name": "staging", "environment_kind": "staging", "gates": ["security_scan"]},
                {"name": "eu", "environment": "prod-eu", "gates": ["performance"]},
                {"name": "production", "environment_kind": "production", "gates": ["licences"]},
            ]
        }
        found = listings_for([("payments-deploy", 3, document)], "production", "prod-eu")
        assert [(x.stage, x.gates) for x in found] == [
            ("eu", ("performance",)),
            ("production", ("licences",)),
        ]


class TestAFailedMigrationDryRunBlocks:
    def test_a_failed_dry_run_fails_the_promotion_whatever_the_change_types(self) -> None:
        assert _allowed(_with_evidence(snapshot(), _dry_run(True)))
        s = _with_evidence(snapshot(), _dry_run(False))
        assert _gate(s, "migration_dry_run") == (
            GateStatus.FAILED,
            "The migration dry run failed in flyway.",
        )
        assert not _allowed(s)

    def test_a_schema_migration_waits_for_its_dry_run(self) -> None:
        s = _shipping(snapshot(), ("ui", "schema_migration"))
        assert _gate(s, "migration_dry_run") == (
            GateStatus.PENDING,
            "The release's change types include schema_migration: no migration dry run has "
            "been reported for this artifact yet.",
        )
        ran = _with_evidence(s, _dry_run(True))
        assert _gate(ran, "migration_dry_run")[0] is GateStatus.PASSED
        # Since issue 16 the release also declares its data migrations, made safe one by one
        # (tests/domain/readiness/test_migration_gate.py): only that still blocks.
        assert {o.gate for o in judge(ran, T0).outcomes if o.blocks} == {"data_migrations"}

    def test_a_data_fix_with_a_failed_dry_run_is_refused(self) -> None:
        s = _with_evidence(_shipping(snapshot(), ("data_fix",)), _dry_run(False))
        assert _gate(s, "migration_dry_run")[0] is GateStatus.FAILED


STAGING = SnapshotFacts(
    uuid.uuid4(), helm_chart="pay", images={"pay": "sha256:new", "ledger": "sha256:l1"}
)


def _parity(target: SnapshotFacts) -> Snapshot:
    side = dataclasses.replace(
        _production(uuid.uuid4()), parity=ParityFacts(uuid.uuid4(), STAGING, target)
    )
    return snapshot(of_production=side)


class TestParityExpectsThePromotedImageToDiffer:
    def test_a_normal_production_promotion_passes_parity(self) -> None:
        live = dataclasses.replace(
            STAGING, id=uuid.uuid4(), images={**STAGING.images, "pay": "sha256:old"}
        )
        s = _parity(live)
        assert _gate(s, "environment_parity") == (
            GateStatus.PASSED,
            "Final staging and production agree but for pay, the change promoted.",
        )
        assert _allowed(s)

    def test_the_first_release_of_the_service_to_production_passes_parity(self) -> None:
        live = dataclasses.replace(STAGING, id=uuid.uuid4(), images={"ledger": "sha256:l1"})
        assert _gate(_parity(live), "environment_parity")[0] is GateStatus.PASSED

    def test_another_service_diverging_still_fails_parity(self) -> None:
        live = dataclasses.replace(
            STAGING, id=uuid.uuid4(), images={"pay": "sha256:old", "ledger": "sha256:l0"}
        )
        s = _parity(live)
        assert _gate(s, "environment_parity") == (
            GateStatus.FAILED,
            "Final staging and production differ: image_digest.",
        )
        assert not _allowed(s)

    def test_staging_without_the_promoted_service_still_fails_parity(self) -> None:
        live = dataclasses.replace(STAGING, id=uuid.uuid4())
        staged = dataclasses.replace(STAGING, images={"ledger": "sha256:l1"})
        side = dataclasses.replace(
            _production(uuid.uuid4()),
            parity=ParityFacts(uuid.uuid4(), staged, live),
        )
        assert _gate(snapshot(of_production=side), "environment_parity")[0] is GateStatus.FAILED


async def _promoted_with(w: DeployWorld, change_types: tuple[str, ...]) -> None:
    """A release of the service with these change types, asked to go to production at 1.4.2."""
    await w.add.person("owner")
    release = await w.add.release(
        w.bu, owner="owner", services=[w.service.id], change_types=change_types
    )
    w.session.add(
        Promotion(
            bu_id=w.bu,
            service_id=w.service.id,
            environment_id=w.env.id,
            release_id=release.id,
            artifact_version="1.4.2",
            status="waiting",
            decided_at=w.clock.now(),
            created_at=w.clock.now(),
            updated_at=w.clock.now(),
        )
    )
    await w.session.flush()


class TestAProductionCanaryDwellsWhatItsRiskLevelRequires:
    async def test_a_zero_minute_canary_of_a_medium_risk_release_is_refused(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        await _promoted_with(w, ("payment_logic",))
        assert (await w.plan()).status == "planned"  # 5 + 10 minutes below full traffic
        with pytest.raises(DomainError) as caught:
            await w.plan(canary_steps=[(10, 0), (50, 0), (100, 60)])
        assert (caught.value.code, caught.value.field) == ("CANARY_TOO_SHORT", "canarySteps")
        assert str(caught.value) == (
            "A medium-risk production canary dwells at least 15 minutes in total on part of "
            "the traffic (the steps below weight 100); this plan dwells 0."
        )

    async def test_the_dwells_below_full_traffic_count_in_total_not_per_step(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        await _promoted_with(w, ("payment_logic",))
        assert (await w.plan(canary_steps=[(10, 14), (50, 1), (100, 0)])).status == "planned"
        with pytest.raises(DomainError):
            await w.plan(canary_steps=[(10, 14), (100, 30)])

    async def test_below_production_the_risk_asks_no_dwell(self, deploy_world: DeployWorld) -> None:
        w = deploy_world
        await _promoted_with(w, ("payment_logic",))
        staging = await w.add.environment(w.bu, kind="staging")
        dep = await w.plan(environment_id=staging.id, canary_steps=[(10, 0), (100, 0)])
        assert dep.status == "planned"
