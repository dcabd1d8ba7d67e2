"""A database out of reach gets one retryable answer on every path: 503 JSON, code UNAVAILABLE,
Retry-After; never a plain-text 500, never a stored answer, and the retry runs once."""

from __future__ import annotations

import asyncio
import http.client
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from api import last_resort
from api.app import create_app
from demo.organization import load_demo
from tests.api.conftest import Api, serving, settings_for, unique
from tests.api.test_idempotency_exactly_once import (
    TEAM_CREATE,
    codes,
    failing_once,
    team_input,
    teams_and_audits,
)
from tests.support.live_server import live_server

pytestmark = pytest.mark.fault
QUERY = "{ businessUnits { nodes { key } } }"


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["retry-after"]
    assert codes(response) == ["UNAVAILABLE"]


@asynccontextmanager
async def database_down(api: Api) -> AsyncIterator[None]:
    """Every pooled connection dropped and every new one refused, as a stopped server does."""

    def refuse(*_: Any) -> None:
        raise ConnectionRefusedError(111, "Connection refused (the test stopped the database)")

    engine = api.runtime.db.engine
    event.listen(engine.sync_engine, "do_connect", refuse)
    await engine.dispose()
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "do_connect", refuse)


class TestAStoppedDatabase:
    async def test_reads_writes_keyed_writes_and_machine_endpoints_answer_503_json(
        self, api: Api
    ) -> None:
        token = api.token("rmo")
        auth = {"authorization": f"Bearer {token}"}
        assert (await api.post(QUERY, token=token)).status_code == 200
        variables = await team_input(api, "down")
        keyed = {"idempotency-key": unique("k")}
        async with database_down(api):
            assert_unavailable(await api.post(QUERY, token=token))
            assert_unavailable(await api.post(TEAM_CREATE, variables, token=token))
            assert_unavailable(await api.post(TEAM_CREATE, variables, token=token, headers=keyed))
            ask = {"service": "payments-api", "environment": "production", "version": "1.0.0"}
            assert_unavailable(await api.http.get("/decisions", params=ask, headers=auth))
            assert_unavailable(await api.http.post("/decisions", json=ask, headers=auth))
        retry = await api.post(TEAM_CREATE, variables, token=token, headers=keyed)
        assert "idempotent-replayed" not in retry.headers
        assert retry.json()["data"]["teamCreate"]["errors"] == []
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)


class TestAFailureBeforeTheCommit:
    async def test_a_mutation_without_a_key_gets_the_retryable_error(self, api: Api) -> None:
        variables = await team_input(api, "plain")
        with failing_once(api, "INSERT INTO TEAMS", ConnectionResetError("dropped")):
            failed = await api.post(TEAM_CREATE, variables)
        assert_unavailable(failed)
        assert await teams_and_audits(api, variables["input"]["key"]) == (0, 0)
        assert (await api.post(TEAM_CREATE, variables)).json()["data"]["teamCreate"]["errors"] == []


