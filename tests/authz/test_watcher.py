"""Grant changes travel between processes through PostgreSQL LISTEN/NOTIFY.

Each "process" is a CasbinAuthorizer with its own GrantWatcher (its own LISTEN connection)
reading grants from a table of its own schema. Waits are bounded; ordering is proven with
marker notifications, not sleeps. Without PostgreSQL these tests skip, except under CI.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from authz.authorizer import CasbinAuthorizer
from authz.vocabulary import Action, Resource, Role
from authz.watcher import ALL_SUBJECTS, GrantWatcher, asyncpg_dsn, notify_grant_change
from domain.kernel.access import Actor

pytestmark = pytest.mark.fault
POSTGRES_URL = os.environ.get(
    "SIGNALBOX_TEST_POSTGRES_URL",
    "postgresql+asyncpg://root@/signalbox_test?host=/var/run/postgresql",
)
UNDER_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
WITHIN = 5.0  # seconds any propagation may take before the test fails
BU = uuid.UUID("00000000-0000-4000-8000-0000000000aa")


async def eventually(condition: Callable[[], bool], within: float = WITHIN) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s")
        await asyncio.sleep(0.02)


def person_actor(subject: str) -> Actor:
    return Actor(person_id=None, username="p", display_name="P", subjects=(subject,))


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    try:
        conn = await asyncpg.connect(asyncpg_dsn(POSTGRES_URL), timeout=3)
    except Exception as exc:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc}"
        if UNDER_CI:
            pytest.fail(f"{reason} (skips are failures under CI)")
        pytest.skip(reason)
    await conn.close()
    engine = create_async_engine(POSTGRES_URL, poolclass=NullPool)
    yield engine
    await engine.dispose()


@pytest.fixture
async def schema(engine: AsyncEngine) -> AsyncIterator[str]:
    """A schema of this test's own with a grants table, so nothing else is disturbed."""
    name = f"authz_watch_{uuid.uuid4().hex[:12]}"
    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {name}"))
        await conn.execute(
            text(f"CREATE TABLE {name}.grants (subject text, role text, domain text)")
        )
    yield name
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA {name} CASCADE"))


@dataclass
class Process:
    """One API process: its authorizer, its watcher, and the subjects it was told about."""

    engine: AsyncEngine
    schema: str
    prefix: str
    authorizer: CasbinAuthorizer = field(default_factory=CasbinAuthorizer)
    seen: list[str] = field(default_factory=list)
    fail_next: int = 0
    watcher: GrantWatcher | None = None

    async def reload(self, subject: str) -> None:
        if subject != ALL_SUBJECTS and not subject.startswith(self.prefix):
            return  # another test session's notification on the shared channel
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("the database hiccupped")
        async with self.engine.connect() as conn:
            if subject == ALL_SUBJECTS:
                rows = await conn.execute(
                    text(f"SELECT subject, role, domain FROM {self.schema}.grants")
                )
                self.authorizer.load_grants(
                    (s, r, d) for s, r, d in rows.all() if s.startswith(self.prefix)
                )
            else:
                rows = await conn.execute(
                    text(f"SELECT role, domain FROM {self.schema}.grants WHERE subject = :s"),
                    {"s": subject},
                )
                self.authorizer.replace_subject(subject, [(r, d) for r, d in rows.all()])
        self.seen.append(subject)

    def may_create_teams(self, subject: str) -> bool:
        actor = person_actor(subject)
        return self.authorizer.check(actor, Action.CREATE, Resource.TEAM, BU) is not None


@pytest.fixture
async def processes(engine: AsyncEngine, schema: str) -> AsyncIterator[list[Process]]:
    prefix = f"person:{uuid.uuid4().hex[:8]}-"
    procs = [Process(engine, schema, prefix) for _ in range(2)]
    for proc in procs:
        proc.watcher = GrantWatcher(
            POSTGRES_URL, proc.reload, min_backoff=0.05, max_backoff=0.5, stop_timeout=2.0
        )
        await proc.watcher.start()
    try:
        async with asyncio.timeout(WITHIN):
            for proc in procs:
                assert proc.watcher is not None
                await proc.watcher.wait_connected()
        # The first full reload tells us the watcher is settled.
        await eventually(lambda: all(ALL_SUBJECTS in p.seen for p in procs))
        yield procs
    finally:
        for proc in procs:
            assert proc.watcher is not None
            await proc.watcher.stop()


