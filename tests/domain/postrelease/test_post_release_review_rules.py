"""The pure rules of the 24-hour post-release review: equal windows, the metric template, and
the emergent issues (regressions beyond the guardrail's tolerance, new fingerprints, new
feedback themes, incidents)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.kernel.errors import DomainError
from domain.postrelease import review_rules as rules
from domain.postrelease.review_vocabulary import IssueKind

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def codes(found: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(i["kind"], i["key"]) for i in found]


class TestTheWindowsCompared:
    def test_a_review_is_due_a_day_after_its_deployment(self) -> None:
        assert rules.due_at(T0) == T0 + timedelta(hours=24)

    def test_a_day_after_it_compares_the_day_after_with_the_day_before(self) -> None:
        w = rules.windows(T0, T0 + timedelta(hours=30))
        assert w == rules.Windows(T0 - timedelta(hours=24), T0, T0 + timedelta(hours=24))

    def test_gathered_early_it_compares_equal_shorter_windows(self) -> None:
        w = rules.windows(T0, T0 + timedelta(minutes=20))
        assert w is not None
        assert w.deployed_at - w.before_start == w.after_end - w.deployed_at
        assert w.after_end == T0 + timedelta(minutes=20)

    def test_nothing_is_compared_before_time_has_passed(self) -> None:
        assert rules.windows(T0, T0) is None

    @given(st.integers(min_value=1, max_value=10 * 24 * 3600))
    def test_the_windows_are_always_of_equal_length(self, seconds: int) -> None:
        w = rules.windows(T0, T0 + timedelta(seconds=seconds))
        assert w is not None
        assert w.deployed_at - w.before_start == w.after_end - w.deployed_at
        assert w.after_end - w.deployed_at <= rules.REVIEW_AFTER


class TestTheMetricTemplate:
    def test_a_template_redefines_a_standard_query_and_adds_custom_ones(self) -> None:
        queries = rules.validated_queries(
            [
                {"name": "error_rate", "promql": 'rate(errors{app="{service}"}[5m])'},
                {"name": "queue_depth", "promql": 'max(queue{svc="{service}"})'},
            ]
        )
        found = rules.rendered(queries, "checkout")
        assert found["error_rate"] == 'rate(errors{app="checkout"}[5m])'
        assert found["queue_depth"] == 'max(queue{svc="checkout"})'
        assert 'service="checkout"' in found["latency_p99"]
        assert "{service}" not in "".join(found.values())

    @pytest.mark.parametrize(
        ("queries", "code", "field"),
        [
            ([], "INVALID_TEMPLATE", "queries"),
            (
                [{"name": "Bad Name", "promql": "up{x='{service}'}"}],
                "INVALID_QUERY_NAME",
                "queries.0.name",
            ),
            (
                [
                    {"name": "a", "promql": "up{a='{service}'}"},
                    {"name": "a", "promql": "up{b='{service}'}"},
                ],
                "INVALID_QUERY_NAME",
                "queries.1.name",
            ),
            (
                [{"name": "a", "promql": "sum(up{a='{service}'}"}],
                "INVALID_PROMQL",
                "queries.0.promql",
            ),
            ([{"name": "a", "promql": ""}], "INVALID_PROMQL", "queries.0.promql"),
            (
                [{"name": "a", "promql": "up{a='{team}'}"}],
                "UNKNOWN_PLACEHOLDER",
                "queries.0.promql",
            ),
            ([{"name": "a", "promql": "sum(up)"}], "UNKNOWN_PLACEHOLDER", "queries.0.promql"),
        ],
    )
    def test_a_bad_template_is_refused_with_its_code_and_field(
        self, queries: list[dict[str, str]], code: str, field: str
    ) -> None:
        with pytest.raises(DomainError) as refused:
            rules.validated_queries(queries)
        assert (refused.value.code, refused.value.field) == (code, field)


class TestRegressionsAgainstTheTolerance:
    READINGS = (
        rules.Reading("error_rate", 0.01, 0.013),
        rules.Reading("latency_p99", 0.2, 0.21),
        rules.Reading("saturation", 0.5, 0.4),
    )

    def test_only_what_got_worse_beyond_the_tolerance_is_listed(self) -> None:
        found = rules.regressions(self.READINGS, 20)
        assert codes(found) == [(IssueKind.METRIC_REGRESSION.value, "error_rate")]
        assert "+30.0 %" in str(found[0]["detail"])

    def test_tightening_the_tolerance_lists_more_and_loosening_it_lists_none(self) -> None:
        assert [i["key"] for i in rules.regressions(self.READINGS, 2)] == [
            "error_rate",
            "latency_p99",
        ]
        assert rules.regressions(self.READINGS, 50) == []

    def test_a_metric_that_appears_from_zero_is_a_regression(self) -> None:
        found = rules.regressions([rules.Reading("error_rate", 0.0, 0.02)], 1000)
        assert [i["key"] for i in found] == ["error_rate"]

    def test_a_metric_without_samples_on_either_side_is_not_judged(self) -> None:
        readings = [rules.Reading("error_rate", None, 0.5), rules.Reading("saturation", 0.1, None)]
        assert rules.regressions(readings, 0) == []

    @given(
        st.floats(min_value=0.001, max_value=1e6),
        st.floats(min_value=0, max_value=1e6),
        st.floats(min_value=0, max_value=1000),
        st.floats(min_value=0, max_value=1000),
    )
    def test_a_stricter_tolerance_never_lists_fewer(
        self, before: float, after: float, a: float, b: float
    ) -> None:
        strict, loose = min(a, b), max(a, b)
        reading = [rules.Reading("m", before, after)]
        assert len(rules.regressions(reading, strict)) >= len(rules.regressions(reading, loose))


class TestEmergentIssues:
    def test_new_fingerprints_new_themes_and_incidents_are_listed_old_ones_not(self) -> None:
        found = rules.emergent_issues(
            [],
            20,
            ({"db-timeout": 3}, {"db-timeout": 9, "npe-checkout": 7, "zero": 0}),
            (["slow"], {"slow": 2, "checkout-broken": 1}),
            [{"ref": "INC-7", "description": "checkout 500s"}],
        )
        assert codes(found) == [
            (IssueKind.NEW_ERROR_FINGERPRINT.value, "npe-checkout"),
            (IssueKind.NEW_FEEDBACK_THEME.value, "checkout-broken"),
            (IssueKind.INCIDENT.value, "INC-7"),
        ]

    def test_overdue_is_open_past_due(self) -> None:
        assert rules.is_overdue("open", T0, T0)
        assert not rules.is_overdue("open", T0, T0 - timedelta(seconds=1))
        assert not rules.is_overdue("closed", T0, T0 + timedelta(days=3))


class TestJourneysAroundTheDeployment:
    def test_a_journey_with_no_run_on_a_side_is_unknown_there_not_passed(self) -> None:
        found = rules.journey_summary("checkout", "Checkout", [], [True])
        assert (found["passedBefore"], found["passedAfter"]) == (None, True)
        assert rules.journey_issues([found]) == []

    def test_one_failure_after_a_clean_day_before_is_a_regression(self) -> None:
        broken = rules.journey_summary("checkout", "Checkout", [True, True], [True, False])
        assert broken["failedAfter"] == 1 and broken["passedAfter"] is False
        [issue] = rules.journey_issues([broken])
        assert (issue["kind"], issue["key"]) == ("journey_regression", "checkout")
        assert "failed 1 of 2" in issue["detail"]

    def test_a_journey_that_already_failed_before_is_no_new_regression(self) -> None:
        flaky = rules.journey_summary("login", "Log in", [True, False], [False])
        assert rules.journey_issues([flaky]) == []


class TestIncidentsAttributedElsewhere:
    def test_only_an_incident_of_another_change_stays_out_of_the_emergent_issues(self) -> None:
        this, other = uuid.uuid4(), uuid.uuid4()

        def attributed(change: uuid.UUID | None) -> Any:
            return SimpleNamespace(change_id=change, change_kind="deployment", status="suggested")

        seen = [
            {"ref": ref, "description": "down", **rules.attribution_of(a, this)}
            for ref, a in (
                ("INC-1", None),
                ("INC-2", attributed(None)),
                ("INC-3", attributed(this)),
                ("INC-4", attributed(other)),
            )
        ]
        assert [i["attributedElsewhere"] for i in seen] == [False, False, False, True]
        assert seen[3]["attributedTo"] == {
            "kind": "deployment",
            "id": str(other),
            "status": "suggested",
        }
        assert [i["key"] for i in rules.incident_issues(seen)] == ["INC-1", "INC-2", "INC-3"]
