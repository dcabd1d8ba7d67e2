"""Live updates: who must re-read what, fanned out to the subscribers of this process.

A *topic* names one thing viewers watch, such as `go_no_go:<session uuid>`. The subscription
resolvers (api/graphql/subscriptions.py) hold a `Feed` on a topic and re-read the thing from
the database whenever a signal arrives; signals carry no data, so a missed or repeated one is
harmless and authorization is always applied to what is read, never to what was sent.

Where signals come from:

- PostgreSQL (any number of processes): the use cases call
  `notify_on_commit(session, LIVE_CHANNEL, "go_no_go:<id>")` inside their transaction. Every
  process LISTENs on `LIVE_CHANNEL` with one dedicated connection (the `GrantWatcher` machinery:
  reconnects with jittered backoff, pings quiet connections) and publishes each payload to its
  local broker, the committing process included. Notifications sent while a process was
  disconnected are lost, so after every (re)connection it publishes `RESYNC` to all of its
  local subscribers, which re-read.
- SQLite (one process): there is no NOTIFY. The unit of work's session announces after commit,
  through SQLAlchemy's session events, which go/no-go sessions and votes it wrote; a rollback
  announces nothing.

Memory is bounded: each feed has a small queue; a subscriber that lets it fill is dropped
(its next read raises `SubscriberDropped`, which the subscription turns into an UNAVAILABLE
error and a completed operation, so the client knows to subscribe again), and a process
holds at most `live_max_subscribers` feeds.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.orm import Session

from api.settings import Settings
from authz.watcher import GrantWatcher
from domain.governance.models import GoNoGoSession, Vote
from domain.kernel.db import Database
from domain.kernel.errors import Unavailable
from domain.kernel.notify import LIVE_CHANNEL

log = logging.getLogger("signalbox.live")

CHANGED: Final = "changed"
"""The thing behind the topic changed: re-read it."""
RESYNC: Final = "resync"
"""This process may have missed changes (its LISTEN connection was re-established): re-read."""
RECHECK: Final = "recheck"
"""Someone's access changed (a token revoked, a person deactivated, a grant changed): check the
caller again, without sending anything when they still may see the thing."""
_RANK = {RECHECK: 0, CHANGED: 1, RESYNC: 2}


def listen_dsn(db: Database) -> str:
    """The database's address for a dedicated LISTEN connection (asyncpg, outside the pool)."""
    return db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def go_no_go_topic(session_id: uuid.UUID) -> str:
    """The topic of one go/no-go session (the payload the use cases NOTIFY with)."""
    return f"go_no_go:{session_id}"


class SubscriberDropped(Exception):
    """The subscriber fell so far behind that its queue filled; it must subscribe again."""


class Feed:
    """One subscriber's bounded queue of signals on one topic."""

    def __init__(self, topic: str, size: int) -> None:
        self.topic = topic
        self._queue: asyncio.Queue[str] = asyncio.Queue(maxsize=size)
        self.dropped = False

    def offer(self, signal: str) -> bool:
        """Queue a signal without waiting; False (and the feed dropped) when it is full."""
        if self.dropped:
            return False
        try:
            self._queue.put_nowait(signal)
        except asyncio.QueueFull:
            self.dropped = True
            return False
        return True

    async def next(self) -> str:
        """Wait for a signal; the ones already queued are merged into it (one re-read).

        A RESYNC wins over CHANGED, and CHANGED over RECHECK (a re-read checks the caller too).
        Raises SubscriberDropped once the feed was dropped.
        """
        if self.dropped:
            raise SubscriberDropped(self.topic)
        signal = await self._queue.get()
        while not self._queue.empty():
            signal = max(signal, self._queue.get_nowait(), key=_RANK.__getitem__)
        if self.dropped:
            raise SubscriberDropped(self.topic)
        return signal