async def grant_and_notify(
    session: AsyncSession, schema: str, subject: str, role: str = Role.BU_ADMIN
) -> None:
    await session.execute(
        text(f"INSERT INTO {schema}.grants VALUES (:s, :r, :d)"),
        {"s": subject, "r": role, "d": str(BU)},
    )
    assert await notify_grant_change(session, subject) is True


async def committed_marker(engine: AsyncEngine, prefix: str) -> str:
    marker = f"{prefix}marker-{uuid.uuid4().hex[:6]}"
    async with AsyncSession(engine) as session:
        await notify_grant_change(session, marker)
        await session.commit()
    return marker


class TestACommittedChange:
    async def test_reaches_every_other_process(
        self, engine: AsyncEngine, schema: str, processes: list[Process]
    ) -> None:
        subject = f"{processes[0].prefix}alice"
        assert not any(p.may_create_teams(subject) for p in processes)
        async with AsyncSession(engine) as session:
            await grant_and_notify(session, schema, subject)
            await session.commit()
        await eventually(lambda: all(p.may_create_teams(subject) for p in processes))

    async def test_is_delivered_only_on_commit(
        self, engine: AsyncEngine, schema: str, processes: list[Process]
    ) -> None:
        subject = f"{processes[0].prefix}bob"
        receiver = processes[1]
        async with AsyncSession(engine) as session:
            await grant_and_notify(session, schema, subject)
            marker = await committed_marker(engine, receiver.prefix)
            await eventually(lambda: marker in receiver.seen)
            assert subject not in receiver.seen
            await session.commit()
        await eventually(lambda: receiver.may_create_teams(subject))

    async def test_can_be_sent_on_a_raw_asyncpg_connection(self, processes: list[Process]) -> None:
        subject = f"{processes[0].prefix}raw"
        conn = await asyncpg.connect(asyncpg_dsn(POSTGRES_URL))
        try:
            async with conn.transaction():
                assert await notify_grant_change(conn, subject) is True
        finally:
            await conn.close()
        await eventually(lambda: subject in processes[1].seen)


class TestARolledBackChange:
    async def test_is_never_delivered(
        self, engine: AsyncEngine, schema: str, processes: list[Process]
    ) -> None:
        subject = f"{processes[0].prefix}carol"
        receiver = processes[1]
        async with AsyncSession(engine) as session:
            await grant_and_notify(session, schema, subject)
            await session.rollback()
        # Notifications arrive in commit order: once a later marker arrived, carol never will.
        marker = await committed_marker(engine, receiver.prefix)
        await eventually(lambda: marker in receiver.seen)
        assert subject not in receiver.seen
        assert not receiver.may_create_teams(subject)


class TestALostConnection:
    async def test_is_reestablished_and_missed_changes_are_reloaded(
        self, engine: AsyncEngine, schema: str, processes: list[Process]
    ) -> None:
        proc = processes[1]
        assert proc.watcher is not None
        watcher = proc.watcher
        pid = watcher.backend_pid
        assert pid is not None and watcher.connections == 1
        subject = f"{proc.prefix}dave"
        async with AsyncSession(engine) as session:
            terminated = await session.scalar(
                text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
            )
            assert terminated is True
            # Granted while the watcher may be away: the reload after reconnecting finds it.
            await grant_and_notify(session, schema, subject)
            await session.commit()
        await eventually(lambda: watcher.connections == 2 and watcher.connected)
        assert watcher.backend_pid not in {None, pid}
        await eventually(lambda: proc.may_create_teams(subject))

        later = f"{proc.prefix}erin"
        async with AsyncSession(engine) as session:
            await grant_and_notify(session, schema, later)
            await session.commit()
        await eventually(lambda: proc.may_create_teams(later))


