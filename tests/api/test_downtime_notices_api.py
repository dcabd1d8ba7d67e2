"""Downtime communication through GraphQL: a breaking release tells every transitive
consumer's team, and the `downtime_notices` gate waits for their acknowledgements.

The audience is checked against the demo's declared dependency graph (demo.organization
DEPENDENCIES, walked here on its own); the gate in a production promotion world of
test_promotion_decision whose service gets consumers of its own.
"""

from __future__ import annotations

from api.graphql.relay import from_global_id
from demo.organization import DEPENDENCIES, TEAMS
from tests.api.conftest import Api
from tests.api.governance_support import audit_actions, release, services
from tests.api.notices_support import (
    ACK,
    DECIDE,
    ISSUE,
    OF_RELEASE,
    consumer,
    gate,
    issue,
    notice_input,
    team_of,
    window,
)
from tests.api.test_promotion_decision import ask, world


def declared_consumers(provider: str) -> set[str]:
    """Every demo service depending on `provider`, directly or through others."""
    consumers_of: dict[str, set[str]] = {}
    for consumer_key, providers in DEPENDENCIES.items():
        for p in providers:
            consumers_of.setdefault(p, set()).add(consumer_key)
    found: set[str] = set()
    todo = [provider]
    while todo:
        for c in consumers_of.get(todo.pop(), set()):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found - {provider}


def owning_team() -> dict[str, str]:
    return {svc[0]: team for team, (_, _, svcs) in TEAMS.items() for svc in svcs}


async def demo_service(api: Api, key: str) -> str:
    data = await api.ok("{ services(first: 500) { nodes { id key } } }")
    return next(n["id"] for n in data["services"]["nodes"] if n["key"] == key)


class TestABreakingReleaseTellsEveryTransitiveConsumersTeam:
    async def test_the_audience_of_the_ledger_is_the_demo_graphs_consumers_and_their_teams(
        self, api: Api
    ) -> None:
        ledger = await demo_service(api, "ledger-core")
        rel = await release(api, service_ids=[ledger])
        issued = await issue(api, rel["id"])
        # The release manager reads payments only; the RMO sees every BU told.
        notice = (await api.ok(OF_RELEASE, {"r": rel["id"]}, as_user="rmo"))["downtimeNotice"]
        assert notice["id"] == issued["id"]
        expected = declared_consumers("ledger-core")
        assert len(expected) > 10  # the ledger is deep in the demo graph: it reaches far
        assert {s["key"] for s in notice["downstreamServices"]} == expected
        teams = owning_team()
        assert {r["team"]["key"] for r in notice["recipients"]} == {teams[s] for s in expected}
        for recipient in notice["recipients"]:
            owned = {s["key"] for s in recipient["services"]}
            assert owned and all(teams[s] == recipient["team"]["key"] for s in owned)
            assert recipient["acknowledgedAt"] is None
        # mobile-bff reaches the ledger only through account-service and card-controls.
        assert "mobile-bff" in {s["key"] for s in notice["downstreamServices"]}
        assert "downtime_notice.issue" in await audit_actions(api, notice["id"])

    async def test_the_notices_are_in_the_outbox_one_event_per_bu_told(self, api: Api) -> None:
        ledger = await demo_service(api, "ledger-core")
        rel = await release(api, service_ids=[ledger])
        notice = await issue(api, rel["id"])
        prefix = f"downtime_notice:{from_global_id(notice['id'])}:issued:"
        data = await api.ok(
            """query($k: String!) { outboxMessages(filter: {keyPrefix: $k}, first: 50) {
                 nodes { key topic } } }""",
            {"k": prefix},
        )
        topics = {n["topic"] for n in data["outboxMessages"]["nodes"]}
        bus_told = {
            TEAMS[t][0] for t in {owning_team()[s] for s in declared_consumers("ledger-core")}
        }
        assert topics == {"downtime_notice.issued"}
        assert len(data["outboxMessages"]["nodes"]) == len(bus_told)

    async def test_a_second_notice_and_bad_input_are_refused_with_their_codes(
        self, api: Api
    ) -> None:
        [svc] = await services(api, "payments")
        rel = await release(api, service_ids=[svc])
        await issue(api, rel["id"])
        again = await api.gql(ISSUE, {"i": notice_input(api, rel["id"])}, as_user="release-manager")
        assert [e["code"] for e in again["data"]["downtimeNoticeIssue"]["errors"]] == [
            "NOTICE_EXISTS"
        ]
        other = await release(api, service_ids=[svc])
        backwards = window(api, start_hours=5, length_hours=-1)
        for bad, code in (
            ({**backwards}, "INVALID_WINDOW"),
            ({"impact": "   "}, "IMPACT_REQUIRED"),
            ({"contact": ""}, "INVALID_CONTACT"),
        ):
            body = await api.gql(
                ISSUE, {"i": notice_input(api, other["id"], **bad)}, as_user="release-manager"
            )
            payload = body["data"]["downtimeNoticeIssue"]
            assert payload["downtimeNotice"] is None
            assert [e["code"] for e in payload["errors"]] == [code], body
        nothing = await api.ok(OF_RELEASE, {"r": other["id"]})
        assert nothing["downtimeNotice"] is None


