"""A revocation made in one process is honoured by another, whatever its LISTEN connection does.

Two apps on one PostgreSQL database, each with its own engine, grant watcher and caches (two
workers). Process A revokes an API token, deactivates a person or revokes a role grant; process
B, whose caches hold the token row, the verified JWT and the grants, must refuse:

- while B's listener is down (the notification is lost to B): on the very next request, since
  B then checks the database instead of its caches;
- after B's listener reconnects: the reload after reconnecting drops every cached token and
  verified JWT, so nothing missed while away survives;
- through a blip (every grant listener of this database killed with pg_terminate_backend, found
  by its application_name): within a bounded poll. The time it takes is measured by
  bench/revocation_bench.py, not asserted here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from authz.watcher import GrantWatcher
from tests.api.conftest import Api, ids, serving, settings_for, unique

pytestmark = pytest.mark.fault
POLL_BOUND = 15.0  # generous: a busy machine; the product promises 2 s (see the bench)
PERSON_CREATE = """mutation($i: PersonCreateInput!) {
  personCreate(input: $i) { person { id username version } errors { code } } }"""
GRANT_CREATE = """mutation($i: RoleGrantCreateInput!) {
  roleGrantCreate(input: $i) { roleGrant { id } errors { code } } }"""
GRANT_REVOKE = """mutation($i: RoleGrantRevokeInput!) {
  roleGrantRevoke(input: $i) { errors { code } } }"""
TOKEN_CREATE = """mutation($i: ApiTokenCreateInput!) {
  apiTokenCreate(input: $i) { secret apiToken { id } errors { code } } }"""
TOKEN_REVOKE = """mutation($i: ApiTokenRevokeInput!) {
  apiTokenRevoke(input: $i) { errors { code } } }"""
PERSON_UPDATE = """mutation($i: PersonUpdateInput!) {
  personUpdate(input: $i) { errors { code } } }"""
READABLE_UNITS = "{ businessUnits { nodes { id } } }"
KILL_GRANT_LISTENERS = text(
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
    " WHERE datname = current_database() AND application_name = 'signalbox-grants'"
)


@pytest.fixture
async def worker_b(migrated_url: str, api: Api) -> AsyncIterator[Api]:
    # The same data directory: both workers trust the same local issuer key.
    async with serving(settings_for(migrated_url, Path(api.runtime.settings.data_dir))) as b:
        await until_current(b)
        yield b


@asynccontextmanager
async def listener_down(worker: Api) -> AsyncIterator[None]:
    """The worker's grant watcher is stopped for the block: notifications are lost to it."""
    watcher = watcher_of(worker)
    await watcher.stop()
    try:
        yield
    finally:
        await watcher.start()


def watcher_of(worker: Api) -> GrantWatcher:
    watcher = worker.runtime.grant_watcher
    assert watcher is not None
    return watcher


async def until_current(worker: Api) -> None:
    watcher = watcher_of(worker)
    deadline = time.monotonic() + POLL_BOUND
    while not watcher.current:
        assert time.monotonic() < deadline, "the grant watcher never became current"
        await asyncio.sleep(0.02)


@dataclass
class Person:
    """Someone with a BU_ADMIN grant, a JWT and an API token of that scope."""

    id: str
    version: int
    grant_id: str
    jwt: str
    api_token: str
    api_token_id: str
    bu: str


async def someone(a: Api) -> Person:
    bu = (await ids(a))["payments"]
    made = (await a.ok(PERSON_CREATE, {"i": {"username": unique("rv"), "displayName": "R"}}))[
        "personCreate"
    ]["person"]
    grant = await a.ok(
        GRANT_CREATE, {"i": {"personId": made["id"], "role": "BU_ADMIN", "businessUnitId": bu}}
    )
    jwt = a.token(made["username"])
    scopes = [{"role": "BU_ADMIN", "businessUnitId": bu}]
    token = (await a.ok(TOKEN_CREATE, {"i": {"name": unique("ci"), "scopes": scopes}}, token=jwt))[
        "apiTokenCreate"
    ]
    return Person(
        id=made["id"],
        version=made["version"],
        grant_id=grant["roleGrantCreate"]["roleGrant"]["id"],
        jwt=jwt,
        api_token=token["secret"],
        api_token_id=token["apiToken"]["id"],
        bu=bu,
    )


async def accepted(worker: Api, bearer: str) -> bool:
    """Whether the worker takes this bearer at all."""
    response = await worker.post("{ about { name } }", token=bearer)
    if response.status_code == 401:
        return False
    assert response.status_code == 200, response.text
    return True


async def may_administer(worker: Api, person: Person, bearer: str) -> bool:
    """Whether the worker lets this bearer read the person's BU (only the grant gives it)."""
    response = await worker.post(READABLE_UNITS, token=bearer)
    if response.status_code == 401:
        return False
    body = response.json()
    assert "errors" not in body, body
    return person.bu in {n["id"] for n in body["data"]["businessUnits"]["nodes"]}


async def warmed(b: Api, person: Person) -> None:
    """B has the token row, the verified JWT and the person's grants in memory."""
    assert await accepted(b, person.api_token)
    assert await accepted(b, person.jwt)
    assert await may_administer(b, person, person.jwt)
    assert await may_administer(b, person, person.api_token)


