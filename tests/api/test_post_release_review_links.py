"""What the 24-hour review reads from the other parts of post-release: the service's synthetic
journeys (one whose runs all passed the day before the deployment and failed after it emerges
as a journey regression; one that kept passing does not) and the incidents' attribution (an
incident attributed to another change is shown, linked to it, and does not emerge)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.kernel.clock import FixedClock
from tests.api.conftest import Api, unique
from tests.api.deployments_support import webhook_payload
from tests.api.post_release_review_support import (
    clocked,
    deployed,
    result,
    review_of,
    sweep,
)
from tests.api.test_alertmanager_webhook import post, sre_api_token
from tests.api.test_incident_attribution_support import change_report, incident, swept
from tests.api.test_journeys_api import REPORT, allow, create, shop_server

__all__ = ["clocked"]  # the fixture

GATHER = """mutation($i: PostReleaseReviewGatherInput!) { postReleaseReviewGather(input: $i) {
  postReleaseReview { synthetic { available results } emergentIssues { kind key detail }
    incidents { ref attributedElsewhere attribution { changeKind } }
    alerts { name fingerprint startsAt } }
  errors { code message field } } }"""


async def _run(api: Api, journey_id: str, at: datetime, passed: bool) -> None:
    values = {
        "journeyId": journey_id,
        "passed": passed,
        "startedAt": (at - timedelta(minutes=1)).isoformat(),
        "finishedAt": at.isoformat(),
        "runner": "CHECKLY",
        "externalId": unique("chk"),
        "steps": [{"name": "check out", "passed": passed, "status": 200 if passed else 502}],
    }
    await api.ok(REPORT, {"i": values}, as_user="ci")


async def _journey(api: Api, service_id: str) -> dict[str, Any]:
    async with shop_server() as shop:
        await allow(api, service_id, "127.0.0.1")
        made = await create(api, shop, service_id, runner="CHECKLY", tier="INTERNAL")
    return made["journey"]  # type: ignore[no-any-return]


class TestTheReviewReadsTheJourneys:
    async def test_a_journey_failing_after_the_deployment_emerges_one_passing_does_not(
        self, clocked: Api
    ) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        dep = await deployed(api)
        switched = clock.now()
        sid = dep["service"]["id"]
        broken, steady = await _journey(api, sid), await _journey(api, sid)
        clock.advance(timedelta(hours=2))
        for journey, after in ((broken, (False, True)), (steady, (True, True))):
            for minutes, passed in ((-40, True), (-20, True), (30, after[0]), (60, after[1])):
                await _run(api, journey["id"], switched + timedelta(minutes=minutes), passed)
        await sweep(api)
        review = await review_of(api, dep["id"])
        assert review is not None
        gathered = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="engineer"))
        assert gathered["errors"] == [], gathered
        found = gathered["postReleaseReview"]
        assert found["synthetic"]["available"] is True
        mine = {r["journey"]: r for r in found["synthetic"]["results"]}
        assert mine[broken["key"]] == {
            "journey": broken["key"],
            "name": broken["name"],
            "runsBefore": 2,
            "runsAfter": 2,
            "passedBefore": True,
            "passedAfter": False,
            "failedAfter": 1,
        }
        assert mine[steady["key"]]["passedAfter"] is True
        emerged = {(i["kind"], i["key"]) for i in found["emergentIssues"]}
        assert ("JOURNEY_REGRESSION", broken["key"]) in emerged
        assert ("JOURNEY_REGRESSION", steady["key"]) not in emerged


class TestTheReviewReadsTheAttribution:
    async def test_an_incident_attributed_to_a_later_change_shows_but_does_not_emerge(
        self, clocked: Api
    ) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        dep = await deployed(api)
        sid = dep["service"]["id"]
        clock.advance(timedelta(hours=1))
        await change_report(api, sid, clock.now() - timedelta(minutes=10), as_user="rmo")
        ref = unique("INC")
        await incident(api, sid, "SEV3", as_user="rmo", description="Slow", incidentRef=ref)
        await swept(api)  # attributed to the configuration change, the latest change before it
        clock.advance(timedelta(hours=1))
        await sweep(api)
        review = await review_of(api, dep["id"])
        assert review is not None
        gathered = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="engineer"))
        assert gathered["errors"] == [], gathered
        found = gathered["postReleaseReview"]
        [mine] = [i for i in found["incidents"] if i["ref"] == ref]
        assert mine["attributedElsewhere"] is True
        assert mine["attribution"]["changeKind"] == "CONFIGURATION"
        emerged = {(i["kind"], i["key"]) for i in found["emergentIssues"]}
        assert ("INCIDENT", ref) not in emerged


class TestTheReviewShowsTheAlertsAfterTheDeployment:
    async def test_an_alert_firing_an_hour_after_it_succeeded_is_in_its_review(
        self, clocked: Api
    ) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        dep = await deployed(api)
        clock.advance(timedelta(hours=1))
        fingerprint = unique("fp").replace("-", "")[:16]
        body = webhook_payload(
            {"service": "card-gateway", "environment": dep["environment"]["key"]},
            fingerprint=fingerprint,
        )
        body["alerts"][0]["startsAt"] = clock.now().isoformat().replace("+00:00", "Z")
        answer = await post(api, body, await sre_api_token(api))
        assert answer.status_code == 200, answer.text
        mine = [r for r in answer.json()["results"] if r["deploymentId"] == dep["id"]]
        assert [r["outcome"] for r in mine] == ["recorded"]
        assert answer.json()["rolledBack"] == 0
        clock.advance(timedelta(hours=1))
        await sweep(api)
        review = await review_of(api, dep["id"])
        assert review is not None
        gathered = result(await api.gql(GATHER, {"i": {"id": review["id"]}}, as_user="engineer"))
        assert gathered["errors"] == [], gathered
        alerts = gathered["postReleaseReview"]["alerts"]
        assert fingerprint in [a["fingerprint"] for a in alerts]  # (others may share the window)