class TestTheGatePassesAfterTheLastAcknowledgement:
    async def test_pending_until_both_consumer_teams_acknowledged(self, api: Api) -> None:
        w = await world(api)
        direct = await consumer(api, w["service"])
        indirect = await consumer(api, direct)
        unrelated_team = await team_of(api, (await services(api, "payments"))[0])
        notice = await issue(api, w["release"]["id"])
        teams = [await team_of(api, s) for s in (direct, indirect)]
        assert {r["team"]["key"] for r in notice["recipients"]} == {t["key"] for t in teams}

        decision = (await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
        g = gate(decision)
        assert g["status"] == "PENDING", g
        assert sorted(g["evidence"]["unacknowledged"]) == sorted(t["id"] for t in teams)

        refused = await api.gql(
            ACK,
            {"i": {"noticeId": notice["id"], "teamId": unrelated_team["id"]}},
            as_user="engineer",
        )
        assert [e["code"] for e in refused["data"]["downtimeNoticeAcknowledge"]["errors"]] == [
            "NOT_A_RECIPIENT"
        ]
        first = await api.ok(
            ACK, {"i": {"noticeId": notice["id"], "teamId": teams[0]["id"]}}, as_user="engineer"
        )
        assert first["downtimeNoticeAcknowledge"]["recipient"]["acknowledgedVia"] == "graphql"
        decision = (await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
        assert gate(decision)["status"] == "PENDING"
        assert gate(decision)["evidence"]["unacknowledged"] == [teams[1]["id"]]

        await api.ok(
            ACK, {"i": {"noticeId": notice["id"], "teamId": teams[1]["id"]}}, as_user="sre"
        )
        decision = (await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
        assert gate(decision)["status"] == "PASSED", gate(decision)
        assert gate(decision)["evidence"]["unacknowledged"] == []
        seen = await api.ok(OF_RELEASE, {"r": w["release"]["id"]}, as_user="viewer")
        assert {r["acknowledgedBy"]["username"] for r in seen["downtimeNotice"]["recipients"]} == {
            "engineer",
            "sre",
        }
        assert (await audit_actions(api, notice["id"])).count("downtime_notice.acknowledge") == 2

    async def test_a_release_declaring_no_downtime_passes_the_gate(self, api: Api) -> None:
        w = await world(api)
        decision = (await api.ok(DECIDE, {"i": ask(w)}, as_user="ci"))["promotionDecision"]
        assert gate(decision)["status"] == "PASSED"
        assert "no breaking change" in gate(decision)["reason"]
