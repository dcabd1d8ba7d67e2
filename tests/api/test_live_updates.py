"""Live go/no-go over graphql-transport-ws, against a real uvicorn server on 127.0.0.1.

The server runs in this process on a free port, over the test database of each dialect (the
`api` fixture loaded the demo into it and shares its local issuer's key). Votes are cast over
HTTP on the same server; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin, Subprotocol

from api.app import create_app
from tests.api.conftest import Api, settings_for
from tests.api.governance_support import OPEN, payload, submitted

PROTOCOL = Subprotocol("graphql-transport-ws")
WAIT = 10.0
SUBSCRIBE = """subscription($id: ID!) { goNoGoSessionChanged(sessionId: $id) {
  id status outcome decidedByRule version
  votes { voterName discipline choice rationale voter { username } }
  currentDecision { outcome ruleClause } } }"""
VOTE = """mutation($i: GoNoGoVoteInput!) { goNoGoVote(input: $i) {
  goNoGoSession { id } errors { code message } } }"""
CLOSE = """mutation($i: GoNoGoCloseInput!) { goNoGoClose(input: $i) {
  goNoGoSession { id status } errors { code message } } }"""


# -- a real server and a graphql-transport-ws client (also used by test_live_processes) -------


@asynccontextmanager
async def serving(api: Api, **overrides: Any) -> AsyncIterator[str]:
    """A uvicorn server in this process on a free loopback port; yields `127.0.0.1:<port>`."""
    async with serving_app(api, **overrides) as (host, _app):
        yield host


@asynccontextmanager
async def serving_app(api: Api, **overrides: Any) -> AsyncIterator[tuple[str, Starlette]]:
    """Like `serving`, yielding the app too (its runtime is `app.state.runtime`)."""
    settings = settings_for(
        api.runtime.settings.effective_database_url,
        api.runtime.settings.data_dir,  # the same local issuer key: the fixture's tokens work
        **overrides,
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(settings)
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", ws="auto")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(WAIT):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield f"127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        try:
            async with asyncio.timeout(WAIT):
                await task
        finally:
            sock.close()


class Client:
    """A graphql-transport-ws client over the `websockets` library."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    @asynccontextmanager
    async def connect(cls, host: str, *, origin: str | None = None) -> AsyncIterator[Client]:
        async with connect(
            f"ws://{host}/graphql",
            subprotocols=[PROTOCOL],
            origin=Origin(origin) if origin else None,
            proxy=None,
            open_timeout=WAIT,
            close_timeout=2,
        ) as ws:
            yield cls(ws)

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        async with asyncio.timeout(WAIT):
            while True:
                message = json.loads(await self.ws.recv())
                if message["type"] == "ping":
                    await self.send({"type": "pong"})
                    continue
                return message  # type: ignore[no-any-return]

    async def init(self, payload: dict[str, Any] | None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, op_id: str, query: str, variables: dict[str, Any]) -> None:
        await self.send(
            {"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}
        )

    async def closed_with(self) -> int:
        """Wait for the server to close the socket; its close code."""
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(WAIT):
                while True:
                    await self.ws.recv()
        assert closed.value.rcvd is not None
        return closed.value.rcvd.code


async def next_state(client: Client, op_id: str = "1") -> dict[str, Any]:
    message = await client.receive()
    assert message["type"] == "next" and message["id"] == op_id, message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["goNoGoSessionChanged"]  # type: ignore[no-any-return]


async def gql(host: str, api: Api, query: str, variables: dict[str, Any], user: str) -> Any:
    async with httpx.AsyncClient(base_url=f"http://{host}", timeout=WAIT, trust_env=False) as h:
        response = await h.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {api.token(user)}"},
        )
    body = response.json()
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    assert payload["errors"] == [], payload
    return payload


async def open_session(api: Api) -> dict[str, Any]:
    """A session of the demo's payments board on a new submitted release.

    Its members are demo users (approver, engineer, eng-approver, product-owner, legal,
    compliance): no people are added to the shared test database (other tests list the first
    200 people).
    """
    boards = await api.ok("{ boards(first: 100) { nodes { id key } } }")
    board = next(b["id"] for b in boards["boards"]["nodes"] if b["key"] == "payments-cab")
    rel = await submitted(api)
    opened = payload(await api.gql(OPEN, {"i": {"releaseId": rel["id"], "boardId": board}}))
    assert opened["errors"] == [], opened
    return opened["goNoGoSession"]  # type: ignore[no-any-return]


# -- behaviours ------------------------------------------------------------------------------


