"""Test investment on hand-built histories; each answer is worked out beside it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.insights.testing_rules import (
    Escape,
    LayerEvidence,
    Options,
    SeverityWeights,
    SuiteRun,
    evidence_by_layer,
    layer_of,
    ranked,
    recency,
    rows,
    unmapped_suites,
)
from domain.insights.testing_vocabulary import UNMAPPED, InvestmentClass

END = datetime(2026, 6, 1, tzinfo=UTC)
PAYMENTS, LEDGER_ONLY = uuid.uuid4(), uuid.uuid4()
KEYS = {PAYMENTS: "payments", LEDGER_ONLY: "quiet"}
C = InvestmentClass


def escape(component: str, layer: str, severity: str, days_ago: float = 0) -> Escape:
    return Escape(uuid.uuid4(), PAYMENTS, component, layer, severity, END - timedelta(days_ago))


def run(
    suite: str, coverage: float | None, days_ago: float, service: uuid.UUID = PAYMENTS
) -> SuiteRun:
    return SuiteRun(uuid.uuid4(), service, suite, coverage, END - timedelta(days_ago))


def history() -> tuple[list[Escape], list[SuiteRun]]:
    """payments: three high unit escapes in `ledger` though its unit suite covers 90 % (85 %
    a week before); two medium integration escapes in `checkout`, no integration suite. The
    quiet service runs its suites and has no defect."""
    escapes = [escape("ledger", "unit", "high") for _ in range(3)]
    escapes += [escape("checkout", "integration", "medium") for _ in range(2)]
    runs = [
        run("unit-tests", 85.0, 7),
        run("unit-tests", 90.0, 1),
        run("smoke", None, 1),
        run("unit", 95.0, 1, LEDGER_ONLY),
    ]
    return escapes, runs


def judged(o: Options = Options()) -> list:  # type: ignore[type-arg]
    escapes, runs = history()
    return rows(escapes, runs, {PAYMENTS: 40, LEDGER_ONLY: 10}, KEYS, END, o)


class TestASuitesLayerIsWhatItsNameSays:
    def test_one_layer_word_maps_and_none_or_two_are_unmapped(self) -> None:
        assert layer_of("unit-tests") == "unit"
        assert layer_of("payments_Integration") == "integration"
        assert layer_of("Pact consumer") == "contract"
        assert layer_of("End To End checkout") == "end_to_end"
        assert layer_of("checkout-e2e") == "end_to_end"
        assert layer_of("k6 load") == "performance"
        assert layer_of("zap dast") == "security"
        assert layer_of("smoke") == UNMAPPED
        assert layer_of("contract-integration") == UNMAPPED

    def test_unmapped_suites_are_shown_per_service(self) -> None:
        _, runs = history()
        assert unmapped_suites(runs) == {PAYMENTS: ("smoke",)}

    def test_coverage_is_the_latest_reported_and_the_median(self) -> None:
        _, runs = history()
        unit = evidence_by_layer(runs)[(PAYMENTS, "unit")]
        assert (unit.suites, unit.latest_coverage, unit.median_coverage) == (
            ("unit-tests",),
            90.0,
            87.5,
        )
        assert unit.strength == 1.9


class TestDefectsAreJudgedAgainstTheEvidenceOfTheirLayer:
    def test_unit_escapes_at_90_percent_coverage_escape_despite_coverage_and_rank_first(
        self,
    ) -> None:
        table = judged()
        ledger, checkout = (
            next(r for r in table if r.component == c) for c in ("ledger", "checkout")
        )
        # 3 high x 4 = 12 weighted, found at the end (recency 1), strength 1 + 0.9
        assert ledger.classification is C.ESCAPES_DESPITE_COVERAGE
        assert (ledger.weighted_defects, ledger.score) == (12.0, round(12 / 1.9, 4))
        assert ledger.defects_per_100_deployments == 7.5  # 3 of 40 deployments
        assert "cover 90 %" in ledger.reason and "assertions" in ledger.reason
        # 2 medium x 2 = 4, no integration suite: strength 1
        assert checkout.classification is C.COVERAGE_MISSING
        assert (checkout.score, checkout.defects_per_100_deployments) == (4.0, 5.0)
        assert "no integration suite ran" in checkout.reason
        assert [r.component for r in ranked(table, KEYS)] == ["ledger", "checkout"]
        assert len(ledger.defect_ids) == 3 and len(ledger.evidence.run_ids) == 2

    def test_a_service_with_no_defect_has_no_row_and_no_suggestion(self) -> None:
        table = judged()
        assert {r.service_id for r in table} == {PAYMENTS}

    def test_flat_severity_weights_switch_the_ranking(self) -> None:
        flat = Options(weights=SeverityWeights(1, 1, 1, 1))
        table = judged(flat)
        # ledger: 3 / 1.9 = 1.5789; checkout: 2 / 1 = 2.0
        assert [(r.component, r.score) for r in ranked(table, KEYS)] == [
            ("checkout", 2.0),
            ("ledger", 1.5789),
        ]

    def test_a_coverage_threshold_above_the_coverage_makes_coverage_missing(self) -> None:
        table = judged(Options(coverage_threshold=95.0))
        ledger = next(r for r in table if r.component == "ledger")
        assert ledger.classification is C.COVERAGE_MISSING
        assert "cover 90 % (below 95 %)" in ledger.reason

    def test_too_few_weighted_escapes_are_healthy_and_not_suggested(self) -> None:
        table = rows([escape("search", "unit", "low")], [], {}, KEYS, END, Options())
        [only] = table
        assert only.classification is C.HEALTHY and not ranked(table, KEYS)
        assert only.defects_per_100_deployments is None  # never deployed in the period
        lowered = rows(
            [escape("search", "unit", "low")], [], {}, KEYS, END, Options(min_weighted_defects=1)
        )
        assert lowered[0].classification is C.COVERAGE_MISSING

    def test_a_manual_escape_is_not_automatable(self) -> None:
        [only] = rows([escape("ops", "manual", "critical")], [], {}, KEYS, END, Options())
        assert only.classification is C.NOT_AUTOMATABLE

    def test_suites_without_coverage_still_count_as_tests_that_miss(self) -> None:
        escapes = [escape("api", "contract", "high")]
        [only] = rows(escapes, [run("pact", None, 2)], {}, KEYS, END, Options())
        assert only.classification is C.ESCAPES_DESPITE_COVERAGE
        assert only.evidence.strength == 1.5 and only.score == round(4 / 1.5, 4)


class TestOlderEscapesWeighLess:
    def test_a_defect_one_half_life_old_counts_half(self) -> None:
        assert recency(END - timedelta(days=30), END, 30) == 0.5
        [old] = rows([escape("x", "unit", "high", 30)], [], {}, KEYS, END, Options())
        assert old.score == 2.0  # 4 x 0.5 / 1

    def test_no_evidence_is_the_weakest(self) -> None:
        assert LayerEvidence().strength == 1.0
