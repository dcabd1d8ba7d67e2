"""Who must forget what they kept: every committed write, of this process or of another.

`WriteWatch` sees this process's writes through SQLAlchemy's connection events on an engine: a
statement that inserts, updates or deletes marks its pooled connection; on PostgreSQL the
transaction's commit first sends `NOTIFY signalbox_data` (delivered on commit, never on
rollback); when the connection goes back to the pool — after its commit or rollback, and
before a unit of work's caller answers — every subscriber is called.

`DataChanges` adds the other processes (PostgreSQL): one dedicated LISTEN connection (the grant
watcher's machinery: reconnects with backoff, pings a quiet connection) calls the subscribers
for every notification and after every (re)connection, since notifications sent while it was
down are lost. `current` says whether every write committed more than the lease ago has been
seen; a cache serves only while it holds.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.engine import Engine

from authz.watcher import GrantWatcher

log = logging.getLogger("signalbox.data_changes")

DATA_CHANNEL: Final = "signalbox_data"
"""Payload: the writing process's pid. Every committed write NOTIFYs it (PostgreSQL)."""

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
    """Calls `on_write` once a connection of `engine` that wrote is back in the pool; on
    PostgreSQL its commit tells the other processes first."""

    def __init__(self, engine: Engine, on_write: Callable[[], None]) -> None:
        self._engine = engine
        self._pool = engine.pool
        self._on_write = on_write
        self._notify = engine.dialect.name == "postgresql"
        self._payload = str(os.getpid())
        self._listening = False

    def start(self) -> None:
        if self._listening:
            return
        event.listen(self._engine, "after_cursor_execute", self._after_execute)
        event.listen(self._engine, "commit", self._commit)
        event.listen(self._pool, "checkin", self._checkin)
        self._listening = True

    def stop(self) -> None:
        if not self._listening:
            return
        event.remove(self._engine, "after_cursor_execute", self._after_execute)
        event.remove(self._engine, "commit", self._commit)
        event.remove(self._pool, "checkin", self._checkin)
        self._listening = False

    def _after_execute(
        self, conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        if _DIRTY not in conn.info and _writes(statement, context):
            conn.info[_DIRTY] = True

    def _commit(self, conn: Any) -> None:
        if self._notify and conn.info.get(_DIRTY) is True:
            conn.info[_DIRTY] = "notified"  # the NOTIFY below is no write of its own
            conn.exec_driver_sql(
                f"SELECT pg_notify('{DATA_CHANNEL}', '{self._payload}')"  # constants only
            )

    def _checkin(self, _dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_DIRTY, None) is not None:
            self._on_write()


def _writes(statement: str, context: Any) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return True
    words = statement.lstrip()[:9].split(None, 1)
    return bool(words) and words[0].upper() in _WRITES


class DataChanges(Subscribers):
    """This process's writes on its engines, and (PostgreSQL) every other process's."""

    def __init__(self, engines: Iterable[Engine], listen_dsn: str | None) -> None:
        super().__init__()
        self._watches = [WriteWatch(engine, self.call) for engine in engines]
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
        if self.listener is not None:
            await self.listener.start()

    async def stop(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
        for watch in self._watches:
            watch.stop()

    async def _notified(self, _payload: str) -> None:
        self.call()

    async def _resync(self) -> None:
        self.call()