class TestAFailingReload:
    async def test_is_retried(
        self, engine: AsyncEngine, schema: str, processes: list[Process]
    ) -> None:
        proc = processes[1]
        proc.fail_next = 2
        subject = f"{proc.prefix}frank"
        async with AsyncSession(engine) as session:
            await grant_and_notify(session, schema, subject)
            await session.commit()
        await eventually(lambda: proc.may_create_teams(subject))
        assert proc.fail_next == 0


class TestAFullReload:
    async def test_follows_every_connection_through_reload_all_when_given(
        self, engine: AsyncEngine
    ) -> None:
        singles: list[str] = []
        full = asyncio.Event()

        async def reload(subject: str) -> None:
            singles.append(subject)

        async def reload_all() -> None:
            full.set()

        async with GrantWatcher(POSTGRES_URL, reload, reload_all=reload_all, stop_timeout=2.0):
            async with asyncio.timeout(WITHIN):
                await full.wait()
        assert ALL_SUBJECTS not in singles


class TestStopping:
    async def test_is_bounded_and_leaves_no_tasks(self, engine: AsyncEngine) -> None:
        async def reload(_subject: str) -> None:
            await asyncio.sleep(3600)  # a reload that hangs must not hang stop()

        others = set(asyncio.all_tasks())  # other apps in this session run watchers of their own
        watcher = GrantWatcher(POSTGRES_URL, reload, stop_timeout=2.0)
        await watcher.start()
        async with asyncio.timeout(WITHIN):
            await watcher.wait_connected()
        await asyncio.sleep(0.05)  # let the full reload start hanging
        started = time.monotonic()
        await watcher.stop()
        assert time.monotonic() - started < 4.5  # a hang detector: stop_timeout plus slack
        assert not watcher.connected
        assert not [t for t in asyncio.all_tasks() - others if t.get_name().startswith("grant-")]

    async def test_works_while_the_database_is_unreachable(self) -> None:
        async def reload(_subject: str) -> None:
            raise AssertionError("never connected, never reloads")

        dsn = f"postgresql://nobody@/nowhere?host=/nonexistent-{uuid.uuid4().hex}"
        others = set(asyncio.all_tasks())
        watcher = GrantWatcher(dsn, reload, min_backoff=0.01, max_backoff=0.05, stop_timeout=1.0)
        async with watcher:
            await asyncio.sleep(0.3)
            assert not watcher.connected
            assert watcher.backend_pid is None
        assert not [t for t in asyncio.all_tasks() - others if t.get_name().startswith("grant-")]


class TestOnSqlite:
    async def test_notifying_does_nothing(self) -> None:
        engine = create_async_engine("sqlite+aiosqlite:///:memory:")
        try:
            async with AsyncSession(engine) as session:
                assert await notify_grant_change(session, "person:x") is False
            async with engine.connect() as conn:
                assert await notify_grant_change(conn, "person:x") is False
        finally:
            await engine.dispose()


async def kill_listener(engine: AsyncEngine, watcher: GrantWatcher) -> None:
    """Terminate the watcher's LISTEN backend and wait until it is connected anew."""
    await eventually(lambda: watcher.backend_pid is not None)
    pid, before = watcher.backend_pid, watcher.connections
    assert pid is not None
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    await eventually(lambda: watcher.connections > before and watcher.connected)


def reconnect_delays(caplog: pytest.LogCaptureFixture) -> list[float]:
    return [
        float(r.args[0])  # type: ignore[index]
        for r in caplog.records
        if r.name == "authz.watcher" and r.msg.startswith("grant watcher reconnecting")
    ]


