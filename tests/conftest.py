"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, on a migrated schema.

PostgreSQL comes from SIGNALBOX_TEST_POSTGRES_URL (default: the local socket as the current
user, database signalbox_test). Where it cannot be reached the PostgreSQL half is skipped with
the reason, except under CI, where that is a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from domain.kernel.db import Database
from domain.migrations import upgrade_async
from tests.security_suite import in_suite

# Property tests judge correctness, not speed: no per-example deadline (a loaded 2-core CI
# machine makes timings meaningless), and a fixed seed under CI so a run can be replayed.
settings.register_profile(
    "signalbox",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI", "").lower() in {"1", "true", "yes"},
)
settings.load_profile("signalbox")

POSTGRES_URL = os.environ.get(
    "SIGNALBOX_TEST_POSTGRES_URL",
    "postgresql+asyncpg://root@/signalbox_test?host=/var/run/postgresql",
)
UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DIALECTS = ["sqlite", "postgresql"]
# pytest-xdist runs the suite in worker processes (`make test`: -n 2 --dist loadgroup); each
# worker resets and migrates a database of its own, `<name>_<worker>` beside the configured one.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked postgres_only run on the PostgreSQL half only (deselected, not skipped);
    the security suite's tests (tests/security_suite.py) are marked `security`; every test
    joins its xdist group (`xdist_group`)."""
    keep, drop = [], []
    for item in items:
        if in_suite(item.nodeid):
            item.add_marker(pytest.mark.security)
        item.add_marker(pytest.mark.xdist_group(xdist_group(item)))
        callspec = getattr(item, "callspec", None)
        sqlite = callspec is not None and callspec.params.get("migrated_url") == "sqlite"
        (drop if sqlite and item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def xdist_group(item: pytest.Item) -> str:
    """What one xdist worker runs together: a module's tests on one dialect (its module-scoped
    fixtures set up once), and all the demo server's tests on one dialect (one demo loaded).
    pytest orders the session's tests by their session-wide database, all of one dialect
    before the other, so a worker taking groups in that order switches database once."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    dialect = params.get("migrated_url") or params.get("demo_server") or ""
    path = item.nodeid.split("::", 1)[0]
    return f"{'tests/demo' if path.startswith('tests/demo/') else path}@{dialect}"


def _worker_database() -> str:
    """The worker's own database beside the configured one, created when missing; the URL
    is put back into the environment, where other tests and the processes they start read it."""
    base = make_url(POSTGRES_URL)
    url = base.set(database=f"{base.database or 'signalbox_test'}_{WORKER}")

    async def create() -> None:
        engine = create_async_engine(base, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                exists = await conn.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"),
                    {"name": url.database},
                )
                if not exists:
                    await conn.execute(text(f'CREATE DATABASE "{url.database}"'))
        finally:
            await engine.dispose()

    with contextlib.suppress(Exception):  # unreachable: the PostgreSQL tests say so
        asyncio.run(create())
    rendered = url.render_as_string(hide_password=False)
    os.environ["SIGNALBOX_TEST_POSTGRES_URL"] = rendered
    return rendered


if WORKER:
    POSTGRES_URL = _worker_database()


def skip_or_fail(reason: str) -> None:
    if UNDER_CI:
        pytest.fail(f"{reason} (skips are failures under CI)")
    pytest.skip(reason)


async def _recreate(names: list[str], create: bool) -> None:
    engine = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for name in names:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                if create:
                    await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


@contextlib.contextmanager
def scratch_postgres(*suffixes: str) -> Iterator[list[URL]]:
    """Empty PostgreSQL databases beside the test database (`<name>_<suffix>`), for tests whose
    processes commit what must not leak into the database the suite shares; dropped after."""
    admin = make_url(POSTGRES_URL)
    base = admin.database or "signalbox_test"
    urls = [admin.set(database=f"{base}_{suffix}") for suffix in suffixes]
    names = [url.database or "" for url in urls]
    try:
        _apart(_recreate(names, create=True))
    except Exception as exc:
        skip_or_fail(f"PostgreSQL scratch databases cannot be created beside {base}: {exc}")
    try:
        yield urls
    finally:
        _apart(_recreate(names, create=False))


def _apart(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` on a loop of its own, whether or not the caller is inside one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work).result()


async def reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def tmp_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("signalbox-data")


@pytest.fixture(scope="session", params=DIALECTS)
async def migrated_url(request: pytest.FixtureRequest, tmp_data_dir: Path) -> str:
    """A database migrated to head, once per test session and dialect."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_data_dir / f'test-{uuid.uuid4().hex}.db'}"
    else:
        url = POSTGRES_URL
        try:
            await reset_postgres(url)
        except Exception as exc:
            skip_or_fail(f"PostgreSQL is not reachable at {url}: {exc}")
    await upgrade_async(url)
    return url


@pytest.fixture(scope="session")
async def database(migrated_url: str) -> AsyncIterator[Database]:
    db = Database(migrated_url, pool_size=20, pool_timeout=10)
    yield db
    await db.dispose()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A session inside an outer transaction that is rolled back after the test.

    Unit-of-work commits become savepoint releases, so tests see their writes and leave none.
    """
    # On SQLite the test takes the write lock up front, like a unit of work: background writers
    # of the session-wide API app (outbox delivery, housekeeping) then wait for it, instead of
    # the test failing with SQLITE_BUSY when its deferred transaction would upgrade.
    engine = database.engine
    if database.dialect == "sqlite":
        engine = engine.execution_options(sqlite_begin="IMMEDIATE")
    async with engine.connect() as conn:
        outer = await conn.begin()
        s = AsyncSession(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield s
        finally:
            await s.close()
            await outer.rollback()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> Iterator[str]:
    yield "asyncio"
