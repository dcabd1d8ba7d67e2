"""An open subscription stops as soon as its caller may no longer see it, and its subscribe
variables are held to the same text rules as an HTTP request's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from api.graphql.subscriptions import _next_signal
from api.live import CHANGED, RECHECK, RESYNC, Broker
from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import person
from tests.api.test_live_updates import (
    SUBSCRIBE,
    VOTE,
    Client,
    gql,
    next_state,
    open_session,
    serving,
)

TOKEN_CREATE = """mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) {
  apiToken { id } secret errors { code } } }"""
TOKEN_REVOKE = """mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) {
  apiToken { revokedAt } errors { code } } }"""


async def engineer_token(api: Api) -> dict[str, Any]:
    """A new API token of the demo engineer, as ENGINEER in payments (who reads its sessions)."""
    bu = (await ids(api))["payments"]
    scopes = [{"role": "ENGINEER", "businessUnitId": bu}]
    made = await api.ok(
        TOKEN_CREATE, {"i": {"name": unique("live"), "scopes": scopes}}, as_user="engineer"
    )
    return made["apiTokenCreate"]  # type: ignore[no-any-return]


async def revoke(host: str, api: Api, token: dict[str, Any]) -> None:
    """Through the server holding the subscription (on SQLite, the one process there is)."""
    await gql(host, api, TOKEN_REVOKE, {"i": {"id": token["apiToken"]["id"]}}, "engineer")


@asynccontextmanager
async def watching(api: Api, init: dict[str, str]) -> AsyncIterator[tuple[str, Client, str]]:
    """A server and a client that connected with `init` and subscribed (operation "1") to a
    newly opened session, whose first state it has read."""
    session = await open_session(api)
    async with serving(api) as host, Client.connect(host) as client:
        assert (await client.init(init))["type"] == "connection_ack"
        await client.subscribe("1", SUBSCRIBE, {"id": session["id"]})
        first = await next_state(client)
        assert (first["id"], first["votes"]) == (session["id"], [])
        yield host, client, session["id"]


class TestARevokedTokenEndsItsSubscriptions:
    async def test_at_once_with_unauthenticated_and_the_socket_closed_4401(self, api: Api) -> None:
        token = await engineer_token(api)
        async with watching(api, {"token": token["secret"]}) as (host, client, _session):
            # Nothing changes in the session: the revocation alone ends the subscription.
            await revoke(host, api, token)
            ended = await client.receive()
            assert ended["type"] == "next" and ended["id"] == "1", ended
            codes = [e["extensions"]["code"] for e in ended["payload"]["errors"]]
            assert codes == ["UNAUTHENTICATED"]
            assert await client.closed_with() == 4401

    async def test_someone_elses_revocation_sends_nothing_to_a_caller_who_still_may_see(
        self, api: Api
    ) -> None:
        other = await engineer_token(api)
        viewer = {"authorization": f"Bearer {api.token('viewer')}"}
        async with watching(api, viewer) as (host, client, session):
            await revoke(host, api, other)
            vote = {"sessionId": session, "choice": "GO", "rationale": "Green."}
            await gql(host, api, VOTE, {"i": vote}, "approver")
            # The next message is the vote: the re-check after the revocation sent nothing.
            after = await next_state(client)
            assert [v["voter"]["username"] for v in after["votes"]] == ["approver"]


PERSON_UPDATE = """mutation($i: PersonUpdateInput!) { personUpdate(input: $i) {
  person { active } errors { code } } }"""
GRANT_CREATE = """mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) {
  roleGrant { id } errors { code } } }"""
GRANT_REVOKE = """mutation($i: RoleGrantRevokeInput!) { roleGrantRevoke(input: $i) {
  roleGrant { id } errors { code } } }"""


class TestADeactivatedPersonsSubscriptionsEnd:
    async def test_with_unauthenticated_and_the_socket_closed_4401(self, api: Api) -> None:
        made = await person(api, role="viewer")
        bearer = {"authorization": f"Bearer {api.token(made['username'])}"}
        async with watching(api, bearer) as (host, client, _session):
            change = {"id": made["id"], "version": 1, "active": False}
            assert (await gql(host, api, PERSON_UPDATE, {"i": change}, "rmo"))["person"] == {
                "active": False
            }
            ended = await client.receive()
            assert ended["type"] == "next", ended
            assert [e["extensions"]["code"] for e in ended["payload"]["errors"]] == [
                "UNAUTHENTICATED"
            ]
            assert await client.closed_with() == 4401


async def ending(client: Client, session_id: str) -> dict[str, Any]:
    """The message that ends operation "1" with errors. A busy machine may let a resync of the
    state the caller already saw come first (a grant reload re-sends it); nothing else may."""
    for _ in range(5):
        message = await client.receive()
        assert message["type"] == "next" and message["id"] == "1", message
        if "errors" in message["payload"]:
            return message
        state = message["payload"]["data"]["goNoGoSessionChanged"]
        assert (state["id"], state["votes"]) == (session_id, []), message
    pytest.fail("the subscription went on after its grant was revoked")


class TestARevokedGrantEndsTheSubscriptionsItAllowed:
    async def test_with_not_found_and_the_socket_kept(self, api: Api) -> None:
        made = await person(api)  # no grant of their own: only the one below
        bearer = {"authorization": f"Bearer {api.token(made['username'])}"}
        grant = {
            "personId": made["id"],
            "role": "VIEWER",
            "businessUnitId": (await ids(api))["payments"],
        }
        granted = await api.ok(GRANT_CREATE, {"i": grant})
        grant_id = granted["roleGrantCreate"]["roleGrant"]["id"]
        async with watching(api, bearer) as (host, client, session_id):
            await gql(host, api, GRANT_REVOKE, {"i": {"id": grant_id}}, "rmo")
            ended = await ending(client, session_id)
            assert [e["extensions"]["code"] for e in ended["payload"]["errors"]] == ["NOT_FOUND"]
            assert await client.receive() == {"id": "1", "type": "complete"}
            await client.send({"type": "ping"})  # the socket is still open
            assert json.loads(await asyncio.wait_for(client.ws.recv(), 10)) == {"type": "pong"}


class TestUnstorableTextInSubscribeVariables:
    @pytest.mark.parametrize("bad", ["a\x00b", "\ud800"])
    async def test_is_a_typed_refusal_of_that_operation_and_the_socket_stays(
        self, api: Api, bad: str
    ) -> None:
        session = await open_session(api)
        async with serving(api) as host, Client.connect(host) as client:
            ack = await client.init({"authorization": f"Bearer {api.token('viewer')}"})
            assert ack["type"] == "connection_ack"
            await client.subscribe("bad", SUBSCRIBE, {"id": session["id"], "extra": bad})
            refused = await client.receive()
            assert refused["type"] == "error" and refused["id"] == "bad", refused
            (error,) = refused["payload"]
            assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "variables.extra"}
            await client.subscribe("2", SUBSCRIBE, {"id": session["id"]})
            assert (await next_state(client, "2"))["id"] == session["id"]


class TestAMalformedSubscribe:
    @pytest.mark.parametrize("payload", ["not an object", [], {"query": 7}, {}])
    async def test_closes_the_socket_4400(self, api: Api, payload: Any) -> None:
        async with serving(api) as host, Client.connect(host) as client:
            ack = await client.init({"authorization": f"Bearer {api.token('viewer')}"})
            assert ack["type"] == "connection_ack"
            await client.send({"id": "1", "type": "subscribe", "payload": payload})
            assert await client.closed_with() == 4400


class TestTheRecheckSignal:
    async def test_a_quiet_feed_asks_for_a_recheck_after_the_bound(self) -> None:
        broker = Broker()
        with broker.subscribe("t") as feed:
            assert await _next_signal(feed, 0.05) == RECHECK
            broker.publish("t")
            assert await _next_signal(feed, 30) == CHANGED

    async def test_queued_signals_merge_resync_over_changed_over_recheck(self) -> None:
        broker = Broker()
        with broker.subscribe("a") as a, broker.subscribe("b") as b:
            broker.recheck_all()
            broker.publish("a")
            broker.recheck_all()
            assert await asyncio.wait_for(a.next(), 5) == CHANGED
            broker.publish("b", RESYNC)
            broker.recheck_all()
            assert await asyncio.wait_for(b.next(), 5) == RESYNC
            broker.recheck_all()
            assert await asyncio.wait_for(a.next(), 5) == RECHECK
