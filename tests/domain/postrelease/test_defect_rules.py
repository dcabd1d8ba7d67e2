"""The pure rules of defect patterns and their backlog items: what counts as a pattern, what it
becomes in planning, and a Jira CSV that the csv module (and Jira's importer) reads back."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.postrelease import defect_backlog as backlog
from domain.postrelease import defect_rules as rules
from domain.postrelease.defect_vocabulary import BacklogItemType, PatternKind, RootCauseCategory

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
PERIOD = rules.aligned_period(NOW, 28)
SVC_A, SVC_B = uuid.uuid4(), uuid.uuid4()


def defect(**kw: Any) -> rules.DefectFacts:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "service_id": SVC_A,
        "service_key": "checkout",
        "title": "Totals off by one cent",
        "component": "pricing",
        "change_type": "payment_logic",
        "root_cause": "code",
        "escaped_layer": "unit",
        "severity": "medium",
        "found_at": PERIOD.start + timedelta(days=1),
    }
    values.update(kw)
    return rules.DefectFacts(**values)


class TestPeriods:
    def test_the_period_holds_now_and_is_the_same_at_every_sweep_within_it(self) -> None:
        assert PERIOD.holds(NOW)
        assert rules.aligned_period(PERIOD.start, 28) == PERIOD
        assert rules.aligned_period(PERIOD.end - timedelta(seconds=1), 28) == PERIOD
        assert rules.aligned_period(PERIOD.end, 28).start == PERIOD.end

    def test_the_previous_period_has_the_same_length_and_ends_where_this_one_starts(self) -> None:
        before = PERIOD.previous
        assert before.end == PERIOD.start
        assert before.end - before.start == PERIOD.end - PERIOD.start


class TestRecurringRootCauses:
    def test_a_category_recurs_at_the_threshold_and_not_below(self) -> None:
        three = [defect(root_cause="configuration") for _ in range(3)]
        assert [p.subject for p in rules.recurring_root_causes(three, 3)] == ["configuration"]
        assert rules.recurring_root_causes(three[:2], 3) == []

    def test_a_recurring_category_is_technical_debt_but_a_test_gap_is_test_automation(
        self,
    ) -> None:
        found = rules.recurring_root_causes(
            [defect(root_cause="design") for _ in range(2)]
            + [defect(root_cause="test_gap") for _ in range(2)],
            2,
        )
        assert {p.subject: p.item_type for p in found} == {
            "design": BacklogItemType.TECHNICAL_DEBT,
            "test_gap": BacklogItemType.TEST_AUTOMATION,
        }

    def test_unknown_is_no_category(self) -> None:
        assert rules.recurring_root_causes([defect(root_cause="unknown")] * 5, 2) == []


class TestRecurringEscapedLayers:
    def test_escapes_through_an_automatable_layer_are_test_automation(self) -> None:
        found = rules.recurring_escaped_layers([defect(escaped_layer="contract")] * 3, 3)
        assert [(p.kind, p.subject, p.item_type) for p in found] == [
            (PatternKind.RECURRING_ESCAPED_LAYER, "contract", BacklogItemType.TEST_AUTOMATION)
        ]

    def test_manual_and_none_are_not_automatable_layers(self) -> None:
        found = [defect(escaped_layer="manual")] * 3 + [defect(escaped_layer="none")] * 3
        assert rules.recurring_escaped_layers(found, 3) == []


class TestRisingEscapeRates:
    def test_more_defects_per_production_deployment_than_before_is_rising(self) -> None:
        now = [defect(), defect()]
        before = [defect(found_at=PERIOD.previous.start)]
        (p,) = rules.rising_escape_rates(now, before, {SVC_A: 4}, {SVC_A: 4}, 2)
        assert (p.subject, p.label, p.rate, p.previous_rate) == (str(SVC_A), "checkout", 0.5, 0.25)

    def test_the_same_defects_over_more_deployments_is_not_rising(self) -> None:
        now = [defect(), defect()]
        before = [defect(), defect()]
        assert rules.rising_escape_rates(now, before, {SVC_A: 8}, {SVC_A: 4}, 2) == []

    def test_no_production_deployment_this_period_means_no_escape_rate(self) -> None:
        assert rules.rising_escape_rates([defect()] * 3, [], {}, {}, 2) == []

    def test_a_service_without_defects_before_rises_from_zero(self) -> None:
        (p,) = rules.rising_escape_rates([defect()] * 2, [], {SVC_A: 2}, {}, 2)
        assert (p.rate, p.previous_rate) == (1.0, 0.0)

    def test_defects_before_without_deployments_leave_the_earlier_rate_unknown(self) -> None:
        assert rules.rising_escape_rates([defect()] * 2, [defect()], {SVC_A: 1}, {}, 2) == []

    def test_the_minimum_of_defects_holds(self) -> None:
        assert rules.rising_escape_rates([defect()], [], {SVC_A: 1}, {}, 2) == []

    def test_the_item_type_follows_the_layer_most_of_its_defects_escaped(self) -> None:
        manual = [defect(service_id=SVC_B, service_key="ledger", escaped_layer="manual")] * 3
        (p,) = rules.rising_escape_rates(manual, [], {SVC_B: 3}, {}, 2)
        assert p.item_type is BacklogItemType.TECHNICAL_DEBT
        unit = [defect(escaped_layer="unit")] * 3
        (q,) = rules.rising_escape_rates(unit, [], {SVC_A: 3}, {}, 2)
        assert q.item_type is BacklogItemType.TEST_AUTOMATION


class TestFailingChangeTypes:
    def test_change_types_are_ranked_by_defects_per_release(self) -> None:
        found = [defect(change_type="config")] * 3 + [defect(change_type="ui")] * 4
        ranked = rules.failing_change_types(found, {"config": 1, "ui": 8}, 2, 3)
        assert [(p.subject, p.rate) for p in ranked] == [("config", 3.0), ("ui", 0.5)]

    def test_only_the_top_ones_are_reported(self) -> None:
        found = [defect(change_type="config")] * 3 + [defect(change_type="ui")] * 4
        ranked = rules.failing_change_types(found, {"config": 1, "ui": 8}, 2, 1)
        assert [p.subject for p in ranked] == ["config"]

    def test_a_change_type_no_finished_release_carried_counts_one_release(self) -> None:
        (p,) = rules.failing_change_types([defect(change_type="data_fix")] * 2, {}, 2, 3)
        assert p.rate == 2.0

    def test_below_the_minimum_of_defects_it_is_no_pattern(self) -> None:
        assert rules.failing_change_types([defect(change_type="ui")], {"ui": 1}, 2, 3) == []


class TestPatternsOfAPeriod:
    def test_defects_of_the_previous_period_count_only_as_before(self) -> None:
        old = [defect(root_cause="data", found_at=PERIOD.previous.start)] * 5
        facts = rules.PeriodFacts(PERIOD, tuple(old), {}, {}, {})
        assert rules.patterns(facts, rules.Thresholds()) == []

    def test_every_kind_can_come_out_of_one_period(self) -> None:
        found = tuple(
            defect(root_cause="configuration", escaped_layer="integration", change_type="config")
            for _ in range(3)
        )
        facts = rules.PeriodFacts(PERIOD, found, {SVC_A: 1}, {}, {"config": 1})
        kinds = {p.kind for p in rules.patterns(facts, rules.Thresholds())}
        assert kinds == set(PatternKind)


def items(found: list[rules.Pattern], defects: list[rules.DefectFacts]) -> list[Any]:
    return backlog.items("payments", PERIOD, found, {d.id: d for d in defects})


class TestJiraCsv:
    def make(self) -> tuple[str, list[Any]]:
        ds = [
            defect(root_cause="configuration", severity="high", title='Says "hi", then\nfails'),
            defect(root_cause="configuration", service_id=SVC_B, service_key="ledger"),
            defect(root_cause="configuration", title='=HYPERLINK("http://x")'),
        ]
        made = items(rules.recurring_root_causes(ds, 3), ds)
        return backlog.jira_csv(made), made

    def test_it_parses_with_the_csv_module_into_jiras_header_shape(self) -> None:
        text, made = self.make()
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header, (row,) = rows[0], rows[1:]
        assert header[:3] == ["Summary", "Issue Type", "Priority"]
        assert header[-1] == "Description"
        labels = [i for i, h in enumerate(header) if h == "Labels"]
        components = [i for i, h in enumerate(header) if h == "Component/s"]
        assert len(labels) == len(made[0].labels) and len(components) == 2
        assert len(row) == len(header)
        assert row[1] == "Task" and row[2] == "High"
        assert [row[i] for i in labels] == made[0].labels
        assert "technical-debt" in made[0].labels and all(" " not in x for x in made[0].labels)
        assert sorted(row[i] for i in components) == ["checkout", "ledger"]
        assert 'Says "hi", then\nfails' in row[-1]

    def test_it_is_rfc_4180_crlf_and_utf_8(self) -> None:
        text, _ = self.make()
        assert text.endswith("\r\n") and text.split("\r\n")[0].startswith("Summary,Issue Type")
        text.encode("utf-8")

    def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused(self) -> None:
        for formula in ("=1+1", "+1", "-1", "@SUM(A1)"):
            assert backlog._cell(formula) == "'" + formula
        assert backlog._cell("Recurring root cause") == "Recurring root cause"
        text, _ = self.make()
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert '- [medium] =HYPERLINK("http://x")' in rows[1][-1]  # inside a cell: inert

    def test_no_pattern_gives_just_the_header(self) -> None:
        rows = list(csv.reader(io.StringIO(backlog.jira_csv([]), newline="")))
        assert rows == [
            ["Summary", "Issue Type", "Priority", "Labels", "Component/s", "Description"]
        ]

    def test_the_json_form_carries_the_same_items(self) -> None:
        _, made = self.make()
        body = json.loads(json.dumps(backlog.as_json(made, PERIOD)))
        (item,) = body["items"]
        assert item["itemType"] == "technical_debt" and item["priority"] == "High"
        assert item["pattern"]["kind"] == "recurring_root_cause"
        assert len(item["defectIds"]) == 3


@pytest.mark.parametrize(
    ("severities", "priority"),
    [(["low"], "Low"), (["low", "critical"], "Highest"), (["medium", "high"], "High")],
)
def test_the_priority_is_that_of_the_worst_severity(severities: list[str], priority: str) -> None:
    ds = [defect(severity=s) for s in severities]
    p = rules.Pattern(
        PatternKind.RECURRING_ROOT_CAUSE,
        "code",
        "code",
        BacklogItemType.TECHNICAL_DEBT,
        tuple(d.id for d in ds),
    )
    assert items([p], ds)[0].priority == priority


CAUSES = st.sampled_from([c.value for c in RootCauseCategory])


class TestProperties:
    @given(causes=st.lists(CAUSES, max_size=30), extra=CAUSES, least=st.integers(1, 6))
    def test_another_defect_never_takes_a_recurrence_away(
        self, causes: list[str], extra: str, least: int
    ) -> None:
        found = [defect(root_cause=c) for c in causes]
        before = {p.subject for p in rules.recurring_root_causes(found, least)}
        after = {
            p.subject
            for p in rules.recurring_root_causes([*found, defect(root_cause=extra)], least)
        }
        assert before <= after

    @given(
        now=st.integers(0, 20),
        before=st.integers(0, 20),
        deployed=st.integers(1, 20),
        more=st.integers(0, 20),
        earlier=st.integers(0, 20),
    )
    def test_more_production_deployments_never_make_a_rate_rise(
        self, now: int, before: int, deployed: int, more: int, earlier: int
    ) -> None:
        current = [defect() for _ in range(now)]
        previous = [defect() for _ in range(before)]

        def rising(deployments: int) -> bool:
            return bool(
                rules.rising_escape_rates(
                    current, previous, {SVC_A: deployments}, {SVC_A: earlier}, 1
                )
            )

        assert rising(deployed + more) <= rising(deployed)