class TestBeingCurrent:
    async def test_waits_for_the_full_reload_of_the_connection(self, engine: AsyncEngine) -> None:
        release = asyncio.Event()

        async def reload(_subject: str) -> None:
            pass

        async def reload_all() -> None:
            await release.wait()

        async with GrantWatcher(POSTGRES_URL, reload, reload_all=reload_all) as watcher:
            async with asyncio.timeout(WITHIN):
                await watcher.wait_connected()
            assert not watcher.current
            release.set()
            await eventually(lambda: watcher.current)

    async def test_is_lost_while_a_notified_change_is_being_applied(
        self, engine: AsyncEngine
    ) -> None:
        subject = f"person:slow-{uuid.uuid4().hex[:8]}"
        applying = asyncio.Event()
        release = asyncio.Event()

        async def reload(subject_: str) -> None:
            if subject_ == subject:
                applying.set()
                await release.wait()

        async with GrantWatcher(POSTGRES_URL, reload) as watcher:
            await eventually(lambda: watcher.current)
            async with AsyncSession(engine) as session:
                await notify_grant_change(session, subject)
                await session.commit()
            async with asyncio.timeout(WITHIN):
                await applying.wait()
            assert not watcher.current
            release.set()
            await eventually(lambda: watcher.current)

    async def test_lapses_when_nothing_confirmed_the_connection_within_the_lease(
        self, processes: list[Process]
    ) -> None:
        watcher = processes[0].watcher
        assert watcher is not None
        await eventually(lambda: watcher.current)
        # The event loop is held, as a stalled process would be: no ping can answer.
        time.sleep(1.6)  # noqa: ASYNC251 - the default lease is 1.5 s
        assert not watcher.current
        await eventually(lambda: watcher.current)

    async def test_is_lost_with_the_connection_and_back_after_the_reload(
        self, engine: AsyncEngine, processes: list[Process]
    ) -> None:
        proc = processes[0]
        watcher = proc.watcher
        assert watcher is not None
        await eventually(lambda: watcher.current)
        reloads = proc.seen.count(ALL_SUBJECTS)
        await kill_listener(engine, watcher)
        await eventually(lambda: watcher.current)
        assert proc.seen.count(ALL_SUBJECTS) == reloads + 1


class TestBackoff:
    async def test_starts_small_again_after_every_synced_connection(
        self, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING, logger="authz.watcher")

        async def reload(_subject: str) -> None:
            pass

        watcher = GrantWatcher(POSTGRES_URL, reload, min_backoff=0.05, max_backoff=60.0)
        async with watcher:
            for _ in range(5):
                await eventually(lambda: watcher.current)
                await kill_listener(engine, watcher)
        delays = reconnect_delays(caplog)
        assert len(delays) == 5
        assert all(d <= 0.05 for d in delays), delays

    async def test_keeps_growing_while_no_connection_gets_as_far_as_its_reload(
        self, engine: AsyncEngine, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.WARNING, logger="authz.watcher")

        async def reload(_subject: str) -> None:
            raise RuntimeError("the grants cannot be read")

        watcher = GrantWatcher(POSTGRES_URL, reload, min_backoff=0.05, max_backoff=60.0)
        async with watcher:
            for _ in range(4):
                await kill_listener(engine, watcher)
        delays = reconnect_delays(caplog)
        assert len(delays) == 4
        # The fourth wait's ceiling is 0.05 * 2**3 = 0.4 s, jittered down to half at most.
        assert delays[-1] >= 0.2 > 0.05, delays
        assert not watcher.current


class TestTheListenerConnection:
    async def test_is_named_so_an_operator_can_find_it(self, engine: AsyncEngine) -> None:
        async def reload(_subject: str) -> None:
            pass

        name = f"signalbox-test-{uuid.uuid4().hex[:8]}"
        async with GrantWatcher(POSTGRES_URL, reload, application_name=name) as watcher:
            async with asyncio.timeout(WITHIN):
                await watcher.wait_connected()
            async with engine.connect() as conn:
                pids = await conn.scalars(
                    text(
                        "SELECT pid FROM pg_stat_activity"
                        " WHERE datname = current_database() AND application_name = :name"
                    ),
                    {"name": name},
                )
                assert list(pids) == [watcher.backend_pid]

    def test_refuses_a_ping_slower_than_its_lease(self) -> None:
        async def reload(_subject: str) -> None:
            pass

        with pytest.raises(ValueError, match="lease"):
            GrantWatcher(POSTGRES_URL, reload, ping_interval=2.0, lease=1.5)