@asynccontextmanager
async def teams_locked(api: Api, url: str) -> AsyncIterator[None]:
    """Another session holds a lock on the teams (PostgreSQL) or the database (SQLite)."""
    if make_url(url).get_backend_name() == "sqlite":
        # Taken off the event loop: a writer of this process (the session-wide app's outbox
        # delivery, say) may be mid-transaction on the shared file, and it can only commit
        # while the loop runs. A busy wait on the loop itself would wait for it forever.
        holder = await asyncio.to_thread(_write_lock, make_url(url).database or "")
        try:
            yield
        finally:
            await asyncio.to_thread(_release, holder)
        return
    async with api.runtime.db.engine.connect() as conn:
        await conn.execute(text("LOCK TABLE teams IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            await conn.rollback()


def _write_lock(path: str) -> sqlite3.Connection:
    """SQLite's write lock on `path`, waiting (generously) for the writer that holds it."""
    holder = sqlite3.connect(path, isolation_level=None, timeout=120, check_same_thread=False)
    try:
        holder.execute("BEGIN IMMEDIATE")
    except BaseException:
        holder.close()
        raise
    return holder


def _release(holder: sqlite3.Connection) -> None:
    holder.execute("ROLLBACK")
    holder.close()


class TestTheLockHolder:
    async def test_waits_for_a_writer_on_this_event_loop_to_commit_first(
        self, api: Api, migrated_url: str
    ) -> None:
        """The writer's commit needs the loop: a holder that blocked the loop while waiting
        for the lock would never get it (the SQLite half failed so in the whole suite)."""
        wrote = asyncio.Event()

        async def writer() -> None:
            async with api.runtime.db.engine.begin() as conn:
                await conn.execute(text("UPDATE teams SET name = name WHERE key = 'no-such'"))
                wrote.set()
                for _ in range(3):  # a transaction that needs the loop to go on
                    await asyncio.sleep(0.05)
                    await conn.execute(text("SELECT count(*) FROM teams"))

        task = asyncio.create_task(writer())
        await asyncio.wait_for(wrote.wait(), 60)
        # A holder that blocked the loop fails here with "database is locked" (SQLite).
        async with teams_locked(api, migrated_url):
            pass
        await asyncio.wait_for(task, 60)  # and the writer committed


@pytest.fixture
async def short_statements(migrated_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    async with serving(settings_for(migrated_url, tmp_path, statement_timeout_ms=500)) as api:
        await load_demo(api.runtime)
        yield api


class TestALockTimeoutDuringAKeyedMutation:
    async def test_is_503_and_the_retry_succeeds_exactly_once(
        self, short_statements: Api, migrated_url: str
    ) -> None:
        api = short_statements
        variables = await team_input(api, "locked")
        headers = {"idempotency-key": unique("k")}
        token = api.token("rmo")
        assert (await api.post(QUERY, token=token)).status_code == 200
        async with teams_locked(api, migrated_url):
            assert_unavailable(await api.post(TEAM_CREATE, variables, token=token, headers=headers))
        retry = await api.post(TEAM_CREATE, variables, token=token, headers=headers)
        assert "idempotent-replayed" not in retry.headers
        assert retry.json()["data"]["teamCreate"]["errors"] == []
        again = await api.post(TEAM_CREATE, variables, token=token, headers=headers)
        assert again.headers.get("idempotent-replayed") == "true"
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)


class TestTheConnectionIsKept:
    async def test_503_answers_over_real_http_keep_the_connection_and_the_retry_runs_once(
        self, api: Api, migrated_url: str
    ) -> None:
        # The same data directory as `api`: the same local token issuer, so its tokens work.
        app = create_app(settings_for(migrated_url, api.runtime.settings.data_dir))
        token = api.token("rmo")
        variables = await team_input(api, "alive")
        keyed = {"idempotency-key": unique("k")}
        every_statement = StatementsFail()
        with live_server(app) as port:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                first = await asyncio.to_thread(post, conn, token, QUERY, None, {})
                assert first.status == 200
                socket_before = conn.sock
                engine = app.state.runtime.db.engine.sync_engine
                event.listen(engine, "before_cursor_execute", every_statement)
                try:
                    for query, vars_, headers in (
                        (QUERY, None, {}),
                        (TEAM_CREATE, variables, {}),
                        (TEAM_CREATE, variables, keyed),
                    ):
                        down = await asyncio.to_thread(post, conn, token, query, vars_, headers)
                        assert down.status == 503, down.body
                        assert down.content_type.startswith("application/json")
                        assert down.retry_after
                        assert orjson.loads(down.body)["errors"][0]["extensions"]["code"] == (
                            "UNAVAILABLE"
                        )
                        assert not down.will_close
                finally:
                    event.remove(engine, "before_cursor_execute", every_statement)
                retry = await asyncio.to_thread(post, conn, token, TEAM_CREATE, variables, keyed)
                assert conn.sock is socket_before, "the connection was closed and reopened"
            finally:
                conn.close()
        assert every_statement.refused >= 3
        assert retry.status == 200
        assert orjson.loads(retry.body)["data"]["teamCreate"]["errors"] == []
        assert await teams_and_audits(api, variables["input"]["key"]) == (1, 1)


class StatementsFail:
    """Every statement fails as on a dropped connection, while listening."""

    def __init__(self) -> None:
        self.refused = 0

    def __call__(self, *_: Any) -> None:
        self.refused += 1
        raise ConnectionResetError(104, "Connection reset by peer (the test dropped it)")


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    retry_after: str | None
    will_close: bool
    body: bytes


def post(
    conn: http.client.HTTPConnection,
    token: str,
    query: str,
    variables: dict[str, Any] | None,
    headers: dict[str, str],
) -> Answer:
    """One POST /graphql over `conn`, kept open between calls (blocking: run it in a thread)."""
    body = orjson.dumps({"query": query, "variables": variables})
    all_headers = {
        "authorization": f"Bearer {token}",
        "content-type": "application/json",
        **headers,
    }
    conn.request("POST", "/graphql", body=body, headers=all_headers)
    response = conn.getresponse()
    data = response.read()
    return Answer(
        response.status,
        response.getheader("content-type", ""),
        response.getheader("retry-after"),
        bool(response.will_close),
        data,
    )


class TestAnUnhandledDatabaseError:
    async def test_an_endpoint_that_did_not_answer_it_gets_a_masked_json_500(
        self, api: Api
    ) -> None:
        auth = {"authorization": f"Bearer {api.token('rmo')}", "x-request-id": "req-db-500"}
        ask = {"service": "payments-api", "environment": "production", "version": "1.0.0"}
        bug = ProgrammingError("SELECT", {}, Exception("secret detail of the statement"))
        await api.http.get("/decisions", params=ask, headers=auth)  # the token is known now
        with failing_once(api, "SELECT", bug):
            response = await api.http.get("/decisions", params=ask, headers=auth)
        assert response.status_code == 500
        assert response.headers["content-type"].startswith("application/json")
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-db-500"}
        assert "secret detail" not in response.text

    async def test_it_is_the_one_masked_answer_of_the_last_resort(
        self, api: Api, caplog: pytest.LogCaptureFixture
    ) -> None:
        auth = {"authorization": f"Bearer {api.token('rmo')}", "x-request-id": "req-db-one"}
        ask = {"service": "payments-api", "environment": "production", "version": "1.0.0"}
        bug = ProgrammingError("SELECT", {}, Exception("another detail of the statement"))
        await api.http.get("/decisions", params=ask, headers=auth)
        with caplog.at_level(logging.ERROR, "signalbox.http"), failing_once(api, "SELECT", bug):
            response = await api.http.get("/decisions", params=ask, headers=auth)
        assert response.status_code == 500
        assert response.json() == {
            "errors": [
                {
                    "message": last_resort.MESSAGE,
                    "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-db-one"},
                }
            ]
        }
        assert response.headers["x-request-id"] == "req-db-one"
        logged = [r for r in caplog.records if getattr(r, "request_id", None) == "req-db-one"]
        assert [r.exc_info[1] if r.exc_info else None for r in logged] == [bug]

    async def test_statement_parameters_never_reach_the_error_text(self, api: Api) -> None:
        async with api.runtime.db.read_session() as session:
            with pytest.raises(DBAPIError) as caught:
                await session.execute(
                    text("SELECT * FROM no_such_table WHERE x = :v"), {"v": "sbx_secret_value"}
                )
        assert "no_such_table" in str(caught.value)
        assert "sbx_secret_value" not in str(caught.value)
