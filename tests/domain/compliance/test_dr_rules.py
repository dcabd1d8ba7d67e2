"""The pure rules of disaster recovery: which procedures a service needs and how fresh."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.compliance import dr_rules as rules
from domain.compliance.dr_rules import ProcedureFacts
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def proc(
    kind: str = "service_reversion", passed_days_ago: int | None = 10, title: str = "Roll back"
) -> ProcedureFacts:
    last = None if passed_days_ago is None else NOW - DAY * passed_days_ago
    return ProcedureFacts(id=uuid.uuid4(), kind=kind, title=title, last_passed_at=last)


class TestRequiredProcedures:
    def test_every_service_needs_a_service_reversion(self) -> None:
        assert [k.value for k in rules.required_kinds("public")] == ["service_reversion"]

    def test_non_public_data_also_needs_data_restoration(self) -> None:
        for data in ("internal", "confidential", "personal", "restricted"):
            assert [k.value for k in rules.required_kinds(data)] == [
                "service_reversion",
                "data_restoration",
            ]


class TestTheGate:
    def test_fresh_procedures_of_every_required_kind_pass(self) -> None:
        outcome = rules.evaluate(
            "ledger",
            "confidential",
            [proc(), proc("data_restoration", 30, "Restore")],
            180,
            NOW,
        )
        assert (outcome.gate, outcome.status) == ("dr_test", GateStatus.PASSED)
        assert "oldest 30 days ago" in outcome.reason
        assert outcome.evidence["maxTestAgeDays"] == 180

    def test_a_missing_kind_fails_and_says_why(self) -> None:
        outcome = rules.evaluate("ledger", "restricted", [proc()], 180, NOW)
        assert outcome.status == GateStatus.FAILED
        assert "no active data restoration procedure (its data is restricted)" in outcome.reason

    def test_a_stale_test_fails_naming_its_age_and_the_bound(self) -> None:
        outcome = rules.evaluate("site", "public", [proc(passed_days_ago=200)], 180, NOW)
        assert outcome.status == GateStatus.FAILED
        assert "200 days ago" in outcome.reason and "at most 180 days" in outcome.reason

    def test_a_procedure_never_tested_fails(self) -> None:
        outcome = rules.evaluate("site", "public", [proc(passed_days_ago=None)], 180, NOW)
        assert (outcome.status, "never passed" in outcome.reason) == (GateStatus.FAILED, True)

    def test_a_public_service_ignores_data_restoration(self) -> None:
        outcome = rules.evaluate(
            "site", "public", [proc(), proc("data_restoration", None, "Restore")], 180, NOW
        )
        assert outcome.status == GateStatus.PASSED

    @given(st.integers(0, 2000), st.integers(1, 1095))
    def test_a_test_passes_exactly_while_within_the_bound(self, age: int, bound: int) -> None:
        outcome = rules.evaluate("site", "public", [proc(passed_days_ago=age)], bound, NOW)
        assert (outcome.status == GateStatus.PASSED) == (age <= bound)


class TestFacts:
    def test_runbooks_are_http_urls(self) -> None:
        assert rules.check_runbook_url(" https://wiki/x ") == "https://wiki/x"
        for bad in ("ftp://x/y", "wiki/x", "https://"):
            with pytest.raises(DomainError) as e:
                rules.check_runbook_url(bad)
            assert e.value.code == "INVALID_RUNBOOK_URL"

    def test_a_test_is_recorded_after_it_was_performed(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_performed_at(NOW + timedelta(seconds=1), NOW)
        assert (e.value.code, e.value.field) == ("TEST_IN_FUTURE", "performedAt")

    def test_a_procedure_has_an_owner(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_owner(None, None)
        assert e.value.code == "OWNER_REQUIRED"

    def test_objectives_and_durations_are_bounded(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_objective(-1, "rtoMinutes")
        assert (e.value.code, e.value.field) == ("INVALID_OBJECTIVE", "rtoMinutes")
        with pytest.raises(DomainError) as e:
            rules.check_test_duration(rules.MAX_TEST_MINUTES + 1)
        assert e.value.code == "INVALID_TEST_DURATION"
