"""The judge over hand-built snapshots: no database, every gate from plain facts.

One production snapshot where everything is in order (all 25 gates pass); each test breaks or
moves exactly what it is about. The clock-dependent gates are judged at the asking time, the
others once per snapshot, and the judgement is deterministic.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from domain.compliance.dr_rules import ProcedureFacts
from domain.environments.facts import EnvironmentFacts
from domain.environments.parity_rules import SnapshotFacts
from domain.governance.facts import BoardDecisionFacts, GoLiveFacts, ReleaseFacts, SignOffFacts
from domain.guardrails.fields import CORE_DEFAULTS
from domain.guardrails.onboarding_rules import Evidence, OnboardingFacts
from domain.kernel.gates import GateStatus
from domain.organization.facts import ServiceFacts
from domain.pipelines.decision_rules import ApprovalFacts, Chain
from domain.pipelines.drift import RunFacts
from domain.pipelines.evidence_gates import Report, summarize
from domain.pipelines.judge import judge
from domain.pipelines.snapshot import (
    ParityFacts,
    ProductionSide,
    ReleaseSide,
    Snapshot,
    with_approvals,
)
from domain.pipelines.vocabulary import DriftKind, EvidenceType
from domain.risk.assessment_rules import RiskInputs, assess
from domain.risk.model import DEFAULT_MODEL
from domain.risk.scoring import RiskFacts

T0 = datetime(2026, 11, 27, 9, tzinfo=UTC)
BU = uuid.uuid4()
REQUESTER = uuid.uuid4()
GATES = [
    "freeze",
    "sign_offs",
    "security_scan",
    "static_analysis",
    "licences",
    "performance",
    "test_coverage",
    "migration_dry_run",
    "risk_requirements",
    "approvals",
    "segregation_of_duties",
    "pipeline_drift",
    "peer_review",
    "documentation",
    "board_decision",
    "release_status",
    "readiness_review",
    "integration_window",
    "data_migrations",
    "downtime_notices",
    "onboarding",
    "vendor_attestations",
    "dr_test",
    "environment_parity",
    "nfrs",
]


def _evidence(artifact: uuid.UUID) -> Any:
    def report(kind: EvidenceType, subject: str, **payload: Any) -> Report:
        return Report(uuid.uuid4(), kind, subject, True, payload, T0 - timedelta(hours=1))

    return summarize(
        artifact,
        [
            report(EvidenceType.SECURITY_SCAN, "trivy", critical=0, high=0),
            report(EvidenceType.TEST_RUN, "unit", succeeded=True, coveragePercent=90),
        ],
    )


def _release(status: str = "approved", **go_live: Any) -> ReleaseFacts:
    facts = {
        "sign_offs": (
            SignOffFacts("privacy_impact", "compliance", uuid.uuid4(), T0 + timedelta(days=30)),
        ),
        "missing_documentation": (),
        "board_decisions": (),
        **go_live,
    }
    return ReleaseFacts(
        id=uuid.uuid4(),
        bu_id=BU,
        status=status,
        change_types=("ui",),
        service_ids=frozenset(),
        author_ids=(uuid.uuid4(),),
        go_live=GoLiveFacts(**facts),
    )


def _risk(release: ReleaseFacts, board_from: str = "high") -> Any:
    inputs = RiskInputs(release.id, BU, RiskFacts(), DEFAULT_MODEL, DEFAULT_MODEL.mapping, 0)
    guardrails = {"board_required_from_risk": board_from, "peer_review_change_types": []}
    return assess(inputs, [guardrails])


def _run(drift: DriftKind) -> RunFacts:
    return RunFacts("run-1", "sha256:ab", drift, "The run used version 2.", 2, 2, T0)


def _production(team: uuid.UUID) -> ProductionSide:
    done = {
        item: Evidence(item, "https://x.example/e", "", T0.isoformat(), None)
        for item in CORE_DEFAULTS["onboarding_requirements"]
    }
    tested = T0 - timedelta(days=1)
    return ProductionSide(
        onboarding=OnboardingFacts(team, "payments", BU, done),
        dr_procedures=(
            ProcedureFacts(uuid.uuid4(), "service_reversion", "Revert", tested),
            ProcedureFacts(uuid.uuid4(), "data_restoration", "Restore", tested),
        ),
    )


def snapshot(**changes: Any) -> Snapshot:
    """A production promotion where every gate passes."""
    service = ServiceFacts(
        uuid.uuid4(), "pay", "Payments", BU, uuid.uuid4(), "internal", "personal"
    )
    release = _release()
    artifact = uuid.uuid4()
    approvals = tuple(
        ApprovalFacts(uuid.uuid4(), uuid.uuid4(), name, T0) for name in ("approver", "lead")
    )
    fields: dict[str, Any] = {
        "service": service,
        "environment": EnvironmentFacts(uuid.uuid4(), "prod-eu", "production", BU, "pay"),
        "artifact_version": "1.0.0",
        "requester_id": REQUESTER,
        "taken_at": T0,
        "guardrails": dict(CORE_DEFAULTS),
        "guardrail_sources": {k: "core" for k in CORE_DEFAULTS},
        "evidence": _evidence(artifact),
        "pipeline_runs": ((uuid.uuid4(), _run(DriftKind.MATCHES)),),
        "approvals": approvals,
        "chain": Chain.of(REQUESTER, (), release.author_ids),
        "of_release": ReleaseSide(
            release=release,
            risk=_risk(release),
            approver_disciplines={approvals[0].approver_id: frozenset({"engineering"})},
        ),
        "of_production": _production(service.team_id),
        **changes,
    }
    return Snapshot(**fields)


def statuses(s: Snapshot, now: datetime) -> dict[str, GateStatus]:
    return {o.gate: o.status for o in judge(s, now).outcomes}


class TestEveryGateIsJudgedFromTheSnapshot:
    def test_a_production_snapshot_in_order_is_allowed_with_all_twenty_two_gates(self) -> None:
        decision = judge(snapshot(), T0)
        assert [o.gate for o in decision.outcomes] == GATES
        assert {o.status for o in decision.outcomes} == {GateStatus.PASSED}
        assert decision.allowed

    def test_drift_fails_only_where_the_guardrails_say_it_blocks(self) -> None:
        runs = ((uuid.uuid4(), _run(DriftKind.DRIFT)),)
        assert statuses(snapshot(pipeline_runs=runs), T0)["pipeline_drift"] is GateStatus.PASSED
        blocking = {**CORE_DEFAULTS, "pipeline_drift_blocks": True}
        s = snapshot(pipeline_runs=runs, guardrails=blocking)
        assert statuses(s, T0)["pipeline_drift"] is GateStatus.FAILED

    def test_a_promotion_below_production_skips_the_production_gates(self) -> None:
        s = snapshot(environment=EnvironmentFacts(uuid.uuid4(), "staging", "staging", BU, None))
        gates = [o.gate for o in judge(s, T0).outcomes]
        assert gates == GATES[:13]
        assert judge(s, T0).by_gate()["sign_offs"].reason == (
            "Sign-offs are checked before production."
        )


class TestTheJudgementIsDeterministic:
    def test_the_same_snapshot_and_time_give_the_same_decision_every_time(self) -> None:
        s = snapshot()
        first = judge(s, T0)
        assert judge(s, T0) == first
        assert judge(dataclasses.replace(s), T0) == first  # a fresh plan agrees with a kept one

    def test_new_approvals_make_a_new_plan(self) -> None:
        s = snapshot()
        assert statuses(s, T0)["approvals"] is GateStatus.PASSED
        fewer = with_approvals(s, s.approvals[:1])
        assert statuses(fewer, T0)["approvals"] is GateStatus.PENDING
        assert statuses(s, T0)["approvals"] is GateStatus.PASSED


class TestTheClockDependentGatesAreJudgedAtTheAskingTime:
    def test_a_sign_off_that_expires_between_two_asks_fails_the_second(self) -> None:
        s = snapshot()
        assert statuses(s, T0)["sign_offs"] is GateStatus.PASSED
        later = statuses(s, T0 + timedelta(days=31))
        assert later["sign_offs"] is GateStatus.FAILED

    def test_a_dr_test_ages_out_of_the_guardrail(self) -> None:
        s = snapshot()
        assert statuses(s, T0)["dr_test"] is GateStatus.PASSED
        assert statuses(s, T0 + timedelta(days=366))["dr_test"] is GateStatus.FAILED


class TestGatesOfLowerContextsFollowTheirRules:
    def test_a_board_no_go_fails_when_the_guardrails_require_a_board_from_low_risk(self) -> None:
        release = _release(board_decisions=(BoardDecisionFacts(uuid.uuid4(), "no_go"),))
        s = snapshot(of_release=ReleaseSide(release=release, risk=_risk(release, "low")))
        outcome = judge(s, T0).by_gate()["board_decision"]
        assert (outcome.status, outcome.reason) == (
            GateStatus.FAILED,
            "The board decided no_go.",
        )

    def test_final_staging_on_another_chart_fails_parity(self) -> None:
        staging = uuid.uuid4()
        side = dataclasses.replace(
            _production(uuid.uuid4()),
            parity=ParityFacts(
                staging, SnapshotFacts(helm_chart="a"), SnapshotFacts(helm_chart="b")
            ),
        )
        outcome = judge(snapshot(of_production=side), T0).by_gate()["environment_parity"]
        assert outcome.status is GateStatus.FAILED
        assert outcome.reason == "Final staging and production differ: helm_chart."

    def test_a_missing_onboarding_item_fails_onboarding(self) -> None:
        side = _production(uuid.uuid4())
        done = {k: v for k, v in side.onboarding.done.items() if k != "monitoring"}
        side = dataclasses.replace(side, onboarding=dataclasses.replace(side.onboarding, done=done))
        outcome = judge(snapshot(of_production=side), T0).by_gate()["onboarding"]
        assert outcome.status is GateStatus.FAILED
        assert outcome.evidence["missing"] == ["monitoring"]
