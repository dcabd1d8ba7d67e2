"""Pure rules of evidence: what a valid report is, the latest-report summary, and the gates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.pipelines import commands as cmd
from domain.pipelines import evidence_gates as gates
from domain.pipelines.evidence_rules import (
    assess,
    check_artifact,
    licence_acceptable,
    normalize_licence,
    regression_percent,
)
from domain.pipelines.vocabulary import EvidenceType

T0 = datetime(2026, 11, 27, 9, tzinfo=UTC)
THRESHOLDS: dict[str, Any] = {
    "required_evidence": ["security_scan", "test_coverage"],
    "max_open_critical_vulnerabilities": 0,
    "max_open_high_vulnerabilities": 5,
    "min_test_coverage_percent": 60,
    "max_performance_regression_percent": 10,
    "allowed_licences": None,
    "denied_licences": ["AGPL-3.0-only", "SSPL-1.0"],
}


def report(r: cmd.Report, at: int = 0, id_: uuid.UUID | None = None) -> gates.Report:
    a = assess(r)
    return gates.Report(
        evidence_id=id_ or uuid.uuid4(),
        kind=a.kind,
        subject=a.subject,
        passed=a.passed,
        payload=a.payload,
        reported_at=T0 + timedelta(minutes=at),
    )


def facts(*reports: gates.Report) -> gates.EvidenceFacts:
    return gates.summarize(uuid.uuid4(), reports)


def scan(critical: int = 0, high: int = 0, scanner: str = "trivy") -> cmd.SecurityScan:
    return cmd.SecurityScan(scanner, critical, high, 3, 7)


class TestAnArtifactReference:
    def test_a_well_formed_reference_is_kept_as_given(self) -> None:
        ref = cmd.ArtifactRef(uuid.uuid4(), "card-gateway", "1.4.2", "sha256:" + "a" * 64)
        assert check_artifact(ref) == ("card-gateway", "1.4.2", "sha256:" + "a" * 64)

    @pytest.mark.parametrize(
        ("name", "version", "digest", "code"),
        [
            ("", "1.0", "sha256:" + "a" * 64, "INVALID_ARTIFACT_NAME"),
            ("app", "1 0", "sha256:" + "a" * 64, "INVALID_ARTIFACT_VERSION"),
            ("app", "1.0", "sha256:" + "A" * 64, "INVALID_DIGEST"),
            ("app", "1.0", "md5:abc", "INVALID_DIGEST"),
        ],
    )
    def test_a_malformed_reference_is_refused_with_its_code(
        self, name: str, version: str, digest: str, code: str
    ) -> None:
        with pytest.raises(DomainError) as err:
            check_artifact(cmd.ArtifactRef(uuid.uuid4(), name, version, digest))
        assert err.value.code == code


class TestReportsAreChecked:
    def test_a_negative_count_is_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            assess(cmd.SecurityScan("trivy", -1, 0))
        assert (err.value.code, err.value.field) == ("INVALID_COUNT", "critical")

    def test_coverage_beyond_a_hundred_percent_is_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            assess(cmd.TestRun("unit", 10, 0, coverage_percent=101))
        assert err.value.code == "INVALID_PERCENT"

    def test_a_zero_baseline_is_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            assess(cmd.PerformanceBenchmark("p99", 0, 10, "ms"))
        assert err.value.code == "INVALID_MEASUREMENT"

    def test_an_unknown_licence_is_refused(self) -> None:
        with pytest.raises(DomainError) as err:
            assess(cmd.LicenceReport("scancode", ["MIT", "Not-A-Licence-1"]))
        assert err.value.code == "INVALID_LICENCE"

    @pytest.mark.parametrize("expression", ["MIT AND", "MIT OR", "Apache-2.0 AND (MIT OR"])
    def test_an_unfinished_expression_is_refused_not_a_crash(self, expression: str) -> None:
        # Found by tests/api/test_graphql_schemathesis.py: the library's own validation fell
        # over these with an AttributeError, a 500.
        with pytest.raises(DomainError) as err:
            normalize_licence(expression)
        assert err.value.code == "INVALID_LICENCE"

    @given(st.text(max_size=24))
    def test_any_text_is_a_licence_or_a_refusal(self, text: str) -> None:
        try:
            assert normalize_licence(text)
        except DomainError as refused:
            assert refused.code == "INVALID_LICENCE"

    def test_licences_are_kept_in_their_canonical_spelling(self) -> None:
        found = assess(cmd.LicenceReport("scancode", ["mit", "Apache-2.0 OR MIT", "MIT"]))
        assert found.payload["licences"] == ["Apache-2.0 OR MIT", "MIT"]
        assert normalize_licence("LicenseRef-acme-eula") == "LicenseRef-acme-eula"

    def test_a_test_run_succeeds_exactly_when_none_failed(self) -> None:
        assert assess(cmd.TestRun("unit", 10, 0)).passed is True
        assert assess(cmd.TestRun("unit", 10, 1)).passed is False

    def test_a_test_run_without_counts_or_outcome_is_refused(self) -> None:
        with pytest.raises(DomainError):
            assess(cmd.TestRun("unit", None, None))

    def test_the_regression_is_computed_against_the_baseline(self) -> None:
        slower = assess(cmd.PerformanceBenchmark("p99", 200, 230, "ms"))
        faster_throughput = assess(cmd.PerformanceBenchmark("rps", 1000, 1100, "rps", True))
        assert slower.payload["regressionPercent"] == 15.0
        assert faster_throughput.payload["regressionPercent"] == -10.0

    @given(
        st.floats(0.1, 1e6),
        st.floats(0, 1e6),
        st.floats(0, 1e6),
    )
    def test_a_worse_value_never_shows_a_smaller_regression(
        self, baseline: float, a: float, b: float
    ) -> None:
        low, high = sorted((a, b))
        assert regression_percent(baseline, high, higher_is_better=False) >= regression_percent(
            baseline, low, higher_is_better=False
        )
        assert regression_percent(baseline, low, higher_is_better=True) >= regression_percent(
            baseline, high, higher_is_better=True
        )


class TestTheLatestReportPerKindAndSubjectCounts:
    def test_a_newer_scan_by_the_same_scanner_supersedes_the_older(self) -> None:
        old, new = report(scan(critical=3), at=0), report(scan(critical=0), at=5)
        assert facts(new, old).of(EvidenceType.SECURITY_SCAN) == (new,)

    def test_scans_by_different_scanners_stand_side_by_side(self) -> None:
        a, b = report(scan(scanner="trivy")), report(scan(scanner="grype"))
        found = facts(a, b).of(EvidenceType.SECURITY_SCAN)
        assert sorted(r.subject for r in found) == ["grype", "trivy"]

    @given(st.permutations(list(range(6))), st.lists(st.integers(0, 3), min_size=6, max_size=6))
    def test_the_summary_does_not_depend_on_the_order_reports_arrive_in(
        self, order: list[int], times: list[int]
    ) -> None:
        ids = [uuid.UUID(int=i + 1) for i in range(6)]
        reports = [
            report(scan(critical=i, scanner=f"s{i % 2}"), at=times[i], id_=ids[i]) for i in range(6)
        ]
        artifact = uuid.uuid4()
        shuffled = [reports[i] for i in order]
        assert gates.summarize(artifact, reports) == gates.summarize(artifact, shuffled)


class TestTheSecurityScanGate:
    def test_it_passes_within_the_limits(self) -> None:
        outcome = gates.security_scan_gate(facts(report(scan(0, 5))), THRESHOLDS)
        assert outcome.status is GateStatus.PASSED

    def test_it_fails_when_any_scanner_reports_too_many(self) -> None:
        outcome = gates.security_scan_gate(
            facts(report(scan(0, 1, "trivy")), report(scan(1, 0, "grype"))), THRESHOLDS
        )
        assert outcome.status is GateStatus.FAILED
        assert "grype" in outcome.reason and "critical" in outcome.reason

    def test_it_is_pending_when_required_and_missing(self) -> None:
        assert gates.security_scan_gate(facts(), THRESHOLDS).status is GateStatus.PENDING

    def test_it_passes_when_neither_required_nor_reported(self) -> None:
        outcome = gates.security_scan_gate(facts(), {**THRESHOLDS, "required_evidence": []})
        assert outcome.status is GateStatus.PASSED

    @given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 10))
    def test_more_vulnerabilities_never_turn_a_failure_into_a_pass(
        self, critical: int, high: int, more: int
    ) -> None:
        before = gates.security_scan_gate(facts(report(scan(critical, high))), THRESHOLDS)
        after = gates.security_scan_gate(
            facts(report(scan(critical + more, high + more))), THRESHOLDS
        )
        assert not (before.status is GateStatus.FAILED and after.status is GateStatus.PASSED)


class TestTheOtherEvidenceGates:
    def test_a_failed_quality_gate_fails_static_analysis(self) -> None:
        r = report(cmd.StaticAnalysis("sonar", False, 12))
        assert gates.static_analysis_gate(facts(r), THRESHOLDS).status is GateStatus.FAILED

    def test_a_denied_licence_fails_the_licence_gate(self) -> None:
        r = report(cmd.LicenceReport("scancode", ["MIT", "AGPL-3.0-only"]))
        outcome = gates.licence_gate(facts(r), THRESHOLDS)
        assert outcome.status is GateStatus.FAILED
        assert outcome.evidence["refused"] == ["AGPL-3.0-only"]

    def test_a_choice_with_an_acceptable_alternative_passes(self) -> None:
        r = report(cmd.LicenceReport("scancode", ["AGPL-3.0-only OR MIT"]))
        assert gates.licence_gate(facts(r), THRESHOLDS).status is GateStatus.PASSED

    def test_an_allow_list_refuses_what_it_does_not_name(self) -> None:
        r = report(cmd.LicenceReport("scancode", ["MIT AND BSD-3-Clause"]))
        allowed = {**THRESHOLDS, "allowed_licences": ["MIT"]}
        assert gates.licence_gate(facts(r), allowed).status is GateStatus.FAILED
        assert licence_acceptable("MIT AND BSD-3-Clause", lambda k: k in {"MIT", "BSD-3-Clause"})

    def test_a_regression_past_the_limit_fails_performance(self) -> None:
        ok = report(cmd.PerformanceBenchmark("checkout-p99", 100, 105, "ms"))
        bad = report(cmd.PerformanceBenchmark("search-p99", 100, 125, "ms"))
        assert gates.performance_gate(facts(ok), THRESHOLDS).status is GateStatus.PASSED
        outcome = gates.performance_gate(facts(ok, bad), THRESHOLDS)
        assert outcome.status is GateStatus.FAILED and "search-p99" in outcome.reason

    def test_low_coverage_fails_and_missing_coverage_waits(self) -> None:
        low = report(cmd.TestRun("unit", 10, 0, coverage_percent=40))
        none = report(cmd.TestRun("unit", 10, 0))
        good = report(cmd.TestRun("unit", 10, 0, coverage_percent=75))
        assert gates.test_coverage_gate(facts(low), THRESHOLDS).status is GateStatus.FAILED
        assert gates.test_coverage_gate(facts(none), THRESHOLDS).status is GateStatus.PENDING
        assert gates.test_coverage_gate(facts(good), THRESHOLDS).status is GateStatus.PASSED

    def test_a_failing_suite_fails_the_test_gate_whatever_the_coverage(self) -> None:
        unit = report(cmd.TestRun("unit", 10, 0, coverage_percent=90))
        e2e = report(cmd.TestRun("e2e", 10, 2))
        outcome = gates.test_coverage_gate(facts(unit, e2e), THRESHOLDS)
        assert outcome.status is GateStatus.FAILED and outcome.evidence["failingSuites"] == ["e2e"]

    def test_all_six_gates_answer_in_a_stable_order(self) -> None:
        names = [g.gate for g in gates.evidence_gates(facts(), THRESHOLDS)]
        assert names == [
            "security_scan",
            "static_analysis",
            "licences",
            "performance",
            "test_coverage",
            "migration_dry_run",
        ]
