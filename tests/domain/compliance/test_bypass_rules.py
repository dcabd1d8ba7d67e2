"""The pure rules of emergency bypasses: gates, bounds, derived state, waivers and reviews."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.compliance import bypass_rules as rules
from domain.compliance.bypass_rules import Bound, BypassFacts, BypassState
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateKey, GateStatus, failed, passed

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
RELEASE, TARGET, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def facts(
    *,
    status: str = "approved",
    gates: tuple[str, ...] = ("freeze",),
    approved: datetime | None = NOW - HOUR,
    expires: datetime | None = NOW + HOUR,
    release: uuid.UUID = RELEASE,
    target: uuid.UUID = TARGET,
) -> BypassFacts:
    return BypassFacts(
        id=uuid.uuid4(),
        release_id=release,
        environment_id=target,
        gates=frozenset(gates),
        status=status,
        requested_by_id=uuid.uuid4(),
        approved_at=approved if status != "pending" else None,
        expires_at=expires if status != "pending" else None,
    )


def code_of(fn: object, *args: object) -> str:
    with pytest.raises(DomainError) as e:
        fn(*args)  # type: ignore[operator]
    return str(e.value.code)


class TestNamingGates:
    def test_gates_are_kept_once_each_in_vocabulary_order(self) -> None:
        assert rules.check_gates(["test_coverage", "freeze", "freeze"]) == [
            "freeze",
            "test_coverage",
        ]

    def test_an_unknown_gate_is_refused(self) -> None:
        assert code_of(rules.check_gates, ["vibes"]) == "UNKNOWN_GATE"

    def test_segregation_of_duties_is_never_waivable(self) -> None:
        assert (
            code_of(rules.check_gates, ["freeze", "segregation_of_duties"]) == "GATE_NOT_WAIVABLE"
        )

    def test_at_least_one_gate_is_named(self) -> None:
        assert code_of(rules.check_gates, []) == "GATES_REQUIRED"

    def test_the_vocabulary_holds_every_gate_the_decision_composes(self) -> None:
        assert {
            "dr_test",
            "peer_review",
            "vendor_attestations",
            "onboarding",
            "migration_dry_run",
            "release_status",
            "readiness_review",
        } <= {g.value for g in GateKey}
        assert (
            len(GateKey) == 25
        )  # nfrs, data_migrations, readiness_review, downtime_notices (issue 16)


class TestJustifyingAndBounding:
    def test_a_short_justification_is_refused(self) -> None:
        assert code_of(rules.check_justification, "urgent") == "JUSTIFICATION_TOO_SHORT"

    def test_an_incident_reference_is_required(self) -> None:
        assert code_of(rules.check_incident_reference, "  ") == "INCIDENT_REFERENCE_REQUIRED"

    def test_the_tightest_service_bounds_the_duration(self) -> None:
        a, b = uuid.uuid4(), uuid.uuid4()
        assert rules.tightest({a: 24, b: 8}) == Bound(8, b)

    def test_a_duration_over_the_bound_names_the_bound(self) -> None:
        with pytest.raises(DomainError) as e:
            rules.check_duration(9, Bound(8, uuid.uuid4()))
        assert (e.value.code, e.value.field) == ("BYPASS_TOO_LONG", "durationHours")
        assert "8 hours" in e.value.message

    def test_a_duration_under_an_hour_is_refused(self) -> None:
        assert code_of(rules.check_duration, 0, Bound(8, None)) == "INVALID_DURATION"

    @given(st.integers(1, 168), st.integers(1, 168))
    def test_an_approval_never_lasts_longer_than_the_guardrail(
        self, hours: int, bound: int
    ) -> None:
        ends = rules.expiry(NOW, hours, Bound(bound, None))
        assert ends - NOW == HOUR * min(hours, bound)


class TestDerivedState:
    def test_pending_rejected_and_revoked_are_what_was_decided(self) -> None:
        for status in ("pending", "rejected", "revoked"):
            assert rules.state(facts(status=status), NOW) == BypassState(status)

    def test_an_approved_bypass_expires_at_the_instant_its_window_ends(self) -> None:
        f = facts(expires=NOW + HOUR)
        assert rules.state(f, NOW + HOUR - timedelta(microseconds=1)) == BypassState.ACTIVE
        assert rules.state(f, NOW + HOUR) == BypassState.EXPIRED

    @given(st.integers(-1000, 1000))
    def test_active_exactly_before_expiry(self, minutes: int) -> None:
        at = NOW + timedelta(minutes=minutes)
        expected = BypassState.ACTIVE if at < NOW + HOUR else BypassState.EXPIRED
        assert rules.state(facts(expires=NOW + HOUR), at) == expected


class TestWaivers:
    def test_an_active_bypass_naming_the_gate_waives_it(self) -> None:
        f = facts(gates=("freeze",))
        assert rules.waiver_for([f], "freeze", RELEASE, TARGET, NOW) == f

    def test_other_gates_targets_releases_and_expired_ones_do_not(self) -> None:
        candidates = [
            facts(gates=("documentation",)),
            facts(target=OTHER),
            facts(release=OTHER),
            facts(expires=NOW),
            facts(status="revoked"),
            facts(status="pending"),
        ]
        assert rules.waiver_for(candidates, "freeze", RELEASE, TARGET, NOW) is None

    def test_segregation_of_duties_is_never_waived_whatever_a_row_says(self) -> None:
        f = facts(gates=("segregation_of_duties",))
        assert rules.waiver_for([f], "segregation_of_duties", RELEASE, TARGET, NOW) is None

    def test_the_longest_lasting_bypass_answers(self) -> None:
        short, long = facts(expires=NOW + HOUR), facts(expires=NOW + 3 * HOUR)
        assert rules.waiver_for([short, long], "freeze", RELEASE, TARGET, NOW) == long

    def test_a_blocking_outcome_is_waived_and_keeps_its_verdict(self) -> None:
        f = facts()
        outcome, used = rules.apply_waiver(failed("freeze", "Frozen."), [f], RELEASE, TARGET, NOW)
        assert (outcome.status, outcome.waived_by, used) == (GateStatus.WAIVED, f.id, f)
        assert outcome.evidence["waivedStatus"] == "failed"

    def test_a_passing_outcome_is_left_alone(self) -> None:
        outcome, used = rules.apply_waiver(
            passed("freeze", "Open."), [facts()], RELEASE, TARGET, NOW
        )
        assert (outcome.status, used) == (GateStatus.PASSED, None)

    @given(st.lists(st.tuples(st.sampled_from(list(GateKey)), st.integers(-5, 5)), max_size=6))
    def test_a_waiver_found_is_always_active_and_names_the_gate(
        self, rows: list[tuple[GateKey, int]]
    ) -> None:
        candidates = [facts(gates=(g.value,), expires=NOW + HOUR * h) for g, h in rows]
        for gate in GateKey:
            found = rules.waiver_for(candidates, gate.value, RELEASE, TARGET, NOW)
            if found is not None:
                assert gate.value in found.gates
                assert rules.state(found, NOW) == BypassState.ACTIVE
                assert gate not in rules.NON_WAIVABLE


class TestUsing:
    def test_an_expired_bypass_is_not_used(self) -> None:
        assert (
            code_of(rules.check_use, facts(expires=NOW), "freeze", TARGET, NOW) == "BYPASS_EXPIRED"
        )

    def test_a_pending_bypass_is_not_used(self) -> None:
        assert code_of(rules.check_use, facts(status="pending"), "freeze", TARGET, NOW) == (
            "BYPASS_NOT_ACTIVE"
        )

    def test_a_gate_it_does_not_name_is_not_waived(self) -> None:
        assert code_of(rules.check_use, facts(), "licences", TARGET, NOW) == "GATE_NOT_WAIVED"

    def test_another_target_is_refused(self) -> None:
        assert code_of(rules.check_use, facts(), "freeze", OTHER, NOW) == "BYPASS_OTHER_TARGET"


class TestSegregationOfDuties:
    def test_nobody_approves_their_own_bypass(self) -> None:
        me = uuid.uuid4()
        assert code_of(rules.check_approver, me, me, uuid.uuid4(), []) == "BYPASS_SELF_APPROVAL"

    def test_the_release_owner_and_authors_do_not_approve(self) -> None:
        owner, author = uuid.uuid4(), uuid.uuid4()
        for who in (owner, author):
            assert code_of(rules.check_approver, who, uuid.uuid4(), owner, [author]) == (
                "BYPASS_APPROVER_IS_AUTHOR"
            )

    def test_the_requester_and_the_approver_do_not_review(self) -> None:
        requester, approver = uuid.uuid4(), uuid.uuid4()
        assert (
            code_of(rules.check_reviewer, requester, requester, approver) == "REVIEW_BY_REQUESTER"
        )
        assert code_of(rules.check_reviewer, approver, requester, approver) == "REVIEW_BY_APPROVER"


class TestReviewsAndStatistics:
    def test_a_review_is_overdue_only_when_open_and_past_due(self) -> None:
        assert rules.overdue(None, NOW, NOW + HOUR)
        assert not rules.overdue(None, NOW, NOW)
        assert not rules.overdue(NOW, NOW - HOUR, NOW + HOUR)

    def test_statistics_compose_counts_rates_and_review_times(self) -> None:
        a, b = uuid.uuid4(), uuid.uuid4()
        reviews = [
            rules.ReviewFacts(a, NOW - 10 * HOUR, NOW - HOUR, None),
            rules.ReviewFacts(a, NOW - 10 * HOUR, NOW + HOUR, NOW - 6 * HOUR),
            rules.ReviewFacts(a, NOW - 10 * HOUR, NOW + HOUR, NOW - 8 * HOUR),
        ]
        lines = {s.bu_id: s for s in rules.statistics({a: 4}, {a: 3}, {a: 6, b: 2}, reviews, NOW)}
        assert (lines[a].requested, lines[a].approved, lines[a].releases) == (4, 3, 6)
        assert lines[a].rate == 0.5
        assert (lines[a].overdue_reviews, lines[a].completed_reviews) == (1, 2)
        assert lines[a].mean_hours_to_review == 3.0
        assert (lines[b].rate, lines[b].mean_hours_to_review) == (0.0, None)

    def test_a_period_ends_after_it_starts(self) -> None:
        assert code_of(rules.check_period, NOW, NOW) == "INVALID_PERIOD"