class Broker:
    """Topics to feeds, in one process and one event loop (publishing never waits)."""

    def __init__(self, *, queue_size: int = 16, max_subscribers: int = 10_000) -> None:
        if queue_size < 1 or max_subscribers < 1:
            raise ValueError("queue_size and max_subscribers must be positive.")
        self._queue_size = queue_size
        self._max = max_subscribers
        self._topics: dict[str, set[Feed]] = {}
        self._count = 0
        self.dropped = 0

    @property
    def subscribers(self) -> int:
        return self._count

    @contextmanager
    def subscribe(self, topic: str) -> Iterator[Feed]:
        """A feed on `topic` for the duration of the block; Unavailable when the process is full."""
        if self._count >= self._max:
            raise Unavailable("This server holds as many live subscriptions as it may; retry.")
        feed = Feed(topic, self._queue_size)
        self._topics.setdefault(topic, set()).add(feed)
        self._count += 1
        try:
            yield feed
        finally:
            self._count -= 1
            feeds = self._topics.get(topic)
            if feeds is not None:
                feeds.discard(feed)
                if not feeds:
                    del self._topics[topic]

    def publish(self, topic: str, signal: str = CHANGED) -> int:
        """Signal every feed of `topic`; returns how many took it (slow ones are dropped)."""
        delivered = 0
        for feed in list(self._topics.get(topic, ())):
            if feed.offer(signal):
                delivered += 1
            else:
                self._drop(feed)
        return delivered

    def resync_all(self) -> None:
        """Tell every local subscriber to re-read (changes may have been missed)."""
        for topic in list(self._topics):
            self.publish(topic, RESYNC)

    def recheck_all(self) -> None:
        """Tell every local subscriber to check its caller again (access changed)."""
        for topic in list(self._topics):
            self.publish(topic, RECHECK)

    def _drop(self, feed: Feed) -> None:
        feeds = self._topics.get(feed.topic)
        if feeds is not None and feed in feeds:
            feeds.discard(feed)
            self.dropped += 1
            # Its queue is full, so its next read returns at once and raises.
            log.warning("dropped a slow live subscriber of %s", feed.topic)


class _CommittedWrites:
    """SQLite: publish the go/no-go topics a write session touched, once it has committed.

    Listens on SQLAlchemy's Session class and keeps to this runtime's engine (the pool is
    shared by the engine and its option copies), so other engines in the process are ignored.
    """

    KEY: Final = "signalbox.live_topics"

    def __init__(self, broker: Broker, pool: Any) -> None:
        self._broker = broker
        self._pool = pool
        self._listening = False

    def start(self) -> None:
        if not self._listening:
            event.listen(Session, "after_flush", self._after_flush)
            event.listen(Session, "after_commit", self._after_commit)
            event.listen(Session, "after_rollback", self._after_rollback)
            self._listening = True

    def stop(self) -> None:
        if self._listening:
            event.remove(Session, "after_flush", self._after_flush)
            event.remove(Session, "after_commit", self._after_commit)
            event.remove(Session, "after_rollback", self._after_rollback)
            self._listening = False

    def _ours(self, session: Session) -> bool:
        bind = session.bind
        return bind is not None and getattr(bind, "pool", None) is self._pool

    def _after_flush(self, session: Session, _context: Any) -> None:
        if not self._ours(session):
            return
        topics: set[str] | None = None
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Vote):
                topic = go_no_go_topic(obj.session_id)
            elif isinstance(obj, GoNoGoSession):
                topic = go_no_go_topic(obj.id)
            else:
                continue
            if topics is None:
                topics = session.info.setdefault(self.KEY, set())
            topics.add(topic)

    def _after_commit(self, session: Session) -> None:
        if not self._ours(session):
            return
        for topic in session.info.pop(self.KEY, ()):
            self._broker.publish(topic)

    def _after_rollback(self, session: Session) -> None:
        if self._ours(session):
            session.info.pop(self.KEY, None)


class Live:
    """The live-update machinery of one process: the broker and what feeds it."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.db = db
        self.broker = Broker(
            queue_size=settings.live_queue_size, max_subscribers=settings.live_max_subscribers
        )
        self.listener: GrantWatcher | None = None
        self._local: _CommittedWrites | None = None

    async def start(self) -> None:
        if self.db.dialect == "postgresql":
            broker = self.broker

            async def publish(topic: str) -> None:
                broker.publish(topic)

            async def resync() -> None:
                broker.resync_all()

            # The grant watcher is a generic LISTEN loop: one connection, reconnects with
            # backoff, a full "reload" (here: resync) after every connection.
            self.listener = GrantWatcher(
                listen_dsn(self.db),
                publish,
                reload_all=resync,
                channel=LIVE_CHANNEL,
                # A missed signal only delays a re-read, so quiet connections are asked less
                # often than the grant watcher's, whose lease bounds revocation.
                ping_interval=5.0,
                lease=10.0,
                application_name="signalbox-live",
            )
            await self.listener.start()
        else:
            self._local = _CommittedWrites(self.broker, self.db.engine.sync_engine.pool)
            self._local.start()

    async def stop(self) -> None:
        if self.listener is not None:
            await self.listener.stop()
            self.listener = None
        if self._local is not None:
            self._local.stop()
            self._local = None
