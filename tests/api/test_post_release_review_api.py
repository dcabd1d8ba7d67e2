"""The 24-hour post-release review through GraphQL, on an app whose clock the test moves: a
production deployment opens exactly one review, due a day later; gathering compares the day
after with the day before (log signals, feedback themes; metrics say NOT_CONFIGURED without a
Prometheus, never zeros); overdue reviews are listed and counted per team; the service's owners
or an SRE close it with a verdict; every change is in the audit trail."""

from __future__ import annotations

import asyncio
import socket
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api.graphql.relay import from_global_id
from api.post_release_prometheus import metrics_source, sweep_reviews
from domain.kernel.clock import FixedClock
from domain.kernel.errors import DomainError
from domain.postrelease import review_facts, review_service
from domain.postrelease.review_models import PostReleaseReview
from domain.postrelease.review_sources import NoMetrics
from tests.api.conftest import Api, settings_for, unique
from tests.api.governance_support import audit_actions
from tests.api.post_release_review_support import (
    CLOSE,
    FEEDBACK,
    GATHER,
    OVERDUE,
    REVIEWS,
    SIGNAL,
    TEMPLATE_SET,
    clocked,
    codes,
    deployed,
    result,
    review_of,
    reviewed,
    serving_at,
    sweep,
)

__all__ = ["clocked"]


def _at(api: Api, hours: float) -> str:
    return (api.runtime.clock.now() + timedelta(hours=hours)).isoformat()


async def _signal(api: Api, service_id: str, fingerprint: str, count: int, hours: float) -> None:
    """`count` errors of `fingerprint` in the hour ending `hours` from now."""
    done = result(
        await api.gql(
            SIGNAL,
            {
                "i": {
                    "serviceId": service_id,
                    "fingerprint": fingerprint,
                    "count": count,
                    "startsAt": _at(api, hours - 1),
                    "endsAt": _at(api, hours),
                }
            },
            as_user="ci",
        )
    )
    assert done["errors"] == [], done


async def _feedback(api: Api, service_id: str, tags: list[str], hours: float) -> dict[str, Any]:
    return result(
        await api.gql(
            FEEDBACK,
            {
                "i": {
                    "serviceId": service_id,
                    "kind": "SUPPORT_TICKET",
                    "externalRef": unique("ticket"),
                    "title": "Checkout trouble",
                    "tags": tags,
                    "occurredAt": _at(api, hours),
                }
            },
            as_user="engineer",
        )
    )


class TestAProductionDeploymentOpensOneReview:
    async def test_the_sweep_opens_it_once_due_a_day_later(self, clocked: Api) -> None:
        api = clocked
        dep = await deployed(api)
        assert await review_of(api, dep["id"]) is None
        assert isinstance(api.runtime.clock, FixedClock)
        api.runtime.clock.advance(timedelta(minutes=1))
        opened = await sweep(api)
        again = await sweep(api)
        review = await review_of(api, dep["id"])
        assert review is not None and from_global_id(review["id"]) in opened
        assert from_global_id(review["id"]) not in again
        assert (review["status"], review["metricsState"]) == ("OPEN", "NOT_GATHERED")
        assert review["artifactVersion"] == "2.3.0" and review["service"]["key"] == "card-gateway"
        assert review["dueAt"] > review["deployedAt"]
        assert review["overdue"] is False

    async def test_the_housekeeping_sweep_opens_it(self, clocked: Api) -> None:
        api = clocked
        dep = await deployed(api)
        api.runtime.clock.advance(timedelta(minutes=5))  # type: ignore[attr-defined]
        await api.runtime.housekeeping.sweep()
        review = await review_of(api, dep["id"])
        assert review is not None and review["status"] == "OPEN"

    async def test_a_second_review_of_the_same_deployment_is_refused_by_the_constraint(
        self, clocked: Api
    ) -> None:
        api = clocked
        _, review = await reviewed(api)
        uid = from_global_id(review["id"])

        async def twin(uow: Any) -> None:
            original = await uow.session.get(PostReleaseReview, uid)
            copy = {c.key: getattr(original, c.key) for c in PostReleaseReview.__table__.columns}
            uow.session.add(PostReleaseReview(**{**copy, "id": uuid.uuid4()}))
            await uow.session.flush()

        with pytest.raises(DomainError) as refused:
            await api.runtime.units.run(twin)
        assert refused.value.code == "REVIEW_EXISTS"


