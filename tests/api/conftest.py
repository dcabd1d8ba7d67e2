"""An app per dialect over the migrated test database, with the demo enterprise loaded."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from cryptography.fernet import Fernet
from starlette.applications import Starlette

from api.app import create_app
from api.runtime import Runtime
from api.settings import Settings
from demo.organization import load_demo
from domain.migrations import upgrade_async


@dataclass
class Api:
    """A client for the app under test, speaking as a demo user or with any token."""

    app: Starlette
    http: httpx.AsyncClient
    runtime: Runtime

    def token(self, username: str, ttl: timedelta = timedelta(hours=1)) -> str:
        issuer = self.runtime.authenticator.local_issuer
        assert issuer is not None
        return issuer.mint(
            username, username=username, name=username, ttl=ttl, now=self.runtime.clock.now()
        )

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user: str | None = "rmo",
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        response = await self.post(query, variables, as_user=as_user, token=token, headers=headers)
        return response.json()  # type: ignore[no-any-return]

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        as_user: str | None = "rmo",
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        bearer = token or (self.token(as_user) if as_user else None)
        if bearer:
            all_headers["authorization"] = f"Bearer {bearer}"
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=all_headers
        )

    async def ok(
        self, query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """Run and insist on success: no top-level errors and no payload errors."""
        body = await self.gql(query, variables, **kw)
        assert "errors" not in body, body
        for value in (body.get("data") or {}).values():
            if isinstance(value, dict) and "errors" in value:
                assert value["errors"] == [], value["errors"]
        return body["data"]  # type: ignore[no-any-return]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def settings_for(url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": url,
        "data_dir": data_dir,
        "env": "test",
        "auto_migrate": False,
        "log_json": False,
        # Generous on a busy machine (the suite runs beside other work): a request waits for a
        # pooled connection far longer than production allows before it counts as a failure.
        # The tests of that limit set their own (test_outage).
        "db_pool_timeout_seconds": 30.0,
        # Checkpoints are taken on demand in the tests that need them, never in the background.
        "audit_checkpoint_seconds": 0,
        # Likewise the audit journal is chained when the trail is read, not in the background:
        # what a test leaves journaled stays so until it (or the next test) reads the trail.
        "audit_seal_seconds": 0,
        # Likewise the housekeeping sweep: the tests run its steps when they mean to. In the
        # background, its first round over the suite's shared SQLite file (hundreds of other
        # tests' incidents to attribute, reviews, patterns) held the write lock long enough
        # for the tests writing beside it to fail.
        "housekeeping_seconds": 0,
        # A busy machine can stall the event loop past the production lease, which would turn
        # the token caches off and change the statement counts the query-cost tests compare.
        # The revocation tests stop or kill the listener instead; test_watcher holds the lease.
        "revocation_lease_seconds": 30.0,
        # The suite sends far more, as one person, than anyone would: the fairness tests
        # (tests/api/test_rate_limits.py) turn the limits on.
        "rate_limit_enabled": False,
        # A warm-up freeze collects first, in whichever test's request is the 2,000th: what
        # other tests left unclosed would warn there (tests/api/test_gc_policy.py turns it on).
        "gc_freeze_after_requests": 0,
    }
    if overrides.get("env") == "production":
        # Production refuses to start without a secret key and an identity provider
        # (api.startup; tests/api/test_production_mode.py holds the refusals themselves).
        values |= {"secret_key": PRODUCTION_KEY, "allow_local_issuer": True}
    return Settings(**{**values, **overrides})


PRODUCTION_KEY = Fernet.generate_key().decode()


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[Api]:
    """An app of its own with `settings`, started, for tests that need other settings."""
    app = create_app(settings)
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://t"
        ) as http,
    ):
        yield Api(app=app, http=http, runtime=app.state.runtime)


@asynccontextmanager
async def serving_demo(url: str, data_dir: Path, **overrides: Any) -> AsyncIterator[Api]:
    """`serving` a database it migrates and loads the demo enterprise into (a throwaway
    cluster's, or a scratch one, for the fault tests that stop or fuzz it). Migrated before
    the app starts: a worker's start-up is given a few seconds, a busy machine's migrations
    take longer."""
    await upgrade_async(url)
    async with serving(settings_for(url, data_dir, **overrides)) as api:
        await load_demo(api.runtime)
        yield api


@pytest.fixture(scope="session")
async def api(migrated_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    data_dir = tmp_path_factory.mktemp("api-data")
    app = create_app(settings_for(migrated_url, data_dir))
    async with LifespanManager(app) as manager:
        runtime: Runtime = app.state.runtime
        await load_demo(runtime)
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://signalbox.test") as http:
            yield Api(app=app, http=http, runtime=runtime)


BUSINESS_UNITS = """query($after: String) { businessUnits(first: 100, after: $after) {
  nodes { id key } pageInfo { hasNextPage endCursor } } }"""


async def ids(api: Api) -> dict[str, str]:
    """Global ids of the BUs, by key: the demo's and the ones other tests made (every page: the
    shared database holds far more than one)."""
    found: dict[str, str] = {}
    after = None
    for _ in range(1000):  # bounded: 100 000 BUs
        page = (await api.ok(BUSINESS_UNITS, {"after": after}))["businessUnits"]
        found |= {n["key"]: n["id"] for n in page["nodes"]}
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return found
