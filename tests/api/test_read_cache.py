"""The read cache of registered documents: kept per caller, never stale past a commit.

What is kept and for whom (registered queries only, no secrets, each caller their own), that a
committed write — through a mutation, a background writer, or another process over NOTIFY —
clears it before anyone is answered again, and that its settings change what it does.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from api.cli_documents import register
from api.graphql.read_cache import ReadCache, cacheable, secret_fields
from api.graphql.schema import build_schema
from api.settings import Settings
from domain.kernel.access import Actor
from tests.api.conftest import Api, serving, settings_for, unique

ABOUT = "query SbAbout { about { name version } }"
UNITS = """query CacheProbeUnits($id: ID!) {
  node(id: $id) { ... on BusinessUnit { key name version } } }"""
CREATE_UNIT = """mutation($i: BusinessUnitCreateInput!) {
  businessUnitCreate(input: $i) { businessUnit { id } errors { code } } }"""
RENAME_UNIT = """mutation($i: BusinessUnitUpdateInput!) {
  businessUnitUpdate(input: $i) { businessUnit { name } errors { code } } }"""


def _schema() -> Any:
    return build_schema(Settings())._schema


def _actor(name: str) -> Actor:
    return Actor(person_id=None, username=name, display_name=name, subjects=(f"user:{name}",))


# -- what may be kept ------------------------------------------------------------------------


def test_secret_bearing_fields_are_found_in_the_schema() -> None:
    secrets = secret_fields(_schema())
    assert ("ApiTokenCreatePayload", "secret") in secrets
    assert ("WebhookSecretCreatePayload", "secret") in secrets
    assert not any(field == "name" for _, field in secrets)


def test_only_queries_without_secrets_are_cacheable() -> None:
    schema = _schema()
    secrets = secret_fields(schema)
    assert cacheable(schema, secrets, ABOUT, None)
    assert cacheable(schema, secrets, UNITS, "CacheProbeUnits")
    assert not cacheable(schema, secrets, CREATE_UNIT, None)
    assert not cacheable(
        schema, secrets, 'subscription { goNoGoSessionChanged(sessionId: "x") { id } }', None
    )
    assert not cacheable(schema, secrets, "{ about { name", None)  # does not parse
    assert not cacheable(schema, secrets, ABOUT, "Other")  # no such operation
    # A query that reaches a secret-bearing field, through a fragment too, is never kept.
    flagged = secrets | {("About", "version")}
    assert cacheable(schema, flagged, "query Q { about { name } }", "Q")
    assert not cacheable(schema, flagged, ABOUT, None)
    spread = "query Q { about { ...F } } fragment F on About { version }"
    assert not cacheable(schema, flagged, spread, "Q")


def _cache(**kw: Any) -> tuple[ReadCache, list[float]]:
    now = [1000.0]
    cache = ReadCache(
        _schema(),
        max_age=kw.pop("max_age", 2.0),
        max_bytes=kw.pop("max_bytes", 1 << 20),
        is_registered=lambda text: text in (ABOUT, UNITS),
        clock=lambda: now[0],
    )
    return cache, now


def test_kept_per_caller_document_variables_and_media() -> None:
    cache, _ = _cache()
    ann, bob = _actor("ann"), _actor("bob")
    key = cache.key(UNITS, "CacheProbeUnits", {"first": 5}, "application/json", ann)
    assert key is not None
    assert cache.put(key, cache.epoch, b'{"data":1}', "application/json")
    got = cache.get(key)
    assert got is not None and got.body == b'{"data":1}'
    others = [
        cache.key(UNITS, "CacheProbeUnits", {"first": 5}, "application/json", bob),
        cache.key(UNITS, "CacheProbeUnits", {"first": 6}, "application/json", ann),
        cache.key(UNITS, "CacheProbeUnits", {"first": 5}, "application/graphql-response+json", ann),
    ]
    assert all(k is not None and cache.get(k) is None for k in others)
    # Variables in another order are the same question.
    same = cache.key(UNITS, "CacheProbeUnits", {"first": 5}, "application/json", ann)
    assert same == key
    # Not registered, or a mutation: never a key.
    assert cache.key("{ about { name } }", None, None, "application/json", ann) is None


def test_expiry_the_clock_set_back_and_a_clear_between_read_and_put() -> None:
    cache, now = _cache(max_age=2.0)
    key = cache.key(ABOUT, None, None, "application/json", _actor("ann"))
    assert key is not None
    epoch = cache.epoch
    cache.clear()  # a write committed while the answer was computed
    assert not cache.put(key, epoch, b"old", "application/json")
    assert cache.put(key, cache.epoch, b"new", "application/json")
    now[0] += 1.9
    assert cache.get(key) is not None
    now[0] += 0.2
    assert cache.get(key) is None  # older than max_age
    assert cache.put(key, cache.epoch, b"new", "application/json")
    now[0] -= 60  # a clock set back does not make an entry live longer
    assert cache.get(key) is None


def test_memory_is_bounded_least_recently_used_first() -> None:
    cache, _ = _cache(max_bytes=800)
    keys = [
        cache.key(UNITS, "CacheProbeUnits", {"first": n}, "application/json", _actor("a"))
        for n in range(10)
    ]
    for key in keys:
        assert key is not None and cache.put(key, cache.epoch, b"x" * 100, "application/json")
    assert len(cache) == 8
    assert cache.get(keys[0]) is None and cache.get(keys[9]) is not None  # type: ignore[arg-type]
    heavy = cache.key(ABOUT, None, None, "application/json", _actor("a"))
    assert heavy is not None and not cache.put(heavy, cache.epoch, b"x" * 101, "application/json")


def test_nothing_is_served_while_writes_may_have_been_missed() -> None:
    cache, _ = _cache()
    key = cache.key(ABOUT, None, None, "application/json", _actor("ann"))
    assert key is not None and cache.put(key, cache.epoch, b"x", "application/json")
    cache.serving = lambda: False  # the LISTEN connection is down
    assert cache.get(key) is None
    assert not cache.put(key, cache.epoch, b"x", "application/json")


# -- through the app -------------------------------------------------------------------------


async def _ask(
    api: Api, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> httpx.Response:
    response = await api.http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {api.token('rmo')}", **headers},
    )
    assert response.status_code == 200, response.text
    return response


async def _unit(api: Api, unit_id: str, **headers: str) -> dict[str, Any]:
    body = (await _ask(api, UNITS, {"id": unit_id}, **headers)).json()
    assert "errors" not in body, body
    return body["data"]["node"]  # type: ignore[no-any-return]


async def _new_unit(api: Api) -> str:
    key = unique("cache")
    created = await api.ok(CREATE_UNIT, {"i": {"key": key, "name": "Cached"}}, as_user="rmo")
    return str(created["businessUnitCreate"]["businessUnit"]["id"])


async def _rename(api: Api, unit: dict[str, Any], unit_id: str, name: str) -> None:
    variables = {"i": {"id": unit_id, "version": unit["version"], "name": name}}
    renamed = await api.ok(RENAME_UNIT, variables, as_user="rmo")
    assert renamed["businessUnitUpdate"]["businessUnit"]["name"] == name


@asynccontextmanager
async def _served(api: Api, **overrides: Any) -> AsyncIterator[Api]:
    """The test database served by an app of its own, which re-reads registered documents at
    every request, once it hears other processes' writes (PostgreSQL: LISTEN is current)."""
    settings = api.runtime.settings
    url, data = settings.effective_database_url, settings.data_dir
    async with serving(
        settings_for(url, data, trusted_documents_refresh_seconds=0, **overrides)
    ) as served:
        changes = served.runtime.data_changes
        assert changes is not None
        for _ in range(600):  # connects within milliseconds; bounded at 60 s on a busy machine
            if changes.current:
                break
            await asyncio.sleep(0.1)
        assert changes.current
        yield served


