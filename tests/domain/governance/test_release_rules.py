"""The release lifecycle table and the shape of a release, without a database."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from domain.governance import release_rules as rules
from domain.governance.vocabulary import ReleaseStatus as S
from domain.kernel.access import Action
from domain.kernel.errors import DomainError

PAIRS = [(a, b) for a in S for b in S]
LEGAL = {(a, b) for a, moves in rules.TRANSITIONS.items() for b in moves}
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)


class TestTheLifecycleTable:
    @pytest.mark.parametrize(("current", "target"), sorted(set(PAIRS) - LEGAL))
    def test_every_move_outside_the_table_is_refused_naming_both_states(
        self, current: S, target: S
    ) -> None:
        with pytest.raises(DomainError) as refused:
            rules.transition(current, target)
        assert refused.value.code == "ILLEGAL_TRANSITION"
        assert f"from {current} to {target}" in refused.value.message

    @pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
    def test_every_move_in_the_table_names_its_permission(self, current: S, target: S) -> None:
        assert rules.transition(current, target) is rules.permission_for(target)

    def test_the_happy_path_runs_from_draft_to_deployed(self) -> None:
        path = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.SCHEDULED, S.DEPLOYING, S.DEPLOYED]
        for a, b in itertools.pairwise(path):
            rules.transition(a, b)

    def test_every_non_final_state_may_be_cancelled_and_final_states_go_nowhere(self) -> None:
        assert {S.REJECTED, S.DEPLOYED, S.ROLLED_BACK, S.CANCELLED} == rules.FINAL
        for state in set(S) - rules.FINAL:
            assert rules.transition(state, S.CANCELLED) is Action.APPROVE

    def test_each_target_takes_one_permission_wherever_the_move_starts(self) -> None:
        for moves in rules.TRANSITIONS.values():
            for target, action in moves.items():
                assert rules.PERMISSION[target] is action

    def test_deployment_progress_is_a_deploy_and_decisions_an_approval(self) -> None:
        # Changed on purpose (issue 14): progress was `release/update`, the permission that
        # also edits drafts; SREs and CI report progress but may not edit releases.
        assert rules.permission_for(S.SUBMITTED) is Action.SUBMIT
        assert {rules.permission_for(s) for s in (S.DEPLOYING, S.DEPLOYED, S.ROLLED_BACK)} == {
            Action.DEPLOY
        }
        assert {
            rules.permission_for(s) for s in (S.APPROVED, S.REJECTED, S.SCHEDULED, S.CANCELLED)
        } == {Action.APPROVE}


class TestWhatAReleaseNames:
    def test_a_window_has_both_ends_in_order(self) -> None:
        rules.check_window(None, None)
        rules.check_window(NOW, NOW + timedelta(hours=1))
        for start, end in ((NOW, None), (None, NOW), (NOW, NOW), (NOW, NOW - timedelta(1))):
            with pytest.raises(DomainError) as refused:
                rules.check_window(start, end)
            assert refused.value.code == "INVALID_WINDOW"

    def test_scheduling_needs_a_window(self) -> None:
        with pytest.raises(DomainError) as refused:
            rules.require_window(None, None)
        assert refused.value.code == "WINDOW_REQUIRED"

    def test_change_types_environments_and_regions_are_checked_and_sorted(self) -> None:
        assert rules.check_change_types(["ui", "config", "ui"]) == ["config", "ui"]
        assert rules.check_environments(["Production", "staging"]) == ["production", "staging"]
        assert rules.check_regions(["eu-west-1"]) == ["eu-west-1"]
        for call, code in (
            (lambda: rules.check_change_types(["rewrite"]), "INVALID_CHANGE_TYPE"),
            (lambda: rules.check_environments(["prod env"]), "INVALID_ENVIRONMENT"),
            (lambda: rules.check_regions(["Mars"]), "INVALID_REGION"),
            (lambda: rules.check_release_type("yolo"), "INVALID_RELEASE_TYPE"),
            (lambda: rules.check_title("  "), "INVALID_TITLE"),
            (lambda: rules.check_artifact_version("1 0"), "INVALID_ARTIFACT_VERSION"),
        ):
            with pytest.raises(DomainError) as refused:
                call()
            assert refused.value.code == code