class TestGatheringComparesTheDayAfterWithTheDayBefore:
    async def test_new_fingerprints_and_themes_emerge_and_metrics_are_not_configured(
        self, clocked: Api
    ) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        dep = await deployed(api)
        sid = dep["service"]["id"]
        old_fp, new_fp = unique("db-timeout"), unique("npe-checkout")
        old_tag, new_tag = unique("slow"), unique("checkout-broken")
        await _signal(api, sid, old_fp, 3, -1)
        await _feedback(api, sid, [old_tag], -2)
        clock.advance(timedelta(hours=3))
        await _signal(api, sid, old_fp, 4, 0)
        await _signal(api, sid, new_fp, 7, 0)
        await _feedback(api, sid, [old_tag, new_tag], -1)
        await sweep(api)
        review = await review_of(api, dep["id"])
        assert review is not None

        gathered = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="engineer"))
        assert gathered["errors"] == [], gathered
        found = gathered["postReleaseReview"]
        assert found["metricsState"] == "NOT_CONFIGURED"
        assert found["metrics"] == [] and "Prometheus" in found["metricsNote"]
        issues = {(i["kind"], i["key"]) for i in found["emergentIssues"]}
        assert ("NEW_ERROR_FINGERPRINT", new_fp) in issues
        assert ("NEW_FEEDBACK_THEME", new_tag) in issues
        assert ("NEW_ERROR_FINGERPRINT", old_fp) not in issues
        assert ("NEW_FEEDBACK_THEME", old_tag) not in issues
        signals = {s["fingerprint"]: (s["before"], s["after"]) for s in found["logSignals"]}
        assert signals[old_fp] == (3, 4) and signals[new_fp] == (0, 7)
        assert old_tag in found["feedbackThemesBefore"]
        assert found["tolerancePct"] is not None

    async def test_a_review_gathered_before_time_passes_is_refused(self, clocked: Api) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        _, review = await reviewed(api)
        clock.advance(timedelta(minutes=-1))  # back to the moment the deployment finished
        early = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="sre"))
        assert codes(early) == ["INVALID_WINDOW"]
        clock.advance(timedelta(minutes=1))
        done = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="sre"))
        assert done["errors"] == [], done
        windows = done["postReleaseReview"]
        assert windows["gatheredAt"] is not None and windows["metricsState"] == "NOT_CONFIGURED"


class WritesWhileReading:
    """A metrics store that, while it is being read, has another writer open a unit of work:
    on SQLite that needs the write lock, which gathering must not hold while Prometheus
    answers (before, a slow Prometheus blocked every writer)."""

    configured = True

    def __init__(self, units: Any) -> None:
        self.units = units
        self.written = 0

    async def mean(self, promql: str, start: datetime, end: datetime) -> float | None:
        async def touch(uow: Any) -> None:
            self.written += 1

        await asyncio.wait_for(self.units.run(touch), timeout=60)
        return 0.01


class TestMetricsAreReadOutsideTheUnitOfWork:
    async def test_the_sweep_leaves_writers_free_while_prometheus_answers(
        self, clocked: Api
    ) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        dep, _ = await reviewed(api)
        clock.advance(timedelta(hours=25))
        source = WritesWhileReading(api.runtime.units)

        await sweep_reviews(api.runtime.units, source)
        assert source.written >= 6  # three default queries, before and after
        gathered = await review_of(api, dep["id"])
        assert gathered is not None and gathered["metricsState"] == "GATHERED"