async def refused_within_bound(probe: Callable[[], Awaitable[bool]]) -> None:
    """Poll B, bounded; the revoked credential must be refused and stay refused."""
    deadline = time.monotonic() + POLL_BOUND
    while await probe():
        assert time.monotonic() < deadline, "B still accepts a revoked credential"
        await asyncio.sleep(0.05)
    for _ in range(3):
        assert not await probe()


async def revoke_token(a: Api, person: Person) -> None:
    await a.ok(TOKEN_REVOKE, {"i": {"id": person.api_token_id}})


async def deactivate(a: Api, person: Person) -> None:
    await a.ok(PERSON_UPDATE, {"i": {"id": person.id, "version": person.version, "active": False}})


async def revoke_grant(a: Api, person: Person) -> None:
    await a.ok(GRANT_REVOKE, {"i": {"id": person.grant_id}})


@pytest.mark.postgres_only
class TestWhileTheListenerIsDown:
    """B's watcher is stopped, so A's notification never reaches B: B asks the database."""

    async def test_a_revoked_api_token_is_refused_on_the_next_request(
        self, api: Api, worker_b: Api
    ) -> None:
        person = await someone(api)
        await warmed(worker_b, person)
        async with listener_down(worker_b):
            await revoke_token(api, person)
            assert not await accepted(worker_b, person.api_token)
            assert await accepted(worker_b, person.jwt)  # nothing else was revoked

    async def test_a_deactivated_persons_jwt_is_refused_on_the_next_request(
        self, api: Api, worker_b: Api
    ) -> None:
        person = await someone(api)
        await warmed(worker_b, person)
        async with listener_down(worker_b):
            await deactivate(api, person)
            assert not await accepted(worker_b, person.jwt)
            assert not await accepted(worker_b, person.api_token)

    async def test_a_revoked_role_is_refused_on_the_next_request(
        self, api: Api, worker_b: Api
    ) -> None:
        person = await someone(api)
        await warmed(worker_b, person)
        async with listener_down(worker_b):
            await revoke_grant(api, person)
            assert await accepted(worker_b, person.jwt)  # still signed in
            assert not await may_administer(worker_b, person, person.jwt)


@pytest.mark.postgres_only
class TestAfterTheListenerReconnects:
    """Changes missed while away are not served from caches once B is current again."""

    async def test_no_cached_token_or_jwt_survives_the_reload(
        self, api: Api, worker_b: Api
    ) -> None:
        person, other = await someone(api), await someone(api)
        await warmed(worker_b, person)
        await warmed(worker_b, other)
        async with listener_down(worker_b):
            await revoke_token(api, person)  # the notification is lost to B
            await deactivate(api, other)
        await until_current(worker_b)
        assert not await accepted(worker_b, person.api_token)
        assert not await accepted(worker_b, other.jwt)
        assert await accepted(worker_b, person.jwt)


@pytest.mark.postgres_only
class TestThroughABlip:
    """Every grant listener of the database is killed just before A revokes."""

    async def _blip(self, api: Api) -> None:
        async with api.runtime.db.engine.connect() as conn:
            killed = await conn.scalar(KILL_GRANT_LISTENERS)
        assert killed is not None and killed >= 2  # A's and B's

    async def test_a_revoked_api_token(self, api: Api, worker_b: Api) -> None:
        person = await someone(api)
        await warmed(worker_b, person)
        await self._blip(api)
        await revoke_token(api, person)
        await refused_within_bound(lambda: accepted(worker_b, person.api_token))
        await until_current(worker_b)
        assert await accepted(worker_b, person.jwt)

    async def test_a_deactivated_persons_jwt(self, api: Api, worker_b: Api) -> None:
        person = await someone(api)
        await warmed(worker_b, person)
        await self._blip(api)
        await deactivate(api, person)
        await refused_within_bound(lambda: accepted(worker_b, person.jwt))

    async def test_a_revoked_role(self, api: Api, worker_b: Api) -> None:
        person = await someone(api)
        await warmed(worker_b, person)
        await self._blip(api)
        await revoke_grant(api, person)
        await refused_within_bound(lambda: may_administer(worker_b, person, person.jwt))
        await until_current(worker_b)
        assert not await may_administer(worker_b, person, person.jwt)


@pytest.mark.postgres_only
class TestTheLease:
    """SIGNALBOX_REVOCATION_LEASE_SECONDS: how long a worker trusts a silent listener."""

    async def test_a_stalled_worker_stops_trusting_its_caches_after_its_lease(
        self, migrated_url: str, api: Api
    ) -> None:
        data = Path(api.runtime.settings.data_dir)
        short = settings_for(migrated_url, data, revocation_lease_seconds=0.6)
        long = settings_for(migrated_url, data, revocation_lease_seconds=30.0)
        async with serving(short) as brief, serving(long) as patient:
            await until_current(brief)
            await until_current(patient)
            # The event loop is held, as in a stalled process: no ping can be answered.
            time.sleep(0.8)  # noqa: ASYNC251
            assert not watcher_of(brief).current
            assert watcher_of(patient).current
            await until_current(brief)