class TestAVoteReachesTheViewer:
    async def test_the_viewer_sees_the_session_then_each_vote_then_the_close(
        self, api: Api
    ) -> None:
        session = await open_session(api)
        async with serving(api) as host, Client.connect(host) as viewer:
            ack = await viewer.init({"authorization": f"Bearer {api.token('viewer')}"})
            assert ack["type"] == "connection_ack"
            await viewer.subscribe("1", SUBSCRIBE, {"id": session["id"]})
            first = await next_state(viewer)
            assert (first["id"], first["status"], first["votes"]) == (session["id"], "OPEN", [])

            await gql(
                host,
                api,
                VOTE,
                {"i": {"sessionId": session["id"], "choice": "GO", "rationale": "Tests green."}},
                "approver",
            )
            after_vote = await next_state(viewer)
            assert [
                (v["voter"]["username"], v["choice"], v["rationale"]) for v in after_vote["votes"]
            ] == [("approver", "GO", "Tests green.")]
            assert after_vote["currentDecision"]["outcome"] == "NO_QUORUM"  # 1 vote of 3

            await gql(
                host,
                api,
                CLOSE,
                {"i": {"id": session["id"], "version": after_vote["version"]}},
                "rmo",
            )
            closed = await next_state(viewer)
            for _ in range(5):  # a repeated signal re-sends the open state (harmless by design)
                if closed["status"] == "CLOSED":
                    break
                closed = await next_state(viewer)
            assert (closed["status"], closed["outcome"]) == ("CLOSED", "NO_QUORUM")
            assert closed["decidedByRule"]
            assert await viewer.receive() == {"id": "1", "type": "complete"}

    async def test_a_token_in_the_token_field_is_accepted_too(self, api: Api) -> None:
        async with serving(api) as host, Client.connect(host) as client:
            ack = await client.init({"token": api.token("viewer")})
            assert ack["type"] == "connection_ack"


class TestAuthentication:
    @pytest.mark.parametrize(
        "payload",
        [None, {"authorization": "Bearer not-a-token"}, {"token": "sbx_unknown"}],
        ids=["no token", "bad jwt", "unknown api token"],
    )
    async def test_a_socket_without_a_valid_token_is_closed_4401(
        self, api: Api, payload: dict[str, Any] | None
    ) -> None:
        async with serving(api) as host, Client.connect(host) as client:
            await client.send({"type": "connection_init", "payload": payload or {}})
            assert await client.closed_with() == 4401

    async def test_subscribing_before_connection_init_is_closed_4401(self, api: Api) -> None:
        async with serving(api) as host, Client.connect(host) as client:
            await client.subscribe("1", SUBSCRIBE, {"id": "R29Ob0dvU2Vzc2lvbjo="})
            assert await client.closed_with() == 4401


class TestScope:
    async def test_a_session_outside_your_bus_is_not_found(self, api: Api) -> None:
        session = await open_session(api)  # in payments
        async with serving(api) as host, Client.connect(host) as client:
            await client.init({"token": api.token("retail-admin")})
            await client.subscribe("1", SUBSCRIBE, {"id": session["id"]})
            message = await client.receive()
            assert message["type"] == "error", message
            assert [e["extensions"]["code"] for e in message["payload"]] == ["NOT_FOUND"]

    async def test_queries_and_mutations_go_over_http_not_the_socket(self, api: Api) -> None:
        async with serving(api) as host, Client.connect(host) as client:
            await client.init({"token": api.token("viewer")})
            await client.subscribe("1", "{ about { name } }", {})
            message = await client.receive()
            assert message["type"] == "error", message
            assert [e["extensions"]["code"] for e in message["payload"]] == ["BAD_USER_INPUT"]


class TestOverHttp:
    async def test_a_subscription_posted_over_http_is_refused_with_a_reason(self, api: Api) -> None:
        response = await api.post(SUBSCRIBE, {"id": "R29Ob0dvU2Vzc2lvbjo="}, as_user="viewer")
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestOrigins:
    PORTAL = "https://portal.example"

    async def test_an_origin_outside_the_allowlist_is_refused(self, api: Api) -> None:
        async with serving(api, cors_origins=[self.PORTAL]) as host:
            with pytest.raises(InvalidStatus) as refused:
                async with Client.connect(host, origin="https://evil.example"):
                    pass
            assert refused.value.response.status_code == 403

    @pytest.mark.parametrize("origin", [PORTAL, None, "same"])
    async def test_allowlisted_same_origin_and_originless_clients_connect(
        self, api: Api, origin: str | None
    ) -> None:
        async with serving(api, cors_origins=[self.PORTAL]) as host:
            sent = f"http://{host}" if origin == "same" else origin
            async with Client.connect(host, origin=sent) as client:
                ack = await client.init({"token": api.token("viewer")})
                assert ack["type"] == "connection_ack"

    async def test_without_an_allowlist_other_origins_are_refused(self, api: Api) -> None:
        async with serving(api) as host:
            with pytest.raises(InvalidStatus):
                async with Client.connect(host, origin=self.PORTAL):
                    pass


@pytest.mark.postgres_only
class TestResyncAfterReconnect:
    async def test_a_lost_listen_connection_makes_subscribers_read_again(self, api: Api) -> None:
        session = await open_session(api)
        async with serving_app(api) as (host, app), Client.connect(host) as viewer:
            listener = app.state.runtime.live.listener
            async with asyncio.timeout(WAIT):
                await listener.wait_connected()
            await viewer.init({"token": api.token("viewer")})
            await viewer.subscribe("1", SUBSCRIBE, {"id": session["id"]})
            first = await next_state(viewer)
            before = listener.connections
            pid = listener.backend_pid
            async with api.runtime.db.engine.connect() as conn:
                await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            again = await next_state(viewer)  # the resync after reconnecting, bounded by WAIT
            assert listener.connections > before
            assert again == first