class TestOverdueReviewsCountAgainstTheTeam:
    async def test_past_due_it_is_listed_then_closed_by_an_owner_with_a_verdict(
        self, clocked: Api
    ) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        dep, review = await reviewed(api)
        team = review["team"]
        clock.advance(timedelta(hours=25))

        await sweep_reviews(api.runtime.units, NoMetrics())  # gathers what fell due
        review = await review_of(api, dep["id"])
        assert review is not None and review["overdue"] is True
        assert review["gatheredAt"] is not None and review["gatheredAt"] >= review["dueAt"]
        assert review["comparedUntil"] == review["dueAt"]  # the whole day after, and before
        assert review["metricsState"] == "NOT_CONFIGURED"
        listed = await api.ok(REVIEWS, {"f": {"teamId": team["id"], "overdue": True}})
        assert review["id"] in [n["id"] for n in listed["postReleaseReviews"]["nodes"]]
        counted = {
            r["team"]["id"]: r["overdue"]
            for r in (await api.ok(OVERDUE))["postReleaseOverdueByTeam"]
        }
        assert counted[team["id"]] >= 1
        async with api.runtime.db.read_session() as session:
            facts = await review_facts.overdue_counts(
                session, [from_global_id(team["id"])], api.runtime.clock.now()
            )
        assert facts == {from_global_id(team["id"]): counted[team["id"]]}

        closing = {
            "id": review["id"],
            "version": review["version"],
            "verdict": "DEGRADED",
            "summary": "Errors up 30 %; fix in 2.3.1.",
        }
        rmo = result(await api.gql(CLOSE, {"i": closing}, as_user="rmo"))
        assert codes(rmo) == ["NOT_OWNER_OR_SRE"]
        blank = result(await api.gql(CLOSE, {"i": {**closing, "summary": " "}}, as_user="engineer"))
        assert codes(blank) == ["INVALID_SUMMARY"]
        closed = result(await api.gql(CLOSE, {"i": closing}, as_user="engineer"))
        assert closed["errors"] == [], closed
        done = closed["postReleaseReview"]
        assert (done["status"], done["verdict"], done["overdue"]) == ("CLOSED", "DEGRADED", False)
        assert done["closedBy"]["username"] == "engineer"
        twice = result(
            await api.gql(CLOSE, {"i": {**closing, "version": done["version"]}}, as_user="sre")
        )
        assert codes(twice) == ["REVIEW_CLOSED"]
        after = await api.ok(REVIEWS, {"f": {"teamId": team["id"], "overdue": True}})
        assert review["id"] not in [n["id"] for n in after["postReleaseReviews"]["nodes"]]

        actions = await audit_actions(api, review["id"])
        assert {
            "post_release_review.open",
            "post_release_review.gather",
            "post_release_review.close",
        } <= set(actions)


