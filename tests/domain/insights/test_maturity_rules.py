"""The pure rules of maturity assessments: quarters, the level each metric earns at the
documented thresholds, a dimension's telemetry level, the flagged gap and the bottleneck named;
worked answers, and the property that better telemetry never lowers a level."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.insights.maturity_errors import MaturityErrorCode as Code
from domain.insights.maturity_questionnaire import (
    BUILT_IN,
    BUILT_IN_VERSION,
    Version,
    checked_answers,
    checked_dimensions,
    checked_gap_threshold,
)
from domain.insights.maturity_rules import (
    HIGHER_IS_BETTER,
    THRESHOLDS,
    Quarter,
    Telemetry,
    Wait,
    bottlenecks,
    gaps,
    metric_level,
    telemetry_levels,
)
from domain.insights.maturity_vocabulary import BottleneckKind, Dimension, Metric
from domain.kernel.errors import DomainError

ALL = [(d.value, 3) for d in Dimension]


class TestQuarters:
    def test_a_quarter_runs_from_its_first_day_to_the_next_quarters(self) -> None:
        q = Quarter.parse("2026-Q4")
        assert q == Quarter(2026, 4)
        assert q.start == datetime(2026, 10, 1, tzinfo=UTC)
        assert q.end == datetime(2027, 1, 1, tzinfo=UTC)
        assert str(q.next) == "2027-Q1" and str(q.previous) == "2026-Q3"
        assert str(Quarter(2027, 1).previous) == "2026-Q4"

    def test_a_moment_belongs_to_its_quarter(self) -> None:
        assert Quarter.of(datetime(2026, 3, 31, 23, 59, tzinfo=UTC)) == Quarter(2026, 1)
        assert Quarter.of(datetime(2026, 4, 1, tzinfo=UTC)) == Quarter(2026, 2)

    @pytest.mark.parametrize("text", ["2026-Q5", "2026Q4", "Q4-2026", "26-Q1", ""])
    def test_anything_else_is_not_a_quarter(self, text: str) -> None:
        assert Quarter.parse(text) is None


class TestMetricLevels:
    @pytest.mark.parametrize(
        ("metric", "value", "level"),
        [
            (Metric.AUTOMATION_SHARE, 1.0, 5),
            (Metric.AUTOMATION_SHARE, 0.95, 5),
            (Metric.AUTOMATION_SHARE, 0.94, 4),
            (Metric.AUTOMATION_SHARE, 0.6, 3),
            (Metric.AUTOMATION_SHARE, 0.3, 2),
            (Metric.AUTOMATION_SHARE, 0.29, 1),
            (Metric.BYPASS_RATE, 0.0, 5),
            (Metric.BYPASS_RATE, 0.02, 4),
            (Metric.BYPASS_RATE, 0.1, 2),
            (Metric.BYPASS_RATE, 0.5, 1),
            (Metric.APPROVAL_WAIT_HOURS, 4, 5),
            (Metric.APPROVAL_WAIT_HOURS, 30, 3),
            (Metric.APPROVAL_WAIT_HOURS, 200, 1),
            (Metric.REVIEW_ON_TIME_SHARE, 0.5, 2),
            (Metric.DEPLOYMENT_FREQUENCY_PER_WEEK, 1, 4),
            (Metric.CHANGE_FAILURE_RATE, 0.12, 3),
            (Metric.RECOVERY_HOURS, 0.5, 5),
            (Metric.LEAD_TIME_HOURS, 5000, 1),
        ],
    )
    def test_a_value_earns_the_level_of_the_documented_thresholds(
        self, metric: Metric, value: float, level: int
    ) -> None:
        assert metric_level(metric, value) == level

    @given(
        st.sampled_from(list(Metric)),
        st.floats(0, 10_000, allow_nan=False),
        st.floats(0, 10_000, allow_nan=False),
    )
    def test_a_better_value_never_earns_a_lower_level(
        self, metric: Metric, a: float, b: float
    ) -> None:
        worse, better = sorted((a, b)) if metric in HIGHER_IS_BETTER else sorted((a, b))[::-1]
        assert metric_level(metric, better) >= metric_level(metric, worse)

    def test_every_metric_has_four_bounds_in_order(self) -> None:
        for metric, bounds in THRESHOLDS.items():
            ordered = sorted(bounds, reverse=metric in HIGHER_IS_BETTER)
            assert list(bounds) == ordered, metric


BETTER = {
    # a strategy for each metric's values, and which way is better
    "automation_share": st.floats(0, 1),
    "bypass_rate": st.floats(0, 1),
    "approval_wait_hours": st.floats(0, 2000),
    "review_on_time_share": st.floats(0, 1),
    "deployment_frequency_per_week": st.floats(0, 50),
    "lead_time_hours": st.floats(0, 10_000),
    "change_failure_rate": st.floats(0, 1),
    "recovery_hours": st.floats(0, 2000),
}
telemetries = st.builds(Telemetry, **{k: st.none() | v for k, v in BETTER.items()})


class TestDimensionLevels:
    def test_worked_example_the_lowest_measured_metric_sets_the_level(self) -> None:
        t = Telemetry(
            automation_share=0.9,  # 4
            bypass_rate=0.05,  # 3
            approval_wait_hours=100,  # 2
            review_on_time_share=0.96,  # 5
        )
        levels = telemetry_levels(t)
        assert levels[Dimension.GOVERNANCE] == 2  # approval wait 2, bypass rate 3
        assert levels[Dimension.AUTOMATION] == 4  # frequency not measured
        assert levels[Dimension.READINESS] == 3
        assert levels[Dimension.LEARNING] == 5
        assert levels[Dimension.OBSERVABILITY] == 5
        assert levels[Dimension.TESTING] is None and levels[Dimension.RECOVERY] is None

    def test_dora_fields_once_wired_speak_to_testing_and_recovery(self) -> None:
        levels = telemetry_levels(Telemetry(change_failure_rate=0.2, recovery_hours=10))
        assert levels[Dimension.TESTING] == 2 and levels[Dimension.RECOVERY] == 4

    @given(telemetries, st.sampled_from(list(BETTER)), st.floats(0, 1))
    def test_better_telemetry_never_lowers_a_dimension(
        self, t: Telemetry, field: str, step: float
    ) -> None:
        value = getattr(t, field)
        if value is None:
            return
        metric = Metric(field)
        better = value + step if metric in HIGHER_IS_BETTER else max(0.0, value - step)
        improved = replace(t, **{field: better})
        before, after = telemetry_levels(t), telemetry_levels(improved)
        for dimension in Dimension:
            if before[dimension] is not None:
                assert after[dimension] >= before[dimension]  # type: ignore[operator]


class TestGaps:
    def test_a_self_assessment_two_above_telemetry_is_flagged_at_threshold_two(self) -> None:
        levels = {Dimension.GOVERNANCE: 1, Dimension.AUTOMATION: 4, Dimension.TESTING: None}
        answers = {"governance": 4, "automation": 4, "testing": 5}
        found = {g.dimension: g for g in gaps(answers, levels, threshold=2)}
        assert (found[Dimension.GOVERNANCE].gap, found[Dimension.GOVERNANCE].flagged) == (3, True)
        assert (found[Dimension.AUTOMATION].gap, found[Dimension.AUTOMATION].flagged) == (0, False)
        assert found[Dimension.TESTING].gap is None and not found[Dimension.TESTING].flagged

    def test_raising_the_threshold_unflags_the_same_gap(self) -> None:
        levels = {Dimension.GOVERNANCE: 1}
        assert gaps({"governance": 4}, levels, threshold=3)[0].flagged
        assert not gaps({"governance": 4}, levels, threshold=4)[0].flagged

    def test_a_team_rating_itself_below_telemetry_is_never_flagged(self) -> None:
        assert not gaps({"automation": 1}, {Dimension.AUTOMATION: 5}, threshold=1)[0].flagged


class TestBottlenecks:
    def test_the_approval_step_with_the_longest_median_wait_comes_first(self) -> None:
        waits = [Wait("security", 10), Wait("security", 50), Wait("security", 70)]
        waits += [Wait("legal", 20), Wait("legal", 40)]
        found = bottlenecks(waits, [3.0])
        assert [(b.step, b.median_wait_hours, b.count) for b in found] == [
            ("security", 50, 3),
            ("legal", 30, 2),
            ("post_release_review", 3.0, 1),
        ]
        assert found[-1].kind is BottleneckKind.REVIEW

    def test_no_waits_name_no_bottleneck(self) -> None:
        assert bottlenecks([], []) == []


class TestQuestionnaire:
    def test_the_built_in_questionnaire_asks_every_dimension_at_five_levels(self) -> None:
        assert checked_dimensions(BUILT_IN) == BUILT_IN
        assert BUILT_IN_VERSION.dimensions == tuple(d.value for d in Dimension)

    @pytest.mark.parametrize(
        ("answers", "code"),
        [
            ([*ALL[:-1], ("learning", 6)], Code.LEVEL_OUT_OF_RANGE),
            ([*ALL[:-1], ("learning", 0)], Code.LEVEL_OUT_OF_RANGE),
            ([*ALL, ("happiness", 3)], Code.UNKNOWN_DIMENSION),
            ([*ALL, ("testing", 3)], Code.DUPLICATE_DIMENSION),
            (ALL[:-1], Code.DIMENSION_NOT_ANSWERED),
        ],
    )
    def test_bad_answers_are_refused(self, answers: list[tuple[str, int]], code: Code) -> None:
        with pytest.raises(DomainError) as refused:
            checked_answers(answers, BUILT_IN_VERSION)
        assert refused.value.code == code

    def test_a_dimension_the_version_does_not_ask_is_unknown_to_it(self) -> None:
        short = Version(None, 2, ("governance",), 2)
        assert checked_answers([("Governance", 2)], short) == {"governance": 2}
        with pytest.raises(DomainError) as refused:
            checked_answers([("governance", 2), ("testing", 3)], short)
        assert refused.value.code == Code.UNKNOWN_DIMENSION

    def test_a_published_dimension_describes_five_levels(self) -> None:
        with pytest.raises(DomainError) as refused:
            checked_dimensions([{"dimension": "testing", "title": "T", "levels": ["a"] * 4}])
        assert refused.value.code == Code.LEVELS_INCOMPLETE

    @pytest.mark.parametrize("threshold", [0, 5])
    def test_a_gap_threshold_is_one_to_four_levels(self, threshold: int) -> None:
        with pytest.raises(DomainError) as refused:
            checked_gap_threshold(threshold)
        assert refused.value.code == Code.INVALID_GAP_THRESHOLD
