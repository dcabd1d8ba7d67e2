"""The rules a reported commit meets before it is kept (pure, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.insights import source_rules as rules
from domain.insights.source_commands import Commit, PullRequestTimes
from domain.insights.source_errors import SourceChangeErrorCode as Code
from domain.kernel.errors import DomainError

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
T = NOW - timedelta(days=2)


def _code(call: object) -> str:
    with pytest.raises(DomainError) as refused:
        call()  # type: ignore[operator]
    return refused.value.code


class TestACommitIsChecked:
    def test_a_sha_is_kept_in_lower_case(self) -> None:
        [c] = rules.commits([Commit("ABCDEF1", T, T)], NOW)
        assert c.sha == "abcdef1"

    def test_a_sha_that_is_not_hexadecimal_is_refused(self) -> None:
        assert _code(lambda: rules.commits([Commit("xyz1234", T, T)], NOW)) == Code.INVALID_SHA

    def test_the_same_commit_twice_in_one_report_is_refused(self) -> None:
        twice = [Commit("abcdef1", T, T), Commit("ABCDEF1", T, T)]
        assert _code(lambda: rules.commits(twice, NOW)) == Code.DUPLICATE_SHA

    def test_a_report_without_commits_is_refused(self) -> None:
        assert _code(lambda: rules.commits([], NOW)) == Code.NO_COMMITS

    def test_more_than_the_most_commits_is_refused(self) -> None:
        many = [Commit(f"{i:07x}", T, T) for i in range(rules.MAX_COMMITS + 1)]
        assert _code(lambda: rules.commits(many, NOW)) == Code.TOO_MANY_COMMITS

    def test_a_commit_from_the_future_is_refused(self) -> None:
        later = NOW + timedelta(minutes=1)
        assert _code(lambda: rules.commits([Commit("abcdef1", T, later)], NOW)) == (
            Code.TIME_IN_FUTURE
        )

    def test_a_time_without_its_offset_is_refused(self) -> None:
        naive = datetime(2026, 5, 1, 12)
        assert _code(lambda: rules.commits([Commit("abcdef1", naive, T)], NOW)) == (
            Code.TIME_WITHOUT_OFFSET
        )


class TestAPullRequestRunsInOrder:
    def test_opened_reviewed_approved_merged_is_kept(self) -> None:
        h = timedelta(hours=1)
        pr = PullRequestTimes("o/r#1", T, T + h, T + 2 * h, T + 3 * h)
        [c] = rules.commits([Commit("abcdef1", T, T, pr)], NOW)
        assert c.pull_request == pr

    def test_an_approval_before_the_first_review_comment_is_kept(self) -> None:
        pr = PullRequestTimes("o/r#1", T, T + timedelta(hours=2), T + timedelta(hours=1), None)
        assert rules.commits([Commit("abcdef1", T, T, pr)], NOW)

    @pytest.mark.parametrize(
        ("review", "approved", "merged"),
        [
            (-1, None, None),  # reviewed before it was opened
            (None, None, -1),  # merged before it was opened
            (None, 3, 2),  # approved after it was merged
            (3, None, 2),  # first reviewed after it was merged
        ],
    )
    def test_times_out_of_order_are_refused(
        self, review: int | None, approved: int | None, merged: int | None
    ) -> None:
        def at(hours: int | None) -> datetime | None:
            return None if hours is None else T + timedelta(hours=hours)

        pr = PullRequestTimes("o/r#1", T, at(review), at(approved), at(merged))
        assert _code(lambda: rules.commits([Commit("abcdef1", T, T, pr)], NOW)) == (
            Code.PULL_REQUEST_TIMES_OUT_OF_ORDER
        )