async def test_a_registered_query_is_kept_and_a_committed_write_clears_it(api: Api) -> None:
    await register(api.runtime, unique("cache-probe"), UNITS)
    async with _served(api) as served:
        await _kept_until_a_commit(served)


async def _a_hit(cache: ReadCache, ask: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Ask until one answer comes from the cache; every answer. Another runtime's write on the
    same database (a test beside this one) clears the cache at any moment, so a hit is looked
    for a few times, never expected at one exact ask."""
    hits, answers = cache.hits, []
    for _ in range(20):
        answers.append(await ask())
        if cache.hits > hits:
            return answers
    raise AssertionError("no answer came from the cache in 20 asks")


async def _kept_until_a_commit(api: Api) -> None:
    cache: ReadCache = api.app.state.read_cache
    unit_id = await _new_unit(api)
    first, *again = await _a_hit(cache, lambda: _unit(api, unit_id))
    assert again and all(answer == first for answer in again)  # the same, from the cache
    sre = {"authorization": f"Bearer {api.token('sre')}"}
    metrics = (await api.http.get("/metrics", headers=sre)).text
    assert re.search(r'signalbox_read_cache_answers_total\{outcome="hit"\} [1-9]', metrics)
    await _rename(api, first, unit_id, "Renamed")
    after = await _unit(api, unit_id)  # never the answer kept before the commit
    assert after["name"] == "Renamed" and after["version"] == first["version"] + 1


async def test_a_write_outside_any_mutation_clears_it_too(api: Api) -> None:
    """Background writers (sweeps, the audit sealer, imports) commit without GraphQL."""
    await register(api.runtime, unique("cache-probe"), UNITS)
    async with _served(api) as served:
        cache: ReadCache = served.app.state.read_cache
        unit_id = await _new_unit(served)
        await _a_hit(cache, lambda: _unit(served, unit_id))
        async with served.runtime.db.engine.begin() as conn:
            await conn.execute(text("UPDATE business_units SET name = name WHERE 1 = 0"))
        assert len(cache) == 0


async def test_ad_hoc_documents_and_no_cache_requests_run_every_time(api: Api) -> None:
    cache: ReadCache = api.app.state.read_cache
    hits = cache.hits
    await _ask(api, "{ about { name } }")
    await _ask(api, "{ about { name } }")
    await _ask(api, ABOUT, **{"cache-control": "no-cache"})
    await _ask(api, ABOUT, **{"cache-control": "no-cache"})
    assert cache.hits == hits


async def test_another_caller_is_never_served_someone_elses_answer(api: Api) -> None:
    cache: ReadCache = api.app.state.read_cache
    await _ask(api, ABOUT, **{"cache-control": "no-cache"})
    hits = cache.hits
    response = await api.http.post(
        "/graphql",
        json={"query": ABOUT},
        headers={"authorization": f"Bearer {api.token('viewer')}"},
    )
    assert response.status_code == 200
    assert cache.hits == hits


async def test_read_cache_seconds_zero_turns_it_off(api: Api) -> None:
    """The setting decides: with it the same ask comes from the cache, without never."""
    async with _served(api, read_cache_seconds=5.0) as served:
        await _a_hit(served.app.state.read_cache, lambda: _ask(served, ABOUT))
    async with _served(api, read_cache_seconds=0.0) as served:
        for _ in range(20):
            await _ask(served, ABOUT)
        assert served.app.state.read_cache.hits == 0


@pytest.mark.postgres_only
async def test_another_process_write_clears_it_over_notify(api: Api) -> None:
    """PostgreSQL: a second app (another process's runtime) commits; ours forgets."""
    async with _served(api) as ours, _served(api) as other:
        await register(ours.runtime, unique("cache-probe"), UNITS)
        cache: ReadCache = ours.app.state.read_cache
        unit_id = await _new_unit(ours)
        before = (await _a_hit(cache, lambda: _unit(ours, unit_id)))[0]
        await _rename(other, before, unit_id, "Elsewhere")
        for _ in range(600):  # the notification arrives within milliseconds; bounded at 60 s
            if len(cache) == 0:
                break
            await asyncio.sleep(0.1)
        assert len(cache) == 0
        assert (await _unit(ours, unit_id))["name"] == "Elsewhere"


@pytest.mark.postgres_only
async def test_nothing_is_served_while_the_listen_connection_is_down(api: Api) -> None:
    """Writes of other processes could be missed then: every ask runs."""
    async with _served(api) as served:
        changes = served.runtime.data_changes
        assert changes is not None and changes.listener is not None
        cache: ReadCache = served.app.state.read_cache
        await _ask(served, ABOUT)
        await changes.listener.stop()
        assert not changes.current
        hits = cache.hits
        await _ask(served, ABOUT)
        await _ask(served, ABOUT)
        assert cache.hits == hits
