"""The pure rules of policy proposals: the lifecycle, segregation of duties, a target's shape,
the origin a change records, and the before/after windows and rates (answers worked out here)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.insights.policy_metrics_rules import Counts, figures, waits_in, windows
from domain.insights.policy_rules import (
    check_move,
    check_not_proposer,
    check_target,
    origin_record,
)
from domain.insights.policy_vocabulary import OriginKind, ProposalStatus, TargetKind, TargetScope
from domain.kernel.errors import DomainError

S = ProposalStatus
APPLIED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def code(call: object) -> str:
    with pytest.raises(DomainError) as refused:
        call()  # type: ignore[operator]
    return str(refused.value.code)


class TestTheLifecycle:
    @pytest.mark.parametrize(
        ("current", "to"),
        [
            (S.DRAFT, S.SUBMITTED),
            (S.SUBMITTED, S.APPROVED),
            (S.SUBMITTED, S.REJECTED),
            (S.APPROVED, S.APPLIED),
        ],
    )
    def test_each_state_moves_only_forward_from_the_one_before(
        self, current: ProposalStatus, to: ProposalStatus
    ) -> None:
        check_move(current, to)

    @pytest.mark.parametrize(
        ("current", "to", "expected"),
        [
            (S.SUBMITTED, S.SUBMITTED, "PROPOSAL_NOT_DRAFT"),
            (S.DRAFT, S.APPROVED, "PROPOSAL_NOT_SUBMITTED"),
            (S.APPLIED, S.REJECTED, "PROPOSAL_NOT_SUBMITTED"),
            (S.SUBMITTED, S.APPLIED, "PROPOSAL_NOT_APPROVED"),
            (S.REJECTED, S.APPLIED, "PROPOSAL_NOT_APPROVED"),
            (S.APPLIED, S.APPLIED, "PROPOSAL_NOT_APPROVED"),
        ],
    )
    def test_any_other_move_is_refused_naming_the_state_needed(
        self, current: ProposalStatus, to: ProposalStatus, expected: str
    ) -> None:
        assert code(lambda: check_move(current, to)) == expected


class TestSegregationOfDuties:
    def test_the_proposer_cannot_decide_and_anyone_else_may(self) -> None:
        me, other = uuid.uuid4(), uuid.uuid4()
        assert code(lambda: check_not_proposer(me, me)) == "SELF_APPROVAL"
        check_not_proposer(me, other)
        check_not_proposer(None, me)  # proposed by the system: anyone may decide


class TestATargetsShape:
    def test_a_guardrail_at_any_scope_and_a_profile_names_its_tier(self) -> None:
        t = check_target(
            TargetKind.GUARDRAIL, TargetScope.TIER, "critical", " max_bypass_hours ", 4
        )
        assert (t.tier, t.key, t.value) == ("critical", "max_bypass_hours", 4)
        assert (
            code(lambda: check_target(TargetKind.GUARDRAIL, TargetScope.TIER, None, "k", 1))
            == "UNKNOWN_TIER"
        )
        assert (
            code(lambda: check_target(TargetKind.GUARDRAIL, TargetScope.CORE, "critical", "k", 1))
            == "INVALID_SCOPE"
        )

    def test_a_risk_threshold_is_a_number_for_a_level_above_low_and_has_no_profile(self) -> None:
        t = check_target(TargetKind.RISK_THRESHOLD, TargetScope.BUSINESS_UNIT, None, "high", 12)
        assert (t.key, t.value) == ("high", 12.0)
        for key, value, expected in (
            ("low", 1, "UNKNOWN_RISK_LEVEL"),
            ("severe", 1, "UNKNOWN_RISK_LEVEL"),
            ("high", "12", "INVALID_PROPOSED_VALUE"),
            ("high", True, "INVALID_PROPOSED_VALUE"),
            ("high", float("nan"), "INVALID_PROPOSED_VALUE"),
        ):
            assert (
                code(
                    lambda k=key, v=value: check_target(
                        TargetKind.RISK_THRESHOLD, TargetScope.CORE, None, k, v
                    )
                )
                == expected
            )
        assert (
            code(
                lambda: check_target(
                    TargetKind.RISK_THRESHOLD, TargetScope.TIER, "critical", "high", 1
                )
            )
            == "INVALID_SCOPE"
        )

    def test_the_origin_a_change_records_names_the_proposal_and_where_it_came_from(self) -> None:
        p, o = uuid.uuid4(), uuid.uuid4()
        assert origin_record(p, OriginKind.POST_MORTEM, o) == {
            "kind": "policy_proposal",
            "proposal_id": str(p),
            "origin_kind": "post_mortem",
            "origin_id": str(o),
        }


class TestBeforeAndAfter:
    def test_the_windows_are_the_same_length_each_side_and_the_running_one_ends_now(self) -> None:
        now = APPLIED_AT + timedelta(days=3)
        before, after = windows(APPLIED_AT, 7, now)
        assert (before.start, before.end, before.complete) == (
            APPLIED_AT - timedelta(days=7),
            APPLIED_AT,
            True,
        )
        assert (after.start, after.end, after.complete) == (APPLIED_AT, now, False)
        _, done = windows(APPLIED_AT, 7, APPLIED_AT + timedelta(days=30))
        assert (done.end, done.complete) == (APPLIED_AT + timedelta(days=7), True)

    def test_a_window_is_one_day_to_a_year(self) -> None:
        for days in (0, 366):
            assert code(lambda d=days: windows(APPLIED_AT, d, APPLIED_AT)) == "INVALID_WINDOW"

    def test_rates_are_per_deployment_and_none_without_deployments(self) -> None:
        before, after = windows(APPLIED_AT, 28, APPLIED_AT + timedelta(days=28))
        # 40 deployments, 6 bypasses, 2 rolled back, 3 incidents before; 50, 1, 0, 1 after.
        was = figures(before, Counts(deployments=40, rolled_back=2, incidents=3, bypasses=6))
        now = figures(after, Counts(deployments=50, rolled_back=0, incidents=1, bypasses=1))
        assert (was.bypass_rate, was.rollback_rate, was.incidents_per_deployment) == (
            0.15,
            0.05,
            0.075,
        )
        assert (now.bypass_rate, now.rollback_rate, now.incidents_per_deployment) == (
            0.02,
            0.0,
            0.02,
        )
        empty = figures(before, Counts(incidents=2))
        assert (empty.bypass_rate, empty.incidents_per_deployment) == (None, None)

    def test_the_approval_wait_is_the_median_of_the_decisions_made_in_the_window(self) -> None:
        before, after = windows(APPLIED_AT, 7, APPLIED_AT + timedelta(days=7))
        h = timedelta(hours=1)
        decided = [
            (APPLIED_AT - 50 * h, APPLIED_AT - 2 * h),  # 48 h, before
            (APPLIED_AT - 30 * h, APPLIED_AT - 6 * h),  # 24 h, before
            (APPLIED_AT - 20 * h, APPLIED_AT - 8 * h),  # 12 h, before
            (APPLIED_AT - 3 * h, APPLIED_AT + 1 * h),  # 4 h, decided after
            (APPLIED_AT + 1 * h, APPLIED_AT + 3 * h),  # 2 h, after
            (APPLIED_AT - 9 * 24 * h, APPLIED_AT - 8 * 24 * h),  # outside both
        ]
        was = figures(before, Counts(approval_waits=waits_in(before, decided)))
        now = figures(after, Counts(approval_waits=waits_in(after, decided)))
        assert (len(was.counts.approval_waits), was.approval_wait_hours) == (3, 24.0)
        assert (len(now.counts.approval_waits), now.approval_wait_hours) == (2, 3.0)
        assert figures(before, Counts()).approval_wait_hours is None
