"""The value stream over GraphQL (issue 18's done-when): a team's lead time broken into steps
where the approval wait dominates, and a redundant review named with its evidence; scoped to
the caller's BUs."""

from __future__ import annotations

from datetime import timedelta

from tests.api.conftest import Api
from tests.api.test_change_ledger_support import commit, iso, report_source
from tests.api.test_downtime_notice_escalation import clocked
from tests.api.test_value_stream_support import STREAM, H, shipped, summary_of

__all__ = ["clocked"]

DAYS_3 = timedelta(days=3)
DAYS_2 = timedelta(days=2)


def by_step(steps: list[dict[str, object]]) -> dict[object, dict[str, object]]:
    return {s["step"]: s for s in steps}


class TestATeamsLeadTimeBrokenIntoSteps:
    async def test_approval_wait_dominates_and_each_step_holds_its_work_and_wait(
        self, clocked: Api
    ) -> None:
        # Submitted at T; built and tested T+1h; staged T+2h; approved T+2h+3d (every hour of
        # which the release awaited approval, since T); deployed 30 min later.
        w = await shipped(clocked, DAYS_3)
        s = await summary_of(clocked, w["team"])
        assert s["changeCount"] == 1 and s["slowestSteps"][0] == "APPROVED"
        steps = by_step(s["steps"])
        assert steps["APPROVED"]["waitMedianSeconds"] == DAYS_3.total_seconds()
        assert steps["APPROVED"]["waitByKind"] == [
            {"kind": "APPROVAL", "seconds": DAYS_3.total_seconds()}
        ]
        assert steps["STAGED"]["workMedianSeconds"] == H.total_seconds()
        assert steps["DEPLOYED"]["workMedianSeconds"] == (H / 2).total_seconds()
        # No commit or merge record yet: those steps are no data, never guessed.
        assert (steps["MERGED"]["changes"], steps["MERGED"]["noData"]) == (0, 1)

        (change,) = s["changes"]["nodes"]
        data = await clocked.ok(STREAM, {"d": change["deploymentId"]}, as_user="rmo")
        stream = data["valueStream"]
        assert stream["serviceKey"] == w["serviceKey"]
        assert stream["releaseTitle"] == w["release"]["title"]
        assert stream["leadTimeSeconds"] is None and stream["measuredFrom"] == "TESTED"
        approved = by_step(stream["steps"])["APPROVED"]
        assert (approved["workSeconds"], approved["waitSeconds"]) == (0.0, DAYS_3.total_seconds())
        assert stream["waste"] == []


class TestCommitsReportedByCi:
    async def test_the_commit_and_merge_steps_and_the_lead_time_come_from_the_source_record(
        self, clocked: Api
    ) -> None:
        # The version's commits reported by CI before the change went on its way: first commit
        # 2 days before submission, its pull request merged 1 day before.
        start = clocked.runtime.clock.now()
        merged = start - timedelta(days=1)
        pr = {"ref": "PR-7", "openedAt": iso(start - DAYS_2), "mergedAt": iso(merged)}
        w = await shipped(
            clocked,
            DAYS_3,
            before=lambda w: report_source(
                clocked, w["service"], w["version"], commit("a" * 40, start - DAYS_2, pr)
            ),
        )
        s = await summary_of(clocked, w["team"])
        steps = by_step(s["steps"])
        assert (steps["MERGED"]["changes"], steps["MERGED"]["noData"]) == (1, 0)
        (change,) = s["changes"]["nodes"]
        data = await clocked.ok(STREAM, {"d": change["deploymentId"]}, as_user="rmo")
        stream = data["valueStream"]
        assert stream["measuredFrom"] == "MERGED"
        # Deployed 2.5 h plus the approval wait after the change set off; first commit 2 days
        # before that.
        assert stream["leadTimeSeconds"] == (DAYS_2 + DAYS_3 + 2.5 * H).total_seconds()


class TestARedundantReviewIsNamed:
    async def test_a_third_promotion_approval_where_two_were_required_is_named(
        self, clocked: Api
    ) -> None:
        w = await shipped(clocked, H, approvers=("eng-approver", "payments-admin", "rmo"))
        s = await summary_of(clocked, w["team"])
        assert s["wasteCounts"] == [{"kind": "REDUNDANT_REVIEW", "count": 1}]
        (change,) = s["changes"]["nodes"]
        (waste,) = change["waste"]
        # The release's two required sign-offs and the promotion's two required approvals.
        assert waste == {
            "kind": "REDUNDANT_REVIEW",
            "evidence": "5 approvals given where the rules required 4",
        }


class TestScope:
    async def test_a_change_outside_your_bus_reads_as_not_found(self, clocked: Api) -> None:
        w = await shipped(clocked, H)
        (change,) = (await summary_of(clocked, w["team"]))["changes"]["nodes"]
        body = await clocked.gql(STREAM, {"d": change["deploymentId"]}, as_user="retail-admin")
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        body = await clocked.gql(
            "query($t: ID) { valueStreamSummary(teamId: $t) { changeCount } }",
            {"t": w["team"]},
            as_user="retail-admin",
        )
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    async def test_name_a_team_or_a_bu_not_both(self, clocked: Api) -> None:
        body = await clocked.gql("{ valueStreamSummary { changeCount } }", {}, as_user="rmo")
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
