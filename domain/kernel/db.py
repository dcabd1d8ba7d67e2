"""Engines and sessions for the embedded default (SQLite) and production (PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from domain.kernel.errors import Unavailable
from domain.kernel.prepared_reads import ReadSession


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


SQLITE_SIBLINGS = ("", "-wal", "-shm", "-journal")
"""The database file and the files SQLite keeps beside it (they take the database's mode)."""


def ensure_sqlite_directory(url: str) -> None:
    """Make the folder of a SQLite file URL (0700 when created here) and the file itself
    (0600), so neither the database nor its WAL is readable by other users whatever the
    umask; an existing database readable by others is restricted to its owner."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    if database.startswith("file:") or parsed.query.get("mode") == "memory":
        return  # a URI filename: SQLite opens it as told
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # An existing database (or one another process created just now) is kept as it is.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for suffix in SQLITE_SIBLINGS:
        sibling = path.with_name(path.name + suffix)
        with contextlib.suppress(OSError):  # absent, or not ours to change
            if stat.S_IMODE(sibling.stat().st_mode) & 0o077:
                sibling.chmod(0o600)


def _prepare_sqlite(engine: AsyncEngine, url: str) -> None:
    ensure_sqlite_directory(url)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself, so writers can ask for BEGIN IMMEDIATE below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the write lock up front: a deferred transaction that upgrades later
        # fails with SQLITE_BUSY at once instead of waiting, whatever busy_timeout says.
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def _reader_sessions(engine: AsyncEngine, dialect: str) -> async_sessionmaker[AsyncSession]:
    """Reads run without BEGIN/ROLLBACK on PostgreSQL: each short read session issues one or
    two statements, and a transaction around them only adds round trips. There, the reader's
    statements marked `prepared` run from their plans (domain/kernel/prepared_reads.py)."""
    if dialect != "postgresql":
        return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
    return async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"),
        class_=ReadSession,
        expire_on_commit=False,
        autoflush=False,
    )


class Database:
    """One engine per process; short sessions for reads, one unit of work per write."""

    def __init__(
        self,
        url: str,
        *,
        pool_size: int = 10,
        pool_timeout: float = 2.0,
        statement_timeout_ms: int = 5000,
        echo: bool = False,
    ) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        # No pre-ping: a connection found dead invalidates the whole pool at once (SQLAlchemy
        # recycles every older connection), so an outage costs one retryable error, not a
        # ping round trip on every checkout.
        # Statement parameters never reach error messages or logs: they may be secrets (a
        # token's hash, an idempotent answer) and error handlers log the exception.
        options: dict[str, Any] = {
            "echo": echo,
            "json_deserializer": orjson.loads,
            "hide_parameters": True,
        }
        if self.dialect == "postgresql":
            options.update(
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_timeout=pool_timeout,
                connect_args={
                    "timeout": pool_timeout,
                    "command_timeout": max(statement_timeout_ms / 1000 * 2, 5),
                    "server_settings": {
                        "statement_timeout": str(statement_timeout_ms),
                        "application_name": "signalbox",
                    },
                },
            )
        elif self.dialect == "sqlite":
            options.update(pool_timeout=pool_timeout)
        self.engine = create_async_engine(url, **options)
        if self.dialect == "sqlite":
            _prepare_sqlite(self.engine, url)
        self._reader = _reader_sessions(self.engine, self.dialect)
        self._snapshot = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        writer_bind = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.dialect == "sqlite"
            else self.engine
        )
        self._writer = async_sessionmaker(writer_bind, expire_on_commit=False, autoflush=True)

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        """A short read-only session; sibling GraphQL resolvers each open their own."""
        async with unavailable_on_outage(), self._reader() as session:
            yield session

    @asynccontextmanager
    async def snapshot_session(self) -> AsyncIterator[AsyncSession]:
        """A read in one transaction: a consistent snapshot, and server-side cursors."""
        async with unavailable_on_outage(), self._snapshot() as session:
            yield session

    def write_session(self) -> AsyncSession:
        """A session for one unit of work (the unit of work commits it)."""
        return self._writer()

    async def dispose(self) -> None:
        await self.engine.dispose()


def is_outage(exc: BaseException) -> bool:
    """True when the error means "the database is not reachable now", not a bug."""
    if isinstance(exc, PoolTimeout | ConnectionError | OSError | TimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or isinstance(exc, InterfaceError):
            return True
        orig = exc.orig
        text = f"{type(orig).__name__}: {orig}".lower()
        markers = (
            "connection",
            "cannot connect",
            "terminating",
            "shutting down",
            "the database system is starting up",
            "connectiondoesnotexist",
            "too many clients",
            "database is locked",
            # A statement cut off behind a lock (statement_timeout, lock_timeout): nothing
            # of it committed and a retry may well pass, so it is retryable, not a bug.
            "canceling statement due to",
            "querycancelederror",
            "locknotavailable",
        )
        if isinstance(exc, OperationalError) or any(m in text for m in markers):
            return any(m in text for m in markers)
    return False


@asynccontextmanager
async def unavailable_on_outage() -> AsyncIterator[None]:
    try:
        yield
    except Exception as exc:
        if is_outage(exc):
            raise Unavailable("The database is not reachable right now; retry shortly.") from exc
        raise
