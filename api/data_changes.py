"""Who must forget what they kept: every committed write, of this process or of another.

`WriteWatch` sees this process's writes through SQLAlchemy's connection events on an engine: a
statement that inserts, updates or deletes marks its pooled connection; when the connection
goes back to the pool — after its commit or rollback, and before a unit of work's caller
answers — every subscriber is called.

`DataChanges` adds the other processes (PostgreSQL). After a commit, this process's `Announcer`
sends `NOTIFY signalbox_data` through the outbox delivery's small pool, coalesced (many commits, one
notification): not inside the writing transaction, because PostgreSQL serializes the commits of
every transaction that notifies (one heavyweight lock until the commit is flushed), which would
put back the one-writer-at-a-time the audit journal removed. One dedicated LISTEN connection
(the grant watcher's machinery: reconnects with backoff, pings a quiet connection) calls the
subscribers for every other runtime's notification and after every (re)connection, since
notifications sent while it was down are lost. `current` says whether every notification sent
more than the lease ago has been seen; a cache serves only while it holds. Another process's
write therefore reaches this cache within the notification's round trip, not at its commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import Engine

from authz.watcher import GrantWatcher

log = logging.getLogger("signalbox.data_changes")

DATA_CHANNEL: Final = "signalbox_data"
"""Payload: the writing runtime's origin (a random id), after its commits (PostgreSQL)."""

_DIRTY: Final = "signalbox.data_changes.dirty"
_WRITES: Final = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE"})


class Subscribers:
    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []

    def subscribe(self, callback: Callable[[], None]) -> None:
        self._callbacks.append(callback)

    def call(self) -> None:
        for callback in self._callbacks:
            try:
                callback()
            except Exception:  # one subscriber's failure must not keep the others stale
                log.exception("a subscriber to data changes failed")


class WriteWatch:
    """Calls `on_write` once a connection of `engine` that wrote is back in the pool (after its
    commit or rollback: a rolled-back write clears for nothing, which is harmless)."""

    def __init__(self, engine: Engine, on_write: Callable[[], None]) -> None:
        self._engine = engine
        self._pool = engine.pool
        self._on_write = on_write
        self._listening = False

    def start(self) -> None:
        if self._listening:
            return
        event.listen(self._engine, "after_cursor_execute", self._after_execute)
        event.listen(self._pool, "checkin", self._checkin)
        self._listening = True

    def stop(self) -> None:
        if not self._listening:
            return
        event.remove(self._engine, "after_cursor_execute", self._after_execute)
        event.remove(self._pool, "checkin", self._checkin)
        self._listening = False

    def _after_execute(
        self, conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if _DIRTY not in conn.info and _writes(statement, context):
            conn.info[_DIRTY] = True

    def _checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_DIRTY, None) is not None:
            self._on_write()


def _writes(statement: str, context: Any) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    words = statement.lstrip()[:9].split(None, 1)
    return bool(words) and words[0].upper() in _WRITES


class Announcer:
    """Sends `NOTIFY signalbox_data` after this process's commits, coalesced: pokes that come
    while one is being sent make one more, never one each. A failed send is retried with
    backoff (the other processes' caches also stop serving when their LISTEN lease lapses)."""

    def __init__(self, send: Callable[[], Awaitable[None]], stop_timeout: float = 5.0) -> None:
        self._send = send
        self._stop_timeout = stop_timeout
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.sent = 0

    def poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="signalbox-data-announcer")

    async def stop(self) -> None:
        """Let a send under way finish (its connection goes back to the pool), then end; one
        that does not finish within `stop_timeout` is cancelled."""
        task, wake, self._task = self._task, self._wake, None
        if task is None or wake is None:
            return
        self._stopping = True
        wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), self._stop_timeout)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._wake = None

    async def _run(self) -> None:
        wake = self._wake
        assert wake is not None
        while not self._stopping:
            await wake.wait()
            wake.clear()
            attempt = 0
            while not self._stopping:
                try:
                    await self._send()
                except Exception as exc:  # the database is away: try again
                    log.warning("data change not announced (%s); retrying", type(exc).__name__)
                    await asyncio.sleep(min(0.1 * 2**attempt, 5.0))
                    attempt += 1
                else:
                    self.sent += 1
                    break


class DataChanges(Subscribers):
    """This process's writes on its engines, and (PostgreSQL) every other process's."""

    def __init__(
        self,
        engines: Iterable[Engine],
        listen_dsn: str | None = None,
        announce: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__()
        self._watches = [WriteWatch(engine, self._written) for engine in engines]
        self.origin = uuid.uuid4().hex
        """This runtime's payload: its own notifications come back and are skipped."""
        self.announcer = (
            Announcer(functools.partial(announce, self.origin)) if announce is not None else None
        )
        self.listener = (
            GrantWatcher(
                listen_dsn,
                self._notified,
                reload_all=self._resync,
                channel=DATA_CHANNEL,
                application_name="signalbox-data",
            )
            if listen_dsn is not None
            else None
        )

    @property
    def current(self) -> bool:
        """Every write committed more than the lease ago has been seen (always, on SQLite)."""
        return self.listener is None or self.listener.current

    async def start(self) -> None:
        for watch in self._watches:
            watch.start()
        if self.announcer is not None:
            await self.announcer.start()
        if self.listener is not None:
            await self.listener.start()

    async def stop(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
        if self.announcer is not None:
            await self.announcer.stop()
        for watch in self._watches:
            watch.stop()

    def _written(self) -> None:
        self.call()
        if self.announcer is not None:
            self.announcer.poke()

    async def _notified(self, payload: str) -> None:
        if payload != self.origin:
            self.call()

    async def _resync(self) -> None:
        self.call()
