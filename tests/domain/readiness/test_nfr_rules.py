"""The pure rules of NFRs validated in staging: which apply with which target, and the gate."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.environments.parity_rules import SnapshotFacts
from domain.guardrails.fields import CORE_DEFAULTS, PROFILE_DEFAULTS
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.readiness import nfr_input_rules as checks
from domain.readiness.nfr_commands import NfrInput
from domain.readiness.nfr_rules import (
    DeclaredNfr,
    Staging,
    StagingRun,
    effective_requirements,
    evaluate,
    verdicts,
)
from domain.readiness.nfr_vocabulary import NfrStatus

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)
STAGING = uuid.uuid4()
OTHER_STAGING = uuid.uuid4()
CONFIG = SnapshotFacts(uuid.uuid4(), "pay", "1.0.0", "sha256:aa", 3, "sha256:bb", {"pay": "c"})
AT_PARITY = Staging(STAGING, CONFIG, CONFIG)
CRITICAL = {**CORE_DEFAULTS, **PROFILE_DEFAULTS["critical"]}
CRITICAL_SOURCES = {k: "profile:critical" for k in PROFILE_DEFAULTS["critical"]}


def run(
    days_ago: float = 1, env: uuid.UUID = STAGING, name: str = "r1", **figures: float
) -> StagingRun:
    return StagingRun(
        uuid.uuid4(), env, "staging-eu", name, None, T0 - timedelta(days=days_ago), figures
    )


MEETS_TIER_1 = dict(
    sustained_rps=150,
    latency_p99_ms=300,
    error_rate_bp=5,
    failover_rto_seconds=120,
    failover_rpo_seconds=10,
    survives_zone_loss=1,
)


class TestWhichNfrsApply:
    def test_a_core_service_declaring_nothing_has_none(self) -> None:
        assert effective_requirements(CORE_DEFAULTS, {}, []) == []

    def test_a_tier_1_service_inherits_its_profiles_nfrs_with_their_source(self) -> None:
        found = {
            r.key: (r.target, r.source)
            for r in effective_requirements(CRITICAL, CRITICAL_SOURCES, [])
        }
        assert found == {
            "sustained_rps": (100, "profile:critical"),
            "latency_p99_ms": (500, "profile:critical"),
            "error_rate_bp": (10, "profile:critical"),
            "failover_rto_seconds": (300, "profile:critical"),
            "failover_rpo_seconds": (60, "profile:critical"),
            "survives_zone_loss": (1, "profile:critical"),
        }

    def test_a_service_tightens_a_target_but_never_loosens_it(self) -> None:
        declared = [
            DeclaredNfr("failover_rto_seconds", "failover RTO", "s", "at_most", 120),
            DeclaredNfr("latency_p99_ms", "latency p99 under load", "ms", "at_most", 900),
        ]
        found = {
            r.key: (r.target, r.source)
            for r in effective_requirements(CRITICAL, CRITICAL_SOURCES, declared)
        }
        assert found["failover_rto_seconds"] == (120, "service")
        assert found["latency_p99_ms"] == (500, "profile:critical")

    def test_a_custom_nfr_is_the_services_own(self) -> None:
        declared = [DeclaredNfr("queue_drain_s", "queue drain", "s", "at_most", 30)]
        (only,) = effective_requirements(CORE_DEFAULTS, {}, declared)
        assert (only.key, only.target, only.source, only.custom) == (
            "queue_drain_s",
            30,
            "service",
            True,
        )


class TestTheGate:
    def reqs(self) -> list:
        return effective_requirements(CRITICAL, CRITICAL_SOURCES, [])

    def test_every_nfr_met_on_final_staging_at_parity_passes(self) -> None:
        outcome = evaluate("Pay", "pay", self.reqs(), [run(**MEETS_TIER_1)], AT_PARITY, 30, T0)
        assert outcome.status is GateStatus.PASSED
        assert {r["status"] for r in outcome.evidence["requirements"]} == {"met"}

    def test_a_missed_nfr_fails_naming_it_with_the_figure_and_the_run(self) -> None:
        figures = {**MEETS_TIER_1, "failover_rto_seconds": 900}
        outcome = evaluate(
            "Pay", "pay", self.reqs(), [run(name="chaos-7", **figures)], AT_PARITY, 30, T0
        )
        assert outcome.status is GateStatus.FAILED
        assert outcome.reason == (
            "Pay: failover RTO missed: 900 s measured, at most 300 s (run 'chaos-7' on staging-eu)."
        )
        rto = next(
            r for r in outcome.evidence["requirements"] if r["key"] == "failover_rto_seconds"
        )
        assert (rto["status"], rto["figure"], rto["target"]) == ("missed", 900, 300)

    def test_the_newest_run_measuring_an_nfr_decides(self) -> None:
        old = run(days_ago=5, name="old", **{**MEETS_TIER_1, "failover_rto_seconds": 900})
        new = run(days_ago=1, name="new", failover_rto_seconds=200)
        found = {
            v.requirement.key: v
            for v in verdicts(self.reqs(), [old, new], AT_PARITY, "pay", 30, T0)
        }
        assert found["failover_rto_seconds"].status is NfrStatus.MET
        assert found["failover_rto_seconds"].run == new
        assert found["latency_p99_ms"].run == old

    def test_results_expire_after_the_guardrails_age(self) -> None:
        outcome = evaluate(
            "Pay", "pay", self.reqs(), [run(days_ago=31, **MEETS_TIER_1)], AT_PARITY, 30, T0
        )
        assert outcome.status is GateStatus.PENDING
        assert "last measured 31 days ago; results count for 30 days" in outcome.reason

    def test_runs_elsewhere_than_final_staging_do_not_count(self) -> None:
        outcome = evaluate(
            "Pay", "pay", self.reqs(), [run(env=OTHER_STAGING, **MEETS_TIER_1)], AT_PARITY, 30, T0
        )
        assert outcome.status is GateStatus.PENDING
        assert "not on the final staging environment" in outcome.reason

    def test_a_final_staging_not_at_parity_counts_nothing(self) -> None:
        drifted = Staging(
            STAGING,
            CONFIG,
            SnapshotFacts(uuid.uuid4(), "pay", "2.0.0", "sha256:aa", 3, "sha256:bb", {"pay": "c"}),
        )
        outcome = evaluate("Pay", "pay", self.reqs(), [run(**MEETS_TIER_1)], drifted, 30, T0)
        assert outcome.status is GateStatus.PENDING
        assert (
            "final staging is not at parity with the target (helm_chart_version)" in outcome.reason
        )

    def test_without_a_final_staging_runs_in_any_staging_count_unchecked(self) -> None:
        runs = [run(env=OTHER_STAGING, **MEETS_TIER_1)]
        outcome = evaluate("Pay", "pay", self.reqs(), runs, Staging(None), 30, T0)
        assert outcome.status is GateStatus.PASSED
        assert outcome.evidence["parityChecked"] is False
        assert "in staging (no final staging)" in outcome.reason

    def test_no_nfr_applies_passes(self) -> None:
        assert evaluate("Pay", "pay", [], [], Staging(None), 30, T0).status is GateStatus.PASSED


class TestInputs:
    def test_a_standard_nfr_keeps_its_unit_and_comparison(self) -> None:
        with pytest.raises(DomainError) as e:
            checks.check_declared([NfrInput("latency_p99_ms", 200, unit="s")])
        assert e.value.code == "STANDARD_NFR_FIXED"

    def test_a_custom_nfr_needs_name_unit_and_comparison(self) -> None:
        with pytest.raises(DomainError) as e:
            checks.check_declared([NfrInput("queue_drain_s", 30, name="Queue drain")])
        assert e.value.code == "CUSTOM_NFR_INCOMPLETE"

    @pytest.mark.parametrize(
        ("figures", "code"),
        [
            ([], "FIGURES_REQUIRED"),
            ([("latency_p99_ms", float("nan"))], "INVALID_FIGURE"),
            ([("latency_p99_ms", -1)], "INVALID_FIGURE"),
            ([("survives_zone_loss", 0.5)], "INVALID_FIGURE"),
            ([("Bad Key", 1)], "INVALID_NFR_KEY"),
        ],
    )
    def test_bad_figures_are_refused_with_a_stable_code(self, figures: list, code: str) -> None:
        with pytest.raises(DomainError) as e:
            checks.check_figures(figures)
        assert e.value.code == code

    def test_a_key_declared_twice_is_refused(self) -> None:
        with pytest.raises(DomainError) as e:
            checks.check_declared([NfrInput("peak_rps", 10), NfrInput("peak_rps", 20)])
        assert e.value.code == "DUPLICATE_NFR"