class TestMetricTemplatesAndReports:
    async def test_a_template_is_set_replaced_at_its_version_and_refused_when_bad(
        self, api: Api
    ) -> None:
        from tests.api.deployments_support import service

        sid = (await service(api, "card-gateway"))["id"]
        queries = [{"name": "error_rate", "promql": 'sum(rate(errs{svc="{service}"}[5m]))'}]
        made = result(
            await api.gql(
                TEMPLATE_SET, {"i": {"serviceId": sid, "queries": queries}}, as_user="sre"
            )
        )
        if made["errors"]:  # another test set it first: replace it at its version
            assert codes(made) == ["VERSION_CONFLICT"]
            current = await api.ok(
                "query($s: ID!) { postReleaseMetricTemplate(serviceId: $s) { version } }",
                {"s": sid},
            )
            version = current["postReleaseMetricTemplate"]["version"]
        else:
            version = made["postReleaseMetricTemplate"]["version"]
        bad = result(
            await api.gql(
                TEMPLATE_SET,
                {
                    "i": {
                        "serviceId": sid,
                        "version": version,
                        "queries": [{"name": "x", "promql": 'up{a="{team}"}'}],
                    }
                },
                as_user="sre",
            )
        )
        assert [(e["code"], e["field"]) for e in bad["errors"]] == [
            ("UNKNOWN_PLACEHOLDER", "queries.0.promql")
        ]
        replaced = result(
            await api.gql(
                TEMPLATE_SET,
                {
                    "i": {
                        "serviceId": sid,
                        "version": version,
                        "queries": [
                            *queries,
                            {"name": "queue_depth", "promql": 'max(q{s="{service}"})'},
                        ],
                    }
                },
                as_user="engineer",
            )
        )
        assert replaced["errors"] == [], replaced
        assert [q["name"] for q in replaced["postReleaseMetricTemplate"]["queries"]] == [
            "error_rate",
            "queue_depth",
        ]

    async def test_bad_feedback_and_signals_are_refused_with_typed_errors(self, api: Api) -> None:
        from tests.api.deployments_support import service

        sid = (await service(api, "card-gateway"))["id"]
        now = api.runtime.clock.now()
        hour_ago, now_at = (now - timedelta(hours=1)).isoformat(), now.isoformat()

        async def refused(document: str, as_user: str, **values: Any) -> list[tuple[str, str]]:
            found = result(
                await api.gql(document, {"i": {"serviceId": sid, **values}}, as_user=as_user)
            )
            return [(e["code"], e["field"]) for e in found["errors"]]

        feedback = {"kind": "IN_APP", "externalRef": unique("r"), "title": "t"}
        signal = {"fingerprint": "x", "count": 1, "startsAt": hour_ago, "endsAt": now_at}
        assert await refused(FEEDBACK, "engineer", **feedback, tags=["Not A Slug!"]) == [
            ("INVALID_TAGS", "tags")
        ]
        assert await refused(
            SIGNAL, "ci", **{**signal, "startsAt": now_at, "endsAt": hour_ago}
        ) == [("INVALID_WINDOW", "endsAt")]
        assert await refused(SIGNAL, "ci", **{**signal, "count": -1}) == [
            ("INVALID_COUNT", "count")
        ]
        naive = {"startsAt": "2026-12-07T08:00:00", "endsAt": "2026-12-07T09:00:00"}
        assert await refused(SIGNAL, "ci", **{**signal, **naive}) == [
            ("INVALID_WINDOW", "startsAt")
        ]
        assert await refused(FEEDBACK, "engineer", **feedback) == []
        assert await refused(FEEDBACK, "engineer", **feedback) == [
            ("FEEDBACK_EXISTS", "externalRef")
        ]


PAGE = """query($t: ID!, $n: Int!) { postReleaseReviews(filter: {teamId: $t}, first: $n) {
  nodes { id overdue service { key } team { key } businessUnit { key }
    deployment { id status } closedBy { username } emergentIssues { kind } } } }"""


class TestAPageOfReviewsCostsConstantStatements:
    async def test_statement_count_does_not_grow_with_the_reviews(self, clocked: Api) -> None:
        from tests.api.test_query_cost import counting

        api = clocked
        for _ in range(3):
            await deployed(api)
        api.runtime.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
        await sweep(api)
        _, review = await reviewed(api)
        team = review["team"]["id"]
        await api.ok(PAGE, {"t": team, "n": 1})  # warm: token, person and grant lookups
        with counting(api) as one:
            await api.ok(PAGE, {"t": team, "n": 1})
        with counting(api) as many:
            data = await api.ok(PAGE, {"t": team, "n": 4})
        assert len(data["postReleaseReviews"]["nodes"]) == 4
        assert len(many) == len(one), (len(one), len(many))


class TestAPrometheusOutOfReach:
    async def test_metrics_read_unavailable_never_zero_and_the_sweep_tries_again(
        self, api: Api, migrated_url: str, tmp_path: Path
    ) -> None:
        with socket.socket() as s:  # a loopback port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        settings = settings_for(
            migrated_url,
            tmp_path,
            outbox_delivery_enabled=False,
            prometheus_url=f"http://127.0.0.1:{port}",
            prometheus_timeout_seconds=5,
        )
        async with serving_at(settings, FixedClock(datetime.now(UTC))) as served:
            dep, review = await reviewed(served)
            served.runtime.clock.advance(timedelta(hours=25))  # type: ignore[attr-defined]
            await sweep_reviews(served.runtime.units, metrics_source(served.runtime.settings))
            found = await review_of(served, dep["id"])
            assert found is not None and found["metricsState"] == "UNAVAILABLE", found
            assert found["metrics"] == [] and "did not answer" in found["metricsNote"]
            again = await served.runtime.units.run(review_service.due_for_gathering)
            assert from_global_id(review["id"]) in again
