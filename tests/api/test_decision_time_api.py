"""Decisions with their time, through GraphQL and the machine endpoint: every decision carries
`asOf`, a caller may ask for facts gathered now (`fresh`), and a recorded decision keeps both
times. No assertion depends on how long the test takes: only "fresh" is certain to see new
facts, whatever the cache holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.test_promotion_decision import ask, scan, world

ASK = """query($i: PromotionAskInput!, $fresh: Boolean! = false) {
  promotionDecision(input: $i, fresh: $fresh) { exitCode summary asOf } }"""
REQUEST = """mutation($i: PromotionAskInput!) { promotionRequest(input: $i) {
  promotion { status summary decision } decision { exitCode summary asOf } errors { code } } }"""


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


class TestADecisionSaysAsOfWhen:
    async def test_a_fresh_decision_sees_evidence_reported_a_moment_ago(self, api: Api) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        before = api.runtime.clock.now()
        first = (await api.ok(ASK, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
        assert at(first["asOf"]) <= api.runtime.clock.now()
        await scan(api, w, critical=4)
        fresh = await api.ok(ASK, {"i": ask(w), "fresh": True}, as_user="ci")
        decision = fresh["promotionDecision"]
        assert decision["exitCode"] == 1 and decision["summary"].startswith("Refused: ")
        assert before <= at(first["asOf"]) <= at(decision["asOf"])

    async def test_the_summary_of_a_waiting_decision_says_waiting(self, api: Api) -> None:
        w = await world(api)
        await scan(api, w, critical=0)
        staging = await environment(api, kind="STAGING", region="eu-west-1", name="Staging")
        to_staging = ask(w, environmentId=staging["id"])
        decision = await api.ok(ASK, {"i": to_staging, "fresh": True}, as_user="ci")
        answer = decision["promotionDecision"]
        assert answer["exitCode"] == 2 and answer["summary"].startswith("Waiting: "), answer

    async def test_a_recorded_decision_keeps_when_it_was_decided_and_as_of_when(
        self, api: Api
    ) -> None:
        w = await world(api)
        made = (await api.ok(REQUEST, {"i": ask(w)}, as_user="ci"))["promotionRequest"]
        recorded = made["promotion"]["decision"]
        assert recorded["asOf"] == recorded["decidedAt"]
        assert at(made["decision"]["asOf"]) == at(recorded["asOf"])
        assert made["promotion"]["summary"] == made["decision"]["summary"]
        assert made["promotion"]["summary"].split(":")[0] == made["promotion"]["status"].title()


async def get_decision(api: Api, w: dict[str, Any], **extra: str) -> httpx.Response:
    """GET /decisions for the world's artifact and production target, as CI."""
    target = {"service": w["serviceKey"], "environment": w["env"]["key"]}
    return await api.http.get(
        "/decisions",
        params={**target, "version": w["version"], **extra},
        headers={"authorization": f"Bearer {api.token('ci')}"},
    )


class TestTheMachineEndpointSaysAsOfWhen:
    async def test_asof_and_fresh_on_get_decisions(self, api: Api) -> None:
        w = await world(api)
        asked = await get_decision(api, w)
        assert asked.status_code == 200, asked.text
        first = asked.json()
        await scan(api, w, critical=4)
        body = (await get_decision(api, w, fresh="true")).json()
        assert body["exitCode"] == 1 and "security_scan" in body["summary"]
        assert at(first["asOf"]) <= at(body["asOf"]) <= api.runtime.clock.now()
        bad = await get_decision(api, w, fresh="yes")
        [error] = bad.json()["errors"]
        assert (bad.status_code, error["extensions"]["code"]) == (400, "BAD_USER_INPUT")
        assert error["message"] == "`fresh` is true or false."
