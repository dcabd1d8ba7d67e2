"""Pure rules of deployments: plans, the health analysis (with its monotonicity), advancing."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.pipelines import deployment_rules as rules
from domain.pipelines import health_rules as health
from domain.pipelines.health_rules import CheckStatus, CustomMetric, Metrics, Thresholds
from domain.pipelines.vocabulary import StepKind, Verdict

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
HEALTHY = Metrics(error_rate=0.001, latency_p99_ms=200, saturation=0.3)
BASE = Metrics(error_rate=0.001, latency_p99_ms=200, saturation=0.3)


def code_of(call: object) -> str:
    with pytest.raises(DomainError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value.code)


class TestCanaryPlans:
    def test_weights_rising_to_one_hundred_make_a_plan(self) -> None:
        plan = rules.canary_plan([(5, 10), (25, 10), (100, 0)])
        assert [(s.kind, s.weight, s.dwell_minutes) for s in plan] == [
            (StepKind.CANARY, 5, 10),
            (StepKind.CANARY, 25, 10),
            (StepKind.CANARY, 100, 0),
        ]

    @pytest.mark.parametrize(
        ("steps", "code"),
        [
            ([], "INVALID_STEPS"),
            ([(10, 0)] * 21, "INVALID_STEPS"),
            ([(0, 5), (100, 0)], "INVALID_WEIGHT"),
            ([(50, 5), (101, 0)], "INVALID_WEIGHT"),
            ([(50, 5), (50, 5), (100, 0)], "WEIGHTS_NOT_ASCENDING"),
            ([(50, 5), (20, 5), (100, 0)], "WEIGHTS_NOT_ASCENDING"),
            ([(10, 5), (90, 5)], "LAST_STEP_NOT_FULL"),
            ([(10, -1), (100, 0)], "INVALID_DWELL"),
            ([(10, 7 * 24 * 60 + 1), (100, 0)], "INVALID_DWELL"),
        ],
    )
    def test_a_bad_plan_is_refused_with_its_code(
        self, steps: list[tuple[int, int]], code: str
    ) -> None:
        assert code_of(lambda: rules.canary_plan(steps)) == code


class TestTheRiskLevelsCanaryMinutes:
    def test_only_the_dwells_on_part_of_the_traffic_count(self) -> None:
        assert rules.canary_minutes(rules.canary_plan([(5, 10), (25, 20), (100, 90)])) == 30

    def test_a_plan_dwelling_the_minimum_in_total_is_accepted(self) -> None:
        rules.check_canary_minutes(rules.canary_plan([(5, 50), (50, 10), (100, 0)]), "high", 60)

    def test_a_shorter_plan_is_refused_saying_what_it_needs(self) -> None:
        plan = rules.canary_plan([(10, 0), (100, 0)])
        assert code_of(lambda: rules.check_canary_minutes(plan, "high", 60)) == "CANARY_TOO_SHORT"

    @given(st.lists(st.integers(0, 600), min_size=1, max_size=5), st.integers(0, 3000))
    def test_refused_exactly_when_the_total_falls_short(
        self, dwells: list[int], minimum: int
    ) -> None:
        weights = [10 * (i + 1) for i in range(len(dwells))] + [100]
        plan = rules.canary_plan([*zip(weights, [*dwells, 0], strict=True)])
        try:
            rules.check_canary_minutes(plan, "critical", minimum)
            refused = False
        except DomainError:
            refused = True
        assert refused == (sum(dwells) < minimum)


class TestBlueGreenPlans:
    def test_green_is_deployed_verified_then_switched(self) -> None:
        plan = rules.blue_green_plan(15, 5)
        assert [(s.kind, s.weight, s.dwell_minutes) for s in plan] == [
            (StepKind.DEPLOY_GREEN, 0, 0),
            (StepKind.VERIFY, 0, 15),
            (StepKind.SWITCH, 100, 5),
        ]

    def test_a_negative_verification_time_is_refused(self) -> None:
        assert code_of(lambda: rules.blue_green_plan(-1, 0)) == "INVALID_DWELL"


class TestHealthAnalysis:
    def test_metrics_within_every_limit_advance_with_one_reason_per_check(self) -> None:
        found = health.analyze(HEALTHY, BASE)
        assert found.verdict == Verdict.ADVANCE
        assert [c.name for c in found.checks] == [
            "error_rate",
            "error_rate_delta",
            "latency_p99_regression",
            "saturation",
        ]
        assert {c.status for c in found.checks} == {CheckStatus.WITHIN}
        assert all("within its limit" in r for r in found.reasons)

    def test_an_error_rate_over_the_limit_rolls_back_and_says_why(self) -> None:
        found = health.analyze(replace(HEALTHY, error_rate=0.05), BASE)
        assert found.verdict == Verdict.ROLL_BACK
        breached = [c for c in found.checks if c.status == CheckStatus.BREACHED]
        assert [c.name for c in breached] == ["error_rate", "error_rate_delta"]
        assert breached[0].message == "Error rate 5% (limit 1%) is breached."

    def test_latency_regressing_past_the_baseline_rolls_back(self) -> None:
        found = health.analyze(replace(HEALTHY, latency_p99_ms=300), BASE)
        (check,) = [c for c in found.checks if c.name == "latency_p99_regression"]
        assert check.status == CheckStatus.BREACHED
        assert check.value == pytest.approx(50.0)
        assert found.verdict == Verdict.ROLL_BACK

    def test_a_metric_close_to_its_limit_holds(self) -> None:
        found = health.analyze(replace(HEALTHY, saturation=0.75), BASE)
        assert found.verdict == Verdict.HOLD
        (near,) = [c for c in found.checks if c.status == CheckStatus.NEAR]
        assert near.name == "saturation"

    def test_missing_metrics_hold_for_lack_of_data(self) -> None:
        found = health.analyze(Metrics(error_rate=0.001), BASE)
        assert found.verdict == Verdict.HOLD
        assert [c.name for c in found.checks if c.status == CheckStatus.NO_DATA] == [
            "latency_p99_regression",
            "saturation",
        ]
        assert any(r.startswith("No data:") for r in found.reasons)

    def test_without_a_baseline_the_comparisons_are_skipped_not_held(self) -> None:
        found = health.analyze(HEALTHY, None)
        assert found.verdict == Verdict.ADVANCE
        skipped = [c.name for c in found.checks if c.status == CheckStatus.SKIPPED]
        assert skipped == ["error_rate_delta", "latency_p99_regression"]

    def test_a_custom_metric_over_its_max_rolls_back(self) -> None:
        m = replace(HEALTHY, custom=(CustomMetric("queue_depth", 120, 100),))
        found = health.analyze(m, BASE)
        assert found.verdict == Verdict.ROLL_BACK
        assert found.checks[-1].name == "custom:queue_depth"

    def test_a_threshold_set_to_none_turns_its_check_off(self) -> None:
        t = health.thresholds_from({"max_saturation": None})
        found = health.analyze(Metrics(error_rate=0.001, latency_p99_ms=200), BASE, t)
        assert found.verdict == Verdict.ADVANCE
        assert "saturation" not in [c.name for c in found.checks]

    def test_a_zero_latency_baseline_makes_any_latency_an_infinite_regression(self) -> None:
        assert health.regression_percent(0, 0) == 0
        assert math.isinf(health.regression_percent(1, 0))


class TestThresholdsFromGuardrails:
    def test_known_keys_override_the_defaults_and_others_are_ignored(self) -> None:
        t = health.thresholds_from({"max_error_rate": 0.02, "max_bypass_hours": 4})
        assert t.max_error_rate == 0.02
        assert t.max_saturation == health.DEFAULT_THRESHOLDS.max_saturation

    @pytest.mark.parametrize("bad", [-1, "high", math.nan, True])
    def test_a_value_that_is_not_a_non_negative_number_is_a_configuration_error(
        self, bad: object
    ) -> None:
        with pytest.raises(ValueError):
            health.thresholds_from({"max_error_rate": bad})


class TestMetricValidation:
    @pytest.mark.parametrize(
        ("metrics", "field"),
        [
            (Metrics(error_rate=1.5), "metrics.errorRate"),
            (Metrics(latency_p99_ms=-1), "metrics.latencyP99Ms"),
            (Metrics(saturation=math.inf), "metrics.saturation"),
            (Metrics(custom=(CustomMetric("a", 1, 2), CustomMetric("a", 1, 2))), "metrics.custom"),
            (Metrics(custom=(CustomMetric("no spaces", 1, 2),)), "metrics.custom"),
        ],
    )
    def test_out_of_range_metrics_are_refused_naming_the_field(
        self, metrics: Metrics, field: str
    ) -> None:
        with pytest.raises(DomainError) as caught:
            health.check_metrics(metrics, "metrics")
        assert (caught.value.code, caught.value.field) == ("INVALID_METRIC", field)


fraction = st.floats(0, 1, allow_nan=False)
latency = st.floats(0, 1e5, allow_nan=False)
bump = st.floats(0, 1, allow_nan=False)


@st.composite
def metric_pairs(draw: st.DrawFn) -> tuple[Metrics, Metrics, Metrics, Thresholds]:
    better = Metrics(
        error_rate=draw(fraction),
        latency_p99_ms=draw(latency),
        saturation=draw(fraction),
        custom=(CustomMetric("c", draw(st.floats(0, 100)), draw(st.floats(0, 100))),),
    )
    worse = Metrics(
        error_rate=min(1.0, better.error_rate + draw(bump)),  # type: ignore[operator]
        latency_p99_ms=better.latency_p99_ms + draw(st.floats(0, 1e4)),  # type: ignore[operator]
        saturation=min(1.0, better.saturation + draw(bump)),  # type: ignore[operator]
        custom=(CustomMetric("c", better.custom[0].value + draw(bump), better.custom[0].max),),
    )
    baseline = Metrics(error_rate=draw(fraction), latency_p99_ms=draw(latency))
    thresholds = Thresholds(
        max_error_rate=draw(fraction),
        max_error_rate_delta=draw(fraction),
        max_latency_p99_ms=draw(st.none() | latency),
        max_latency_p99_regression_percent=draw(st.floats(0, 500)),
        max_saturation=draw(fraction),
        hold_margin_percent=draw(st.floats(0, 100)),
    )
    return better, worse, baseline, thresholds


class TestMonotonicity:
    @given(metric_pairs())
    def test_worse_metrics_never_give_a_better_verdict(
        self, case: tuple[Metrics, Metrics, Metrics, Thresholds]
    ) -> None:
        better, worse, baseline, t = case
        rank = health.VERDICT_RANK
        before = health.analyze(better, baseline, t).verdict
        after = health.analyze(worse, baseline, t).verdict
        assert rank[after] >= rank[before]

    @given(metric_pairs())
    def test_forgetting_a_metric_never_advances(
        self, case: tuple[Metrics, Metrics, Metrics, Thresholds]
    ) -> None:
        better, _, baseline, t = case
        assert health.analyze(replace(better, saturation=None), baseline, t).verdict != (
            Verdict.ADVANCE
        )


class TestAdvancing:
    step = rules.Step(StepKind.CANARY, 10, 5)

    def test_advance_after_an_advance_verdict_and_the_dwell(self) -> None:
        rules.check_advance(
            "in_progress", Verdict.ADVANCE, NOW, self.step, NOW + timedelta(minutes=5)
        )

    @pytest.mark.parametrize(
        ("status", "verdict", "elapsed", "code"),
        [
            ("planned", Verdict.ADVANCE, 10, "NOT_IN_PROGRESS"),
            ("rolled_back", Verdict.ADVANCE, 10, "NOT_IN_PROGRESS"),
            ("in_progress", None, 10, "ANALYSIS_MISSING"),
            ("holding", Verdict.HOLD, 10, "ANALYSIS_NOT_ADVANCE"),
            ("in_progress", Verdict.ADVANCE, 4, "DWELL_NOT_OVER"),
        ],
    )
    def test_advancing_is_refused_until_analysed_and_dwelt(
        self, status: str, verdict: Verdict | None, elapsed: int, code: str
    ) -> None:
        at = NOW + timedelta(minutes=elapsed)
        assert code_of(lambda: rules.check_advance(status, verdict, NOW, self.step, at)) == code


class TestArgoAndGate:
    @pytest.mark.parametrize(
        ("status", "verdict", "expected"),
        [
            ("in_progress", Verdict.ADVANCE, "successful"),
            ("holding", Verdict.HOLD, "running"),
            ("in_progress", None, "running"),
            ("planned", None, "running"),
            ("rolled_back", Verdict.ADVANCE, "failed"),
            ("succeeded", Verdict.ADVANCE, "successful"),
        ],
    )
    def test_the_web_metric_status_follows_the_verdict(
        self, status: str, verdict: Verdict | None, expected: str
    ) -> None:
        assert rules.argo_status(status, verdict) == expected

    def test_the_health_gate_passes_holds_or_fails_with_the_reasons(self) -> None:
        assert health.health_gate(None).status == GateStatus.PENDING
        assert health.health_gate(health.analyze(HEALTHY, BASE)).status == GateStatus.PASSED
        gate = health.health_gate(health.analyze(replace(HEALTHY, error_rate=0.5), BASE))
        assert gate.status == GateStatus.FAILED
        assert "Error rate 50%" in gate.reason
        assert gate.evidence["verdict"] == "roll_back"


class TestTheGuardrailsSetTheHealthThresholds:
    def test_whole_number_guardrails_become_fractions(self) -> None:
        from domain.guardrails.fields import CORE_DEFAULTS, PROFILE_DEFAULTS
        from domain.pipelines.health_rules import guardrail_thresholds, thresholds_from

        core = thresholds_from(guardrail_thresholds(CORE_DEFAULTS))
        assert core.max_error_rate == 0.01 and core.max_saturation == 0.8
        assert core.max_error_rate_delta == 0.005
        critical = thresholds_from(
            guardrail_thresholds({**CORE_DEFAULTS, **PROFILE_DEFAULTS["critical"]})
        )
        assert critical.max_error_rate == 0.005
        assert critical.max_latency_p99_regression_percent == 10
