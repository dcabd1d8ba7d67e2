"""The pure rules of blameless post-mortems: which incidents open one and when it is due, texts
naming a person, the timeline's order, and whether an action item's change exists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.guardrails.lattice import Strictness
from domain.postrelease.postmortem_rules import (
    Named,
    Target,
    TimelineEntry,
    Version,
    due_at,
    is_overdue,
    needs_post_mortem,
    person_named,
    timeline,
    verifying,
)
from domain.postrelease.postmortem_vocabulary import ActionTargetKind as K

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ADA = Named("aquill", "Ada Quill", "ada.quill@example.com")


class TestWhichIncidentsOpenAPostMortem:
    @pytest.mark.parametrize(
        ("severity", "attributed", "threshold", "opens"),
        [
            ("SEV1", True, 2, True),
            ("SEV2", True, 2, True),
            ("SEV3", True, 2, False),
            ("SEV3", True, 3, True),
            ("SEV1", False, 4, False),
            (None, True, 4, False),
        ],
    )
    def test_attributed_and_severe_enough(
        self, severity: str | None, attributed: bool, threshold: int, opens: bool
    ) -> None:
        assert needs_post_mortem(severity, attributed, threshold) is opens

    def test_due_days_decide_when_it_is_overdue(self) -> None:
        now = T0 + timedelta(days=3)
        assert not is_overdue("open", due_at(T0, 10), now)
        assert is_overdue("open", due_at(T0, 1), now)
        assert not is_overdue("completed", due_at(T0, 1), now)


class TestATextNamingAPerson:
    @pytest.mark.parametrize(
        "text",
        [
            "aquill skipped the canary",
            "Ada Quill pushed it",
            "ask ADA.QUILL@example.com",
            "ada   quill",
        ],
    )
    def test_names_by_username_email_or_full_name(self, text: str) -> None:
        assert person_named(text, [ADA]) == ADA

    @pytest.mark.parametrize(
        "text", ["The canary ran at 1%", "quilling the pool", "Ada's team lacked a load test"]
    )
    def test_a_system_or_process_text_names_nobody(self, text: str) -> None:
        assert person_named(text, [ADA]) is None


class TestTheTimeline:
    def test_sorted_by_time_then_kind(self) -> None:
        a = TimelineEntry(T0, "incident", "Detected", "1")
        b = TimelineEntry(T0 - timedelta(minutes=20), "change", "deployment", "2")
        c = TimelineEntry(T0, "audit", "incident_report.open", "3")
        assert timeline([a, b, c]) == [b, c, a]


def version(key: str, minutes: int, holds: set[str] = frozenset(), **kw: object) -> Version:  # type: ignore[assignment]
    return Version(uuid.uuid4(), key, T0 + timedelta(minutes=minutes), frozenset(holds), **kw)  # type: ignore[arg-type]


class TestVerification:
    def test_a_template_item_needs_a_version_made_after_the_item_holding_it(self) -> None:
        target = Target(
            K.DOCUMENTATION_TEMPLATE, {"template_key": "runbook", "item_key": "rollback"}
        )
        old = version("runbook", -5, {"rollback"})
        without = version("runbook", 5, {"deploy"})
        other = version("other", 6, {"rollback"})
        assert verifying(target, T0, [old, without, other]) is None
        new = version("runbook", 10, {"deploy", "rollback"})
        assert verifying(target, T0, [old, without, other, new]) == new

    def test_a_pipeline_gate_needs_a_definition_listing_it(self) -> None:
        target = Target(K.PIPELINE_GATE, {"pipeline_key": "web", "gate": "readiness_review"})
        assert verifying(target, T0, [version("web", 1, {"evidence"})]) is None
        listed = version("web", 2, {"evidence", "readiness_review"})
        assert verifying(target, T0, [listed]) == listed

    def test_a_test_case_needs_passing_evidence_of_the_service(self) -> None:
        service = uuid.uuid4()
        target = Target(K.TEST_CASE, {"test_name": "checkout rollback"}, service)
        elsewhere = version("checkout rollback", 1, service_id=uuid.uuid4())
        assert verifying(target, T0, [elsewhere]) is None
        ours = version("checkout rollback", 2, service_id=service)
        assert verifying(target, T0, [elsewhere, ours]) == ours

    def test_a_guardrail_value_needs_a_save_at_least_as_strict(self) -> None:
        target = Target(K.GUARDRAIL_VALUE, {"key": "min_approvers.production", "value": 3})
        looser = version("business_unit", 1, values={"min_approvers.production": 2})
        assert verifying(target, T0, [looser], Strictness.AT_LEAST) is None
        stricter = version("core", 2, values={"min_approvers.production": 4})
        assert verifying(target, T0, [looser, stricter], Strictness.AT_LEAST) == stricter
