"""The value stream's rules on hand-built timelines, each answer worked out in the test."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.insights import stream_rules as r
from domain.insights.stream_queries import period_of
from domain.insights.stream_rules import Step, WaitKind, WasteKind
from domain.kernel.errors import DomainError

H = timedelta(hours=1)
ALICE = uuid.UUID(int=1)
BOB = uuid.UUID(int=2)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 2 + day, hour, minute, tzinfo=UTC)


def step(stream: r.ChangeStream, name: Step) -> r.StepTime:
    return next(s for s in stream.steps if s.step is name)


def full(**changes: object) -> r.Timeline:
    """Committed Monday 09:00, merged 13:00, built 13:30, tested 14:30, staged 16:30, approved
    Tuesday 16:30 (after waiting for approval since staging), deployed Tuesday 17:00."""
    base: dict[str, object] = {
        "committed_at": at(0, 9),
        "merged_at": at(0, 13),
        "built_at": at(0, 13, 30),
        "tested_at": at(0, 14, 30),
        "staged_at": at(0, 16, 30),
        "approved_at": at(1, 16, 30),
        "deployed_at": at(1, 17),
        "waits": (r.Wait(WaitKind.APPROVAL, at(0, 16, 30), at(1, 16, 30), "release submitted"),),
    }
    base.update(changes)
    return r.Timeline(**base)  # type: ignore[arg-type]


class TestSteps:
    def test_each_step_runs_from_the_milestone_before_and_approval_wait_dominates(self) -> None:
        s = r.change_stream(full())
        assert [(x.step, x.work, x.wait) for x in s.steps] == [
            (Step.MERGED, 4 * H, 0 * H),
            (Step.BUILT, H / 2, 0 * H),
            (Step.TESTED, H, 0 * H),
            (Step.STAGED, 2 * H, 0 * H),
            (Step.APPROVED, 0 * H, 24 * H),
            (Step.DEPLOYED, H / 2, 0 * H),
        ]
        assert s.lead_time == 32 * H
        assert s.measured_from is Step.MERGED
        assert step(s, Step.APPROVED).waits == ((WaitKind.APPROVAL, 24 * H),)

    def test_overlapping_waits_are_counted_once_and_given_to_the_stronger_reason(self) -> None:
        # The approved step runs Monday 16:30 → Tuesday 16:30 (24 h). The staging queue
        # 17:30-20:30 and the approval wait from 18:30 overlap: 23 h of wait in all (17:30 →
        # Tuesday 16:30), the queue's 3 h first, then the 20 h of approval after the queue
        # ended; the hour before the queue is work.
        t = full(
            waits=(
                r.Wait(WaitKind.ENVIRONMENT_QUEUE, at(0, 17, 30), at(0, 20, 30), "staging-1"),
                r.Wait(WaitKind.APPROVAL, at(0, 18, 30), at(1, 16, 30), "release submitted"),
            ),
        )
        approved = step(r.change_stream(t), Step.APPROVED)
        assert (approved.work, approved.wait) == (H, 23 * H)
        assert approved.waits == ((WaitKind.ENVIRONMENT_QUEUE, 3 * H), (WaitKind.APPROVAL, 20 * H))

    def test_awaiting_approval_while_building_and_staging_is_not_a_wait_of_those_steps(
        self,
    ) -> None:
        # Submitted at the first commit: the approval ran alongside; only once staged did the
        # change wait for it.
        t = full(waits=(r.Wait(WaitKind.APPROVAL, at(0, 9), at(1, 16, 30), "release"),))
        s = r.change_stream(t)
        assert [x.wait for x in s.steps] == [0 * H, 0 * H, 0 * H, 0 * H, 24 * H, 0 * H]

    def test_a_freeze_inside_an_approval_wait_takes_its_own_hours(self) -> None:
        # Approval awaited 16:30 Monday → 16:30 Tuesday (24 h); a freeze 02:00-06:00 Tuesday
        # lies inside it: 4 h are the freeze's, 20 h approval's, no work.
        t = full(
            waits=(
                r.Wait(WaitKind.APPROVAL, at(0, 16, 30), at(1, 16, 30), "release submitted"),
                r.Wait(WaitKind.FREEZE, at(1, 2), at(1, 6), "quarter close"),
            )
        )
        approved = step(r.change_stream(t), Step.APPROVED)
        assert (approved.work, approved.wait) == (0 * H, 24 * H)
        assert approved.waits == ((WaitKind.FREEZE, 4 * H), (WaitKind.APPROVAL, 20 * H))

    def test_a_change_with_no_staging_step_reports_no_data_and_approval_runs_from_testing(
        self,
    ) -> None:
        s = r.change_stream(full(staged_at=None))
        staged, approved = step(s, Step.STAGED), step(s, Step.APPROVED)
        assert not staged.measured and staged.work is None and staged.wait is None
        # tested Monday 14:30 → approved Tuesday 16:30: 26 h, of which 24 h awaited approval.
        assert (approved.start, approved.end) == (at(0, 14, 30), at(1, 16, 30))
        assert (approved.work, approved.wait) == (2 * H, 24 * H)
        assert s.lead_time == 32 * H

    def test_without_commit_times_the_first_steps_are_no_data_and_no_lead_time(self) -> None:
        s = r.change_stream(full(committed_at=None, merged_at=None))
        assert [x.step for x in s.steps if not x.measured] == [Step.MERGED, Step.BUILT]
        assert s.lead_time is None
        assert s.measured_from is Step.TESTED

    def test_a_milestone_reached_before_the_one_before_it_takes_no_time(self) -> None:
        # Approved at 15:00, before staging finished at 16:30: not on the path.
        s = r.change_stream(full(approved_at=at(0, 15), waits=()))
        approved = step(s, Step.APPROVED)
        assert (approved.work, approved.wait) == (0 * H, 0 * H)
        assert step(s, Step.DEPLOYED).total == at(1, 17) - at(0, 16, 30)


class TestWaste:
    def test_a_rejected_then_resubmitted_release_is_a_rework_loop(self) -> None:
        # Rejected Monday 15:00 (while testing went on), resubmitted Tuesday 10:00: 19 h lost.
        t = full(rework=(r.Rework("release “v1” rejected", at(0, 15), at(1, 10)),))
        waste = r.change_stream(t).waste
        assert [(w.kind, w.step, w.lost) for w in waste] == [
            (WasteKind.REWORK_LOOP, Step.STAGED, 19 * H)
        ]
        assert "resubmitted 2026-03-03 10:00" in waste[0].evidence

    def test_more_approvals_than_required_and_one_person_twice_are_redundant_reviews(
        self,
    ) -> None:
        t = full(
            approvals=(
                r.Approval(ALICE, "alice", "sign-off security", at(1, 9)),
                r.Approval(BOB, "bob", "go vote engineering", at(1, 16)),
                r.Approval(ALICE, "alice", "go vote security", at(1, 16, 15)),
            ),
            approvals_required=2,
        )
        evidence = [(w.kind, w.evidence) for w in r.change_stream(t).waste]
        assert evidence == [
            (WasteKind.REDUNDANT_REVIEW, "3 approvals given where the rules required 2"),
            (
                WasteKind.REDUNDANT_REVIEW,
                "alice approved 2 times in one chain (sign-off security at 2026-03-03 09:00; "
                "go vote security at 2026-03-03 16:15)",
            ),
        ]

    def test_as_many_approvals_as_required_by_different_people_are_not_waste(self) -> None:
        t = full(
            approvals=(
                r.Approval(ALICE, "alice", "sign-off security", at(1, 9)),
                r.Approval(BOB, "bob", "go vote engineering", at(1, 16)),
            ),
            approvals_required=2,
        )
        assert r.change_stream(t).waste == ()

    def test_unknown_requirements_judge_no_count(self) -> None:
        t = full(approvals=(r.Approval(ALICE, "alice", "a", at(1, 9)),), approvals_required=None)
        assert r.change_stream(t).waste == ()

    def test_a_manual_hand_off_names_who_and_how_long(self) -> None:
        t = full(hand_offs=(r.HandOff(Step.DEPLOYED, "carol", at(1, 16, 30), at(1, 16, 50)),))
        (w,) = r.change_stream(t).waste
        assert (w.kind, w.step, w.lost) == (WasteKind.MANUAL_HAND_OFF, Step.DEPLOYED, H / 3)
        assert w.evidence.startswith("waited for carol to act")


class TestSummary:
    def test_median_and_p75_per_step_and_the_slowest_first(self) -> None:
        # Four changes whose approval waits are 1, 2, 3 and 4 days: median 2.5 days, p75
        # (linear between ranks: position 2.25 of 0..3) 3.25 days.
        streams = [
            r.change_stream(
                full(
                    approved_at=at(0, 16, 30) + d * 24 * H,
                    deployed_at=at(0, 17) + d * 24 * H,
                    waits=(
                        r.Wait(
                            WaitKind.APPROVAL, at(0, 16, 30), at(0, 16, 30) + d * 24 * H, "asked"
                        ),
                    ),
                )
            )
            for d in (1, 2, 3, 4)
        ]
        s = r.summarize(streams)
        approved = next(x for x in s.steps if x.step is Step.APPROVED)
        day = 24 * 3600.0
        assert (approved.wait_median, approved.wait_p75) == (2.5 * day, 3.25 * day)
        assert approved.work_median == 0.0
        assert approved.wait_by_kind == ((WaitKind.APPROVAL, 10 * day),)
        assert s.slowest[0] is Step.APPROVED
        assert s.slowest[1] is Step.MERGED
        # lead time: 8 h before approval wait, plus 1..4 days: median 8 h + 2.5 days.
        assert s.lead_time_median == 8 * 3600.0 + 2.5 * day

    def test_no_changes_summarize_to_no_figures_not_an_error(self) -> None:
        s = r.summarize([])
        assert s.changes == 0 and s.slowest == () and s.waste == ()
        assert all(x.work_median is None and x.changes == 0 for x in s.steps)

    def test_steps_with_no_data_are_counted_apart(self) -> None:
        s = r.summarize([r.change_stream(full(staged_at=None)), r.change_stream(full())])
        staged = next(x for x in s.steps if x.step is Step.STAGED)
        assert (staged.changes, staged.no_data) == (1, 1)


class TestHandOffs:
    def test_a_hand_off_is_idle_time_a_freeze_inside_it_takes_first(self) -> None:
        # Approved 16:30, carol started the deployment at 16:50 (deployed 17:00); a freeze
        # 16:40-16:45 sits inside: 15 min were carol's hand-off, 5 the freeze's, 10 of work.
        t = full(
            waits=(
                r.Wait(WaitKind.APPROVAL, at(0, 16, 30), at(1, 16, 30), "release submitted"),
                r.Wait(WaitKind.FREEZE, at(1, 16, 40), at(1, 16, 45), "payments batch"),
            ),
            hand_offs=(r.HandOff(Step.DEPLOYED, "carol", at(1, 16, 30), at(1, 16, 50)),),
        )
        s = r.change_stream(t)
        deployed = step(s, Step.DEPLOYED)
        m = timedelta(minutes=1)
        assert deployed.work == 10 * m
        assert deployed.waits == ((WaitKind.FREEZE, 5 * m), (WaitKind.HAND_OFF, 15 * m))
        assert [w.lost for w in s.waste] == [15 * m]


HOURS = st.integers(min_value=0, max_value=96)


@st.composite
def timelines(draw: st.DrawFn) -> r.Timeline:
    """Milestones in order (some missing) and waits anywhere around them."""
    offsets = sorted(draw(st.lists(HOURS, min_size=7, max_size=7)))
    moments = [at(0, 0) + h * H for h in offsets]
    kept = [m if draw(st.booleans()) else None for m in moments[:6]]
    waits = tuple(
        r.Wait(kind, at(0, 0) + a * H, at(0, 0) + (a + d) * H, "w")
        for kind, a, d in draw(
            st.lists(st.tuples(st.sampled_from(list(WaitKind)), HOURS, HOURS), max_size=6)
        )
    )
    return r.Timeline(moments[6], *kept, waits=waits)


class TestProperties:
    @given(timelines())
    def test_each_measured_step_is_its_work_plus_its_wait_and_neither_is_negative(
        self, t: r.Timeline
    ) -> None:
        for s in r.step_times(t):
            if not s.measured:
                continue
            assert s.start is not None and s.end is not None
            assert s.work is not None and s.wait is not None
            assert s.work >= 0 * H and s.wait >= 0 * H
            assert s.work + s.wait == s.end - s.start
            assert sum((d for _, d in s.waits), 0 * H) == s.wait


class TestPeriods:
    def test_a_time_without_an_offset_or_too_early_is_refused_never_a_crash(self) -> None:
        now = at(0, 9)
        for since, until in (
            (datetime(2026, 3, 1), None),
            (None, datetime(1, 1, 2, tzinfo=UTC)),
            (at(1, 0), at(0, 0)),
            (at(0, 0) - timedelta(days=400), at(0, 0)),
        ):
            try:
                period_of(since, until, now)
            except DomainError:
                continue
            raise AssertionError((since, until))
        assert period_of(None, None, now).start == now - timedelta(days=90)
