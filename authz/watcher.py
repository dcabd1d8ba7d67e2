"""Grant changes reach every API process through PostgreSQL LISTEN/NOTIFY (a Casbin watcher).

A use case that changes grants sends `domain.kernel.notify.notify_on_commit(session,
GRANTS_CHANNEL, subject)` inside its transaction (`notify_grant_change` here is the same, and
also takes a raw asyncpg connection). PostgreSQL delivers the notification when that
transaction commits and never when it rolls back. Every process runs a `GrantWatcher`, which
LISTENs on a dedicated connection and awaits `reload(subject)`, typically re-reading the
subject's grants and calling `CasbinAuthorizer.replace_subject`.

Notifications sent while a watcher is disconnected are lost, so after every (re)connection the
watcher asks for a full reload with the subject `ALL_SUBJECTS` ("*").

`current` tells callers whether what the process holds (grants, and caches of tokens and
verified JWTs dropped on every reload) can be trusted: connected, the full reload of this
connection done, no reload waiting or failed, and the connection confirmed alive within
`lease` seconds (a ping every `ping_interval`). A confirmation is a round trip on the LISTEN
connection, and a committing backend signals the listeners before its own client learns of the
commit, so a notification committed before a ping was asked arrives with or just before its
answer; so while `current`, a change committed more than `lease` ago has been applied, whatever
the network did. While not `current`, callers check the database.

On SQLite there is no watcher: the embedded store serves one process, which updates its own
authorizer after commit, and `notify_grant_change` does nothing there.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Final

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from domain.kernel.notify import GRANTS_CHANNEL, MAX_PAYLOAD_BYTES, notify_on_commit

CHANNEL: Final = GRANTS_CHANNEL
ALL_SUBJECTS: Final = "*"
"""The subject that means "reload every grant"."""


Reload = Callable[[str], Awaitable[None]]

log = logging.getLogger(__name__)


async def notify_grant_change(
    connection_or_session: AsyncSession | AsyncConnection | asyncpg.Connection,
    subject: str,
    *,
    channel: str = CHANNEL,
) -> bool:
    """Tell every process that `subject`'s grants changed, once the caller's transaction commits.

    Returns False, doing nothing, when the database is not PostgreSQL (SQLite: one process).
    """
    if isinstance(connection_or_session, asyncpg.Connection):
        if not subject or len(subject.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"Not a subject to notify about: {subject!r}.")
        await connection_or_session.execute("SELECT pg_notify($1, $2)", channel, subject)
        return True
    # The same function the domain's use cases call, so the channel and the rules are one.
    return await notify_on_commit(connection_or_session, channel, subject)


def asyncpg_dsn(url: str) -> str:
    """A raw asyncpg DSN from a SQLAlchemy URL (`postgresql+asyncpg://…`) or a DSN."""
    for prefix in ("postgresql+asyncpg://", "postgres+asyncpg://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


class GrantWatcher:
    """LISTENs for grant changes on its own connection and awaits `reload(subject)` for each.

    Reloads run one at a time in arrival order; a subject already waiting is not queued
    twice, and a pending full reload absorbs single ones. A full reload (after every
    connection, or a `*` notification) awaits `reload_all()` when given, else
    `reload(ALL_SUBJECTS)`. A failed reload is logged and retried with backoff without
    holding up the others, since stale grants are a security problem. A dropped connection is
    reconnected with bounded, jittered exponential backoff. `stop()` cancels everything and
    returns within `stop_timeout` seconds. The backoff starts again from `min_backoff` after
    every connection that was established, so a blip costs one short wait.
    """

    def __init__(
        self,
        dsn: str,
        reload: Reload,
        *,
        reload_all: Callable[[], Awaitable[None]] | None = None,
        channel: str = CHANNEL,
        min_backoff: float = 0.2,
        max_backoff: float = 10.0,
        connect_timeout: float = 10.0,
        ping_interval: float = 0.5,
        lease: float = 1.5,
        stop_timeout: float = 5.0,
        resync_on_connect: bool = True,
        application_name: str = "signalbox-listen",
    ) -> None:
        if not 0 < min_backoff <= max_backoff:
            raise ValueError("Backoff needs 0 < min_backoff <= max_backoff.")
        if not 0 < ping_interval < lease:
            raise ValueError("A ping must come before the lease ends: 0 < ping_interval < lease.")
        self._dsn = asyncpg_dsn(dsn)
        self._reload = reload
        self._reload_all = reload_all
        self._channel = channel
        self._min_backoff = min_backoff
        self._max_backoff = max_backoff
        self._connect_timeout = connect_timeout
        self._ping_interval = ping_interval
        self._lease = lease
        self._application_name = application_name
        self._stop_timeout = stop_timeout
        self._resync_on_connect = resync_on_connect

        self._tasks: list[asyncio.Task[None]] = []
        self._conn: asyncpg.Connection | None = None
        self._connected = asyncio.Event()
        self._pending: dict[str, None] = {}  # an ordered set
        self._wakeup = asyncio.Event()
        self._retries: dict[str, asyncio.TimerHandle] = {}
        self._stopping = False
        self._reloading: str | None = None
        self._synced = 0  # the connection whose full reload is done
        self._confirmed_at = -float("inf")  # monotonic start of the last round trip that answered
        self.connections = 0
        """How many times a LISTEN connection was established (reconnects included)."""
        self.reloads = 0
        """How many reloads succeeded."""

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening in the background; does not wait for the connection."""
        if self._tasks:
            return
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._supervise(), name=f"grant-watcher:{self._channel}"),
            asyncio.create_task(self._dispatch(), name=f"grant-reloads:{self._channel}"),
        ]

    async def stop(self) -> None:
        """Stop listening and reloading; bounded by `stop_timeout`."""
        self._stopping = True
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            _done, stuck = await asyncio.wait(tasks, timeout=self._stop_timeout)
            for task in stuck:
                log.error("%s did not stop within %.1fs", task.get_name(), self._stop_timeout)
        if self._conn is not None:
            self._conn.terminate()
            self._conn = None
        self._connected.clear()
        self._pending.clear()
        for handle in self._retries.values():
            handle.cancel()
        self._retries.clear()

    async def __aenter__(self) -> GrantWatcher:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    # -- state ---------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def current(self) -> bool:
        """Whether every change committed more than `lease` seconds ago has been applied."""
        conn = self._conn
        return (
            conn is not None
            and not conn.is_closed()
            and self._connected.is_set()
            and self._synced == self.connections
            and not self._pending
            and self._reloading is None
            and not self._retries
            and time.monotonic() - self._confirmed_at < self._lease
        )

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend process of the LISTEN connection, when connected."""
        conn = self._conn
        if conn is None or conn.is_closed():
            return None
        pid: int = conn.get_server_pid()
        return pid

    async def wait_connected(self) -> None:
        """Return once LISTENing (bound it with `asyncio.timeout`)."""
        await self._connected.wait()

    # -- connection ----------------------------------------------------------------------

    async def _supervise(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                conn = await asyncpg.connect(
                    self._dsn,
                    timeout=self._connect_timeout,
                    server_settings={"application_name": self._application_name},
                )
            except Exception as exc:
                failures += 1
                delay = self._backoff(failures)
                log.warning("grant watcher cannot connect (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                continue
            try:
                await self._listen(conn)
            except Exception as exc:
                log.warning("grant watcher lost its connection: %s", exc)
            finally:
                self._connected.clear()
                self._conn = None
                await self._close(conn)
            if self._stopping:
                return
            # A connection that got as far as its full reload was a success: the backoff
            # starts small again, so a blip costs one short wait. One that died before (a
            # server that drops every connection) keeps backing off and never spins.
            failures = 1 if self._synced == self.connections else failures + 1
            delay = self._backoff(failures)
            log.warning("grant watcher reconnecting in %.1fs", delay)
            await asyncio.sleep(delay)

    async def _listen(self, conn: asyncpg.Connection) -> None:
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        asked = time.monotonic()
        await conn.add_listener(self._channel, self._on_notification)
        self._conn = conn
        self.connections += 1
        self._confirmed_at = asked
        self._connected.set()
        log.info("grant watcher listening on %s", self._channel)
        if self._resync_on_connect:
            self._enqueue(ALL_SUBJECTS)
        else:
            self._synced = self.connections
        while not conn.is_closed():
            try:
                await asyncio.wait_for(lost.wait(), self._ping_interval)
            except TimeoutError:
                # Quiet connections can die without a word (NAT, failover): ask, and the
                # answer confirms every notification committed before the question. A slow
                # answer only lets the lease lapse; a connection is given up on at the timeout.
                asked = time.monotonic()
                await conn.fetchval("SELECT 1", timeout=self._connect_timeout)
                self._confirmed_at = asked
            else:
                return

    async def _close(self, conn: asyncpg.Connection) -> None:
        if conn.is_closed():
            return
        if self._stopping:
            conn.terminate()
            return
        try:
            await conn.close(timeout=min(self._stop_timeout, 2.0))
        except Exception:
            conn.terminate()

    def _on_notification(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._enqueue(payload)

    # -- reloads -------------------------------------------------------------------------

    def _enqueue(self, subject: str) -> None:
        if subject == ALL_SUBJECTS:
            self._pending.clear()
        elif ALL_SUBJECTS in self._pending:
            return
        self._pending[subject] = None
        self._wakeup.set()

    async def _dispatch(self) -> None:
        failures: dict[str, int] = {}
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                subject = next(iter(self._pending))
                del self._pending[subject]
                connection = self.connections
                self._reloading = subject
                try:
                    if subject == ALL_SUBJECTS and self._reload_all is not None:
                        await self._reload_all()
                    else:
                        await self._reload(subject)
                except Exception:
                    # Retried later, off this loop, so one failing subject delays no other.
                    failures[subject] = failures.get(subject, 0) + 1
                    delay = self._backoff(failures[subject])
                    log.exception("reloading grants of %s failed; retry in %.1fs", subject, delay)
                    self._schedule_retry(subject, delay)
                else:
                    failures.pop(subject, None)
                    self.reloads += 1
                    if subject == ALL_SUBJECTS:
                        self._synced = connection
                finally:
                    self._reloading = None

    def _schedule_retry(self, subject: str, delay: float) -> None:
        def retry() -> None:
            self._retries.pop(subject, None)
            if not self._stopping:
                self._enqueue(subject)

        previous = self._retries.pop(subject, None)
        if previous is not None:
            previous.cancel()
        self._retries[subject] = asyncio.get_running_loop().call_later(delay, retry)

    def _backoff(self, failures: int) -> float:
        ceiling = min(self._max_backoff, self._min_backoff * 2.0 ** min(failures - 1, 30))
        # Jitter so that many processes do not reconnect in step; not a secret.
        return ceiling * random.uniform(0.5, 1.0)  # noqa: S311
