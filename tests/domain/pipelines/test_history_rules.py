"""The rules of a deployment history import, without a database: the cutoff, the key that makes
an import idempotent, and the problems a batch is refused for, each naming its record."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from domain.pipelines import history_commands as cmd
from domain.pipelines import history_rules as rules
from domain.pipelines.vocabulary import DeploymentStatus

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
BU = uuid.uuid4()
PROD = rules.Environment(uuid.uuid4(), "production", BU)


def record(days_ago: float = 10, **kw: object) -> cmd.HistoricDeployment:
    finished = NOW - timedelta(days=days_ago)
    values: dict[str, object] = {
        "artifact_version": "1.2.3",
        "started_at": finished - timedelta(minutes=5),
        "finished_at": finished,
        "outcome": "succeeded",
        "environment_key": "prod",
    }
    values.update(kw)
    return cmd.HistoricDeployment(**values)  # type: ignore[arg-type]


def problems(
    *records: cmd.HistoricDeployment, incidents: tuple[cmd.HistoricIncident, ...] = ()
) -> list[tuple[str, str | None]]:
    c = cmd.ImportHistory(uuid.uuid4(), tuple(records), incidents)
    return [(str(p.code), p.field) for p in rules.problems(c, [PROD] * len(records), BU, NOW)]


class TestTheCutoff:
    def test_is_the_earliest_governed_record(self) -> None:
        earliest = NOW - timedelta(days=3)
        assert rules.onboarded_at(earliest, NOW) == earliest

    def test_is_now_for_a_service_never_governed(self) -> None:
        assert rules.onboarded_at(None, NOW) == NOW

    def test_a_time_at_the_cutoff_is_refused(self) -> None:
        r = record(days_ago=0, started_at=NOW - timedelta(minutes=1))
        assert problems(r) == [("NOT_BEFORE_ONBOARDING", "records[0].finishedAt")]

    def test_a_time_just_before_the_cutoff_is_history(self) -> None:
        r = record(started_at=NOW - timedelta(minutes=2), finished_at=NOW - timedelta(seconds=1))
        assert problems(r) == []

    def test_commit_and_pull_request_times_are_history_too(self) -> None:
        late = NOW + timedelta(hours=1)
        r = record(commits=cmd.CommitTimes(late, 2), pull_request=cmd.PullRequestTimes(late))
        assert problems(r) == [
            ("NOT_BEFORE_ONBOARDING", "records[0].commits.firstCommitAt"),
            ("NOT_BEFORE_ONBOARDING", "records[0].pullRequest"),
        ]


class TestTheKey:
    def test_is_environment_version_and_finish_in_utc(self) -> None:
        env = uuid.uuid4()
        at = datetime(2026, 6, 1, 14, tzinfo=timezone(timedelta(hours=2)))
        r = record(finished_at=at, artifact_version=" 1.2.3 ")
        assert rules.key(env, r) == (env, "1.2.3", datetime(2026, 6, 1, 12, tzinfo=UTC))

    def test_known_and_repeated_records_are_left_out(self) -> None:
        env = uuid.uuid4()
        a, b, c = record(10), record(9), record(8)
        known = {rules.key(env, a)}
        fresh = rules.new_records([(env, a), (env, b), (env, b), (env, c)], known)
        assert [r for _, r in fresh] == [b, c]

    def test_the_same_version_finishing_again_is_another_deployment(self) -> None:
        env = uuid.uuid4()
        fresh = rules.new_records([(env, record(10)), (env, record(9))], set())
        assert len(fresh) == 2

    def test_incidents_are_known_by_their_reference(self) -> None:
        i = cmd.HistoricIncident("INC-1", NOW - timedelta(days=1), "SEV2")
        j = cmd.HistoricIncident(" INC-2 ", NOW - timedelta(days=1), "SEV2")
        assert rules.new_incidents([i, j, j], {"INC-1"}) == [j]


class TestAProblemNamesItsRecord:
    def test_an_empty_batch(self) -> None:
        assert problems() == [("NO_RECORDS", "records")]

    def test_a_batch_over_the_bound(self) -> None:
        many = [record()] * (rules.MAX_RECORDS + 1)
        assert problems(*many) == [("TOO_MANY_RECORDS", "records")]

    def test_every_bad_field_of_every_record(self) -> None:
        found = problems(
            record(),
            record(outcome="exploded", strategy="yolo"),
            record(artifact_version=" "),
            record(finished_at=NOW - timedelta(days=20)),
        )
        assert found == [
            ("UNKNOWN_OUTCOME", "records[1].outcome"),
            ("UNKNOWN_STRATEGY", "records[1].strategy"),
            ("INVALID_VERSION", "records[2].artifactVersion"),
            ("FINISHED_BEFORE_STARTED", "records[3].finishedAt"),
        ]

    def test_a_time_without_offset(self) -> None:
        naive = datetime(2026, 1, 1, 12)
        assert problems(record(started_at=naive)) == [
            ("TIME_WITHOUT_OFFSET", "records[0].startedAt")
        ]

    def test_environments_must_be_known_production_and_of_the_bu(self) -> None:
        c = cmd.ImportHistory(uuid.uuid4(), (record(), record(), record()))
        envs = [
            None,
            rules.Environment(uuid.uuid4(), "staging", BU),
            rules.Environment(uuid.uuid4(), "production", uuid.uuid4()),
        ]
        assert [(str(p.code), p.field) for p in rules.problems(c, envs, BU, NOW)] == [
            ("UNKNOWN_ENVIRONMENT", "records[0].environment"),
            ("NOT_PRODUCTION", "records[1].environment"),
            ("ENVIRONMENT_OF_ANOTHER_BU", "records[2].environment"),
        ]

    def test_an_org_wide_production_environment_serves_every_bu(self) -> None:
        c = cmd.ImportHistory(uuid.uuid4(), (record(),))
        shared = rules.Environment(uuid.uuid4(), "production", None)
        assert rules.problems(c, [shared], BU, NOW) == []

    def test_commits_after_the_finish(self) -> None:
        r = record(commits=cmd.CommitTimes(NOW - timedelta(days=1), 3))
        assert problems(r) == [("INVALID_COMMITS", "records[0].commits")]

    def test_no_commits(self) -> None:
        r = record(commits=cmd.CommitTimes(NOW - timedelta(days=30), 0))
        assert problems(r) == [("INVALID_COMMITS", "records[0].commits")]

    def test_a_pull_request_merged_before_it_was_opened(self) -> None:
        opened = NOW - timedelta(days=12)
        pr = cmd.PullRequestTimes(opened, merged_at=opened - timedelta(hours=1))
        assert problems(record(pull_request=pr)) == [
            ("PULL_REQUEST_TIMES_OUT_OF_ORDER", "records[0].pullRequest")
        ]

    def test_a_pull_request_merged_after_the_deployment(self) -> None:
        pr = cmd.PullRequestTimes(NOW - timedelta(days=12), merged_at=NOW - timedelta(days=5))
        assert problems(record(pull_request=pr)) == [
            ("PULL_REQUEST_TIMES_OUT_OF_ORDER", "records[0].pullRequest")
        ]

    def test_incidents(self) -> None:
        at = NOW - timedelta(days=3)
        found = problems(
            record(),
            incidents=(
                cmd.HistoricIncident("INC-1", at, "SEV2", at + timedelta(hours=1)),
                cmd.HistoricIncident("", at, "sev9"),
                cmd.HistoricIncident("INC-3", at, "P1", at - timedelta(hours=1)),
                cmd.HistoricIncident("INC-4", at, "critical", NOW),
            ),
        )
        assert found == [
            ("INVALID_INCIDENT_REF", "incidents[1].incidentRef"),
            ("UNKNOWN_SEVERITY", "incidents[1].severity"),
            ("RESOLVED_BEFORE_DETECTED", "incidents[2].resolvedAt"),
            ("NOT_BEFORE_ONBOARDING", "incidents[3].resolvedAt"),
        ]


class TestOutcomes:
    def test_map_onto_deployment_statuses(self) -> None:
        assert rules.outcome("succeeded") is DeploymentStatus.SUCCEEDED
        assert rules.outcome("FAILED") is DeploymentStatus.FAILED
        assert rules.outcome(" rolled_back ") is DeploymentStatus.ROLLED_BACK
        assert rules.outcome("crashed") is None

    def test_a_strategy_defaults_to_imported(self) -> None:
        assert rules.strategy(None) == "imported"
        assert rules.strategy(" Canary ") == "canary"
