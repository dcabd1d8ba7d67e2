"""Production-like volumes: when a run counts, and how a profile is checked."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.pipelines.evidence_gates import Report, performance_gate, summarize
from domain.pipelines.vocabulary import EvidenceType
from domain.readiness.volume_rules import VolumeFacts, check_volume, shortfalls
from domain.readiness.volume_vocabulary import Dimension

PRODUCTION = VolumeFacts(
    uuid.uuid4(),
    {"rows": 1_000_000, "requestsPerSecond": 500.0},
    "production_metrics",
    datetime(2026, 12, 1, tzinfo=UTC),
)


class TestARunCountsAtTheGuardrailsShare:
    def test_without_a_floor_every_run_counts_even_without_a_profile(self) -> None:
        assert shortfalls(None, None, 0) == []

    def test_a_floor_needs_a_profile(self) -> None:
        assert shortfalls({"rows": 5}, None, 80) == [
            "the service has no production volume profile to compare with"
        ]

    def test_a_tenth_of_production_does_not_count_for_80_percent(self) -> None:
        found = shortfalls({"rows": 100_000, "requestsPerSecond": 450}, PRODUCTION, 80)
        assert found == ["it ran on 100000 rows, 10% of production's 1e+06 (at least 80% needed)"]

    def test_every_dimension_the_profile_sets_is_compared(self) -> None:
        assert shortfalls({"rows": 900_000}, PRODUCTION, 80) == [
            "it reports no requests/s (production: 500)"
        ]
        assert shortfalls({"rows": 900_000, "requestsPerSecond": 400}, PRODUCTION, 80) == []

    @given(st.floats(0, 2_000_000), st.floats(0, 100))
    def test_a_larger_run_never_counts_less(self, rows: float, floor: float) -> None:
        smaller = shortfalls({"rows": rows}, PRODUCTION, floor, (Dimension.ROWS,))
        larger = shortfalls({"rows": rows * 2 + 1}, PRODUCTION, floor, (Dimension.ROWS,))
        assert len(larger) <= len(smaller)


class TestAProfileIsChecked:
    def test_a_profile_needs_one_figure(self) -> None:
        with pytest.raises(DomainError) as refused:
            check_volume({Dimension.ROWS: None, Dimension.PAYLOAD_BYTES: 0}, required=True)
        assert refused.value.code == "VOLUME_REQUIRED"

    @pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf"), 1e16])
    def test_figures_are_finite_and_in_range(self, bad: float) -> None:
        with pytest.raises(DomainError) as refused:
            check_volume({Dimension.ROWS: bad}, required=False)
        assert refused.value.code == "INVALID_VOLUME"

    def test_counts_are_whole_and_rates_keep_their_fraction(self) -> None:
        assert check_volume(
            {Dimension.ROWS: 10, Dimension.REQUESTS_PER_SECOND: 2.5}, required=True
        ) == {"rows": 10, "requestsPerSecond": 2.5}


def _benchmark(subject: str, regression: float, **volume: float) -> Report:
    payload = {"regressionPercent": regression, "volume": volume}
    return Report(
        uuid.uuid4(),
        EvidenceType.PERFORMANCE_BENCHMARK,
        subject,
        True,
        payload,
        PRODUCTION.updated_at,
    )


class TestThePerformanceGateJudgesOnlyRunsThatCount:
    FLOOR = {"max_performance_regression_percent": 10, "min_production_volume_percent": 80}

    def test_a_small_run_waits_even_when_it_regressed_and_a_counted_one_is_judged(self) -> None:
        small = _benchmark("checkout", 40, rows=100_000, requestsPerSecond=50)
        full = _benchmark("search", 5, rows=900_000, requestsPerSecond=450)
        outcome = performance_gate(summarize(uuid.uuid4(), [small, full]), self.FLOOR, PRODUCTION)
        assert outcome.status is GateStatus.PENDING
        assert outcome.evidence["notCounted"] == ["checkout"]
        assert outcome.evidence["worstRegressionPercent"] == 5

    def test_a_counted_run_over_the_limit_fails_whatever_else(self) -> None:
        small = _benchmark("checkout", 0, rows=10, requestsPerSecond=1)
        slow = _benchmark("search", 25, rows=900_000, requestsPerSecond=450)
        outcome = performance_gate(summarize(uuid.uuid4(), [small, slow]), self.FLOOR, PRODUCTION)
        assert outcome.status is GateStatus.FAILED

    def test_without_a_floor_the_gate_is_as_before(self) -> None:
        small = _benchmark("checkout", 5, rows=10)
        loose = {**self.FLOOR, "min_production_volume_percent": 0}
        outcome = performance_gate(summarize(uuid.uuid4(), [small]), loose, None)
        assert outcome.status is GateStatus.PASSED
