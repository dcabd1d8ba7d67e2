"""DORA's four keys on hand-built histories; each answer is worked out beside it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.insights.dora_rules import (
    DoraChange,
    DoraIncident,
    Options,
    buckets,
    four_keys,
    quantile,
)
from domain.insights.dora_vocabulary import (
    Attribution,
    Benchmarks,
    Bucket,
    FailureDefinition,
    Level,
    Statistic,
)

H = timedelta(hours=1)
D = timedelta(days=1)
MON = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday
START, END = MON, MON + 7 * D
S, OTHER = uuid.UUID(int=1), uuid.UUID(int=2)


def dep(hours: float, service: uuid.UUID = S, **kw: object) -> DoraChange:
    return DoraChange(uuid.uuid4(), service, MON + hours * H, **kw)  # type: ignore[arg-type]


def inc(
    hours: float, resolved: float | None = None, service: uuid.UUID = S, **kw: object
) -> DoraIncident:
    at = MON + hours * H
    return DoraIncident(
        uuid.uuid4(),
        service,
        at,
        None if resolved is None else MON + resolved * H,
        **kw,  # type: ignore[arg-type]
    )


class TestChangeFailureRate:
    def test_an_incident_counts_against_the_last_deployment_of_its_service_before_it(self) -> None:
        # a at 10h, b at 20h, incident at 25h: b is the last before it; 1 of 2 failed.
        a, b = dep(10), dep(20)
        i = inc(25, 26)
        k = four_keys([a, b], [i], START, END)
        assert k.failures == ((b.id, (i.id,)),)
        assert k.change_failure_rate == 0.5

    def test_an_incident_before_any_deployment_counts_against_none(self) -> None:
        # incident at 5h, the only deployment at 10h: nothing before it; rate 0 of 1.
        d = dep(10)
        k = four_keys([d], [inc(5, 6)], START, END)
        assert k.failures == () and k.change_failure_rate == 0.0

    def test_another_services_deployment_never_takes_the_blame(self) -> None:
        mine, theirs = dep(10), dep(20, OTHER)
        i = inc(25, 26)
        k = four_keys([mine, theirs], [i], START, END)
        assert k.failures == ((mine.id, (i.id,)),)

    def test_two_incidents_against_one_deployment_fail_it_once(self) -> None:
        d = dep(10)
        k = four_keys([d], [inc(11, 12), inc(13, 14)], START, END)
        assert k.change_failure_rate == 1.0 and len(k.failures[0][1]) == 2

    def test_a_service_without_incidents_has_a_rate_of_zero_not_an_error(self) -> None:
        k = four_keys([dep(10), dep(30)], [], START, END)
        assert k.change_failure_rate == 0.0
        assert k.levels["change_failure_rate"] is Level.ELITE

    def test_a_service_that_did_not_deploy_has_no_rate(self) -> None:
        k = four_keys([], [inc(5, 6)], START, END)
        assert k.change_failure_rate is None and k.levels["change_failure_rate"] is None

    def test_a_rollback_with_no_incident_is_no_failure_by_default_and_one_when_rollbacks_count(
        self,
    ) -> None:
        # ok at 10h, rolled back at 20h. INCIDENT: only ok counts (DevLake: successful
        # deployments), 0 of 1. ROLLBACK: both count, the rolled-back one failed, 1 of 2.
        ok, undone = dep(10), dep(20, rolled_back=True)
        by_default = four_keys([ok, undone], [], START, END)
        assert by_default.counted_for_failure == (ok.id,)
        assert by_default.change_failure_rate == 0.0
        rollbacks = four_keys(
            [ok, undone], [], START, END, Options(failure=FailureDefinition.ROLLBACK)
        )
        assert rollbacks.change_failure_rate == 0.5
        assert rollbacks.failures == ((undone.id, ()),)

    def test_a_rolled_back_deployment_never_takes_an_incidents_blame(self) -> None:
        # ok at 10h, rolled back at 20h, incident at 21h: the last *successful* one is ok.
        ok, undone = dep(10), dep(20, rolled_back=True)
        k = four_keys([ok, undone], [i := inc(21, 22)], START, END)
        assert k.failures == ((ok.id, (i.id,)),)

    def test_a_hotfixed_deployment_fails_when_hotfixes_count(self) -> None:
        fixed, fine = dep(10, hotfixed=True), dep(40)
        k = four_keys([fixed, fine], [], START, END, Options(failure=FailureDefinition.HOTFIX))
        assert k.change_failure_rate == 0.5

    def test_the_attribution_window_drops_an_incident_long_after_the_deployment(self) -> None:
        # deployment at 0h, incident at 30h: within no limit, outside a 24-hour window.
        d = dep(0)
        i = inc(30, 31)
        assert four_keys([d], [i], START, END).change_failure_rate == 1.0
        windowed = four_keys([d], [i], START, END, Options(window=24 * H))
        assert windowed.change_failure_rate == 0.0

    def test_a_flag_flip_caused_incident_counts_under_its_change_type_when_recorded(self) -> None:
        # deployment (api) at 10h, flag flip (config) at 20h, incident at 21h attributed to
        # the flip. Counting deployments and flag changes of type config by the recorded
        # attribution: the flip failed, 1 of 1; of type api: the deployment did not, 0 of 1.
        d = dep(10, change_types=("api",))
        flip = dep(20, kind="flag_change", change_types=("config",))
        i = inc(21, 22, change_id=flip.id)
        both = frozenset({"deployment", "flag_change"})
        config = Options(attribution=Attribution.RECORDED, kinds=both, change_type="config")
        api = Options(attribution=Attribution.RECORDED, kinds=both, change_type="api")
        assert four_keys([d, flip], [i], START, END, config).failures == ((flip.id, (i.id,)),)
        assert four_keys([d, flip], [i], START, END, api).change_failure_rate == 0.0


class TestDeploymentFrequency:
    def test_two_deployments_on_the_same_day_are_two_deployments_and_one_deployment_day(
        self,
    ) -> None:
        k = four_keys([dep(9), dep(15), dep(50)], [], START, END)
        assert len(k.deployments) == 3 and k.deployment_days == 2
        # one week (Mon..Sun) with 2 deployment days: median 2 per week, high in 2023
        assert k.days_per_span is not None and k.days_per_span["week"] == 2
        assert k.levels["deployment_frequency"] is Level.HIGH

    def test_a_deployment_every_day_is_elite_and_none_is_low(self) -> None:
        daily = four_keys([dep(24 * n + 1) for n in range(7)], [], START, END)
        assert daily.levels["deployment_frequency"] is Level.ELITE
        assert four_keys([], [], START, END).levels["deployment_frequency"] is Level.LOW

    def test_2021_grades_one_deployment_a_month_high(self) -> None:
        # four weeks with one deployment in the first: weekly median 0, monthly 1.
        k = four_keys([dep(1)], [], START, START + 28 * D, Options(benchmarks=Benchmarks.DORA_2021))
        assert k.levels["deployment_frequency"] is Level.HIGH
        k23 = four_keys([dep(1)], [], START, START + 28 * D)
        assert k23.levels["deployment_frequency"] is Level.MEDIUM


class TestLeadTime:
    def test_it_runs_from_the_first_commit_to_the_first_deployment_of_the_version(self) -> None:
        # v1 first committed 0h, deployed 30h (lead 30h) and redeployed 40h (no lead time);
        # v2 committed 40h, deployed 42h (lead 2h). Median of [2h, 30h] (lower): 2h; p75: 2h
        # (index floor(0.75 * 1) = 0).
        first = dep(30, artifact_version="v1", first_commit_at=MON)
        again = dep(40, artifact_version="v1", first_commit_at=MON)
        v2 = dep(42, artifact_version="v2", first_commit_at=MON + 40 * H)
        k = four_keys([first, again, v2], [], START, END)
        assert dict(k.lead_times) == {first.id: 30 * H, v2.id: 2 * H}
        assert k.lead_time == 2 * H
        assert k.levels["lead_time"] is Level.ELITE

    def test_a_deployment_with_no_commits_has_no_lead_time_but_still_counts(self) -> None:
        bare = dep(10, artifact_version="v9")
        k = four_keys([bare], [], START, END)
        assert k.deployments == (bare.id,) and k.lead_times == () and k.lead_time is None
        assert k.levels["lead_time"] is None

    def test_it_breaks_into_coding_pickup_review_and_deploy(self) -> None:
        # commit 0h, opened 5h, reviewed 8h, merged 20h, deployed 26h.
        d = dep(
            26,
            artifact_version="v1",
            first_commit_at=MON,
            pr_opened_at=MON + 5 * H,
            first_review_at=MON + 8 * H,
            merged_at=MON + 20 * H,
        )
        k = four_keys([d], [], START, END)
        assert k.lead_time_steps == {
            "coding": 5 * H,
            "pickup": 3 * H,
            "review": 12 * H,
            "deploy": 6 * H,
        }
        assert k.lead_time == 26 * H and k.levels["lead_time"] is Level.HIGH


class TestTimeToRestore:
    def test_it_runs_from_creation_to_resolution_median_or_p75(self) -> None:
        # 1h, 2h, 3h, 10h: lower median index 1 -> 2h; p75 index floor(2.25) = 2 -> 3h.
        incidents = [inc(1, 2), inc(3, 5), inc(6, 9), inc(10, 20)]
        assert four_keys([], incidents, START, END).time_to_restore == 2 * H
        p75 = four_keys([], incidents, START, END, Options(statistic=Statistic.P75))
        assert p75.time_to_restore == 3 * H
        assert p75.levels["time_to_restore"] is Level.HIGH

    def test_an_incident_resolved_before_it_was_created_or_still_open_is_left_out(self) -> None:
        backwards, still_open, fine = inc(10, 9), inc(11), inc(12, 12.5)
        k = four_keys([], [backwards, still_open, fine], START, END)
        assert k.restores == ((fine.id, timedelta(minutes=30)),)
        assert dict(k.left_out) == {
            backwards.id: "resolved before it was created",
            still_open.id: "not resolved",
        }
        assert k.levels["time_to_restore"] is Level.ELITE


class TestTrendBuckets:
    def test_weeks_start_on_monday_and_the_edges_are_clipped(self) -> None:
        found = buckets(MON + 2 * D, MON + 10 * D, Bucket.WEEK)
        assert found == [(MON + 2 * D, MON + 7 * D), (MON + 7 * D, MON + 10 * D)]

    def test_months_run_over_the_year_end(self) -> None:
        start = datetime(2026, 11, 15, tzinfo=UTC)
        found = buckets(start, datetime(2027, 1, 10, tzinfo=UTC), Bucket.MONTH)
        assert [b[0].month for b in found] == [11, 12, 1]


durations = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=40)


class TestProperties:
    @given(durations)
    def test_the_median_is_a_value_of_the_list_and_never_above_p75(
        self, minutes: list[int]
    ) -> None:
        values = [timedelta(minutes=m) for m in minutes]
        median, p75 = quantile(values, Statistic.MEDIAN), quantile(values, Statistic.P75)
        assert median in values and median is not None and p75 is not None
        assert median <= p75

    @given(
        st.lists(st.tuples(st.integers(0, 160), st.booleans()), max_size=20),
        st.lists(st.integers(0, 160), max_size=10),
    )
    def test_the_failure_rate_stays_between_zero_and_one_and_never_exceeds_incidents(
        self, deployments: list[tuple[int, bool]], incidents: list[int]
    ) -> None:
        changes = [dep(h, rolled_back=rb) for h, rb in deployments]
        k = four_keys(changes, [inc(h, h + 1) for h in incidents], START, END)
        if k.change_failure_rate is not None:
            assert 0.0 <= k.change_failure_rate <= 1.0
        assert len(k.failures) <= len(incidents)
        assert len(k.deployments) == sum(1 for _, rb in deployments if not rb)
