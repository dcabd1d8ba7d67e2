"""The notice period and the escalation of silence, on an app whose clock the test moves.

Before the period (the `downtime_notice_period_hours` guardrail of the shipped services) has
passed, escalating is refused and the gate waits; once it has, the gate waits for the
escalation, which is audited and goes out through the outbox, and then passes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.graphql.relay import from_global_id
from domain.kernel.clock import FixedClock
from tests.api.conftest import Api, settings_for
from tests.api.governance_support import audit_actions
from tests.api.notices_support import DECIDE, ESCALATE, consumer, gate, issue
from tests.api.test_promotion_decision import ask, world


@pytest.fixture
async def clocked(api: Api, migrated_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """An app over the shared (demo-loaded) database whose clock stands still until moved."""
    settings = settings_for(migrated_url, tmp_path, outbox_delivery_enabled=False)
    app = create_app(settings, clock=FixedClock(datetime.now(UTC)))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield Api(app=app, http=http, runtime=app.state.runtime)


def escalate_input(
    notice: dict[str, object], note: str = "Paged the team leads."
) -> dict[str, object]:
    return {"i": {"id": notice["id"], "version": notice["version"], "note": note}}


class TestSilenceIsEscalatedOnlyAfterTheNoticePeriod:
    async def test_the_gate_waits_for_the_period_then_for_the_escalation(
        self, clocked: Api
    ) -> None:
        api = clocked
        clock = api.runtime.clock
        assert isinstance(clock, FixedClock)
        w = await world(api)
        await consumer(api, w["service"])
        notice = await issue(api, w["release"]["id"])

        early = await api.gql(ESCALATE, escalate_input(notice), as_user="release-manager")
        assert [e["code"] for e in early["data"]["downtimeNoticeEscalate"]["errors"]] == [
            "NOTICE_PERIOD_RUNNING"
        ]
        waiting = gate((await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"])
        assert waiting["status"] == "PENDING" and "runs until" in waiting["reason"]
        period = waiting["evidence"]["noticePeriodHours"]

        clock.advance(timedelta(hours=period, minutes=1))
        silent = gate((await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"])
        assert silent["status"] == "PENDING" and "escalate" in silent["reason"]

        engineer = await api.gql(ESCALATE, escalate_input(notice), as_user="engineer")
        assert engineer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        done = await api.ok(ESCALATE, escalate_input(notice), as_user="release-manager")
        escalated = done["downtimeNoticeEscalate"]["downtimeNotice"]
        assert escalated["escalatedAt"] is not None
        assert escalated["escalationNote"] == "Paged the team leads."
        passed = gate((await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"])
        assert passed["status"] == "PASSED", passed
        assert len(passed["evidence"]["unacknowledged"]) == 1

        again = await api.gql(ESCALATE, escalate_input(escalated), as_user="release-manager")
        assert [e["code"] for e in again["data"]["downtimeNoticeEscalate"]["errors"]] == [
            "ALREADY_ESCALATED"
        ]
        assert "downtime_notice.escalate" in await audit_actions(api, notice["id"])
        events = await api.ok(
            """query($k: String!) { outboxMessages(filter: {keyPrefix: $k}, first: 20) {
                 nodes { topic } } }""",
            {"k": f"downtime_notice:{from_global_id(notice['id'])}:escalated:"},
        )
        assert {n["topic"] for n in events["outboxMessages"]["nodes"]} == {
            "downtime_notice.escalated"
        }

    async def test_nothing_to_escalate_once_every_team_acknowledged(self, clocked: Api) -> None:
        api = clocked
        w = await world(api)
        notice = await issue(api, w["release"]["id"])  # no consumers: nobody to wait for
        assert notice["recipients"] == []
        assert (
            gate((await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"])["status"]
            == "PASSED"
        )
        api.runtime.clock.advance(timedelta(days=30))  # type: ignore[attr-defined]
        body = await api.gql(ESCALATE, escalate_input(notice), as_user="release-manager")
        assert [e["code"] for e in body["data"]["downtimeNoticeEscalate"]["errors"]] == [
            "NOTHING_TO_ESCALATE"
        ]
