"""Immutable snapshots of every flag of an environment, compiled for evaluation, and the
per-process cache that keeps them fresh and batches "last evaluated" times.

Freshness: every flag change bumps the one-row `flag_revision` in its transaction. The cache
reads that revision at most once per `ttl` seconds (a primary-key read) and rebuilds an
environment's snapshot when it moved; a change made in this process announces
`FlagsChanged`, on which the process calls `invalidate()`, so the next evaluation here checks
at once. Other processes see a change within `ttl` (1 s by default) on SQLite and PostgreSQL
alike, with no listener connection to keep alive. (The grant watcher's LISTEN/NOTIFY would
shave that second off at the price of a connection per process and a resync protocol; a flag
flip that takes a second to reach every process is well within what flag clients expect: OFREP
clients poll.) When the database cannot be reached, the last snapshot keeps serving.

Unknown environments: an environment no flag state names and the environment catalog (asked
through `catalogued`, which the composition hands in) does not know gets an empty snapshot
marked unknown, which OFREP refuses; it is never kept, so typos cannot evict real environments
and one added to the catalog is known at its next evaluation.

Last evaluated: each evaluation adds (flag, environment) to an in-memory set; `flush()` writes
them, to the hour, in one upsert per batch, and only pairs not yet written this hour by this
process; the row only ever moves forward, so many processes may write it. The cache never
commits: it hands that write to the process's infrastructure runner (`record`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.flags import repository as repo
from domain.flags.definitions import FlagDefinition, conditions_from_json
from domain.flags.evaluation import CompiledFlag, Resolution, compile_segments, evaluate
from domain.flags.rules import typed_value
from domain.flags.states import state_of
from domain.flags.targeting import EvaluationContext
from domain.kernel.access import Scope
from domain.kernel.uow import UnitOfWork

log = logging.getLogger("signalbox.flags")

Sessions = Callable[[], AbstractAsyncContextManager[AsyncSession]]
Record = Callable[[Callable[[UnitOfWork], Awaitable[None]]], Awaitable[None]]
"""Runs a write in a unit of work and commits it (the caller's one commit place)."""
Catalogued = Callable[[AsyncSession, str], Awaitable[bool]]
"""Whether the environment catalog has this key (the environments context, handed in by the
composition: flags and environments are independent contexts)."""


async def _nothing_catalogued(_session: AsyncSession, _environment: str) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class SnapshotFlag:
    flag_id: uuid.UUID
    bu_id: uuid.UUID
    compiled: CompiledFlag
    metadata: dict[str, str | bool | float]


@dataclass(frozen=True, slots=True)
class Snapshot:
    environment: str
    revision: int
    flags: dict[str, SnapshotFlag]
    known: bool = True
    """Whether the environment exists: in the environment catalog, or named by a flag state.
    An unknown one (a typo in a client's configuration) is refused rather than served
    every flag as disabled."""

    def lookup(self, key: str, scope: Scope) -> SnapshotFlag | None:
        """The flag, if it exists here and the scope may see it (else it reads as absent)."""
        found = self.flags.get(key)
        return found if found is not None and scope.allows(found.bu_id) else None

    def visible(self, scope: Scope) -> list[SnapshotFlag]:
        return [f for f in self.flags.values() if scope.allows(f.bu_id)]


def build_snapshot(
    environment: str,
    revision: int,
    flag_rows: Sequence[Any],
    segment_rows: Sequence[Any],
    *,
    catalogued: bool = False,
) -> Snapshot:
    """Compile live flags (rows with their state in the environment) and segments; the
    environment is known when `catalogued` or when a flag has a state there. Pure."""
    if not (catalogued or any(r.state_id is not None for r in flag_rows)):
        return Snapshot(environment, revision, {}, known=False)  # nothing to compile for a typo
    segments = compile_segments({s.key: conditions_from_json(s.conditions) for s in segment_rows})
    flags: dict[str, SnapshotFlag] = {}
    for r in sorted(flag_rows, key=lambda r: r.key):
        definition = FlagDefinition(
            key=r.key,
            variants={v["key"]: typed_value(r.value_type, v["value"]) for v in r.variants},
            default_variant=r.default_variant,
            off_variant=r.off_variant,
            state=state_of(r) if r.state_id is not None else None,
        )
        metadata: dict[str, str | bool | float] = {
            "service": r.service_key,
            "kind": r.kind,
            "environment": environment,
        }
        flags[r.key] = SnapshotFlag(r.id, r.bu_id, CompiledFlag(definition, segments), metadata)
    return Snapshot(environment, revision, flags)


def evaluate_all(
    snapshot: Snapshot, scope: Scope, ctx: EvaluationContext
) -> list[tuple[SnapshotFlag, Resolution]]:
    """Every flag the scope may see, evaluated for one context, by key."""
    return [(f, evaluate(f.compiled, ctx)) for f in snapshot.visible(scope)]


class SnapshotCache:
    """Snapshots per environment for one process (see the module docstring)."""

    def __init__(
        self,
        sessions: Sessions,
        record: Record,
        *,
        catalogued: Catalogued = _nothing_catalogued,
        ttl: float = 1.0,
        max_environments: int = 256,
        flush_every: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._record = record
        self._catalogued = catalogued
        self._ttl = ttl
        self._max = max_environments
        self._flush_every = flush_every
        self._monotonic = monotonic
        self._snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self._revision = -1
        self._checked_at = -math.inf
        self._lock = asyncio.Lock()
        self._seen: set[tuple[uuid.UUID, str]] = set()
        self._recorded: dict[tuple[uuid.UUID, str], datetime] = {}
        self._flushed_at = monotonic()
        self._flushing: asyncio.Task[None] | None = None
        self.builds = 0
        """How many snapshots were built (tests and metrics)."""

    def invalidate(self) -> None:
        """A flag changed in this process: check the revision on the next evaluation."""
        self._checked_at = -math.inf

    async def snapshot(self, environment: str) -> Snapshot:
        found = self._snapshots.get(environment)
        fresh = self._monotonic() - self._checked_at < self._ttl
        if found is not None and fresh and found.revision == self._revision:
            return found
        async with self._lock:
            try:
                if self._monotonic() - self._checked_at >= self._ttl:
                    async with self._sessions() as session:
                        self._revision = await repo.current_revision(session)
                    self._checked_at = self._monotonic()
                found = self._snapshots.get(environment)
                if found is None or found.revision != self._revision:
                    found = await self._build(environment, self._revision)
                if not found.known:
                    # Not kept: unknown names must not evict real environments, and one
                    # added to the catalog is known at its next evaluation.
                    return found
            except Exception:
                found = self._snapshots.get(environment)
                if found is None:
                    raise
                log.warning("flag snapshot refresh failed; serving the last one", exc_info=True)
                return found
            self._snapshots[environment] = found
            self._snapshots.move_to_end(environment)
            while len(self._snapshots) > self._max:
                self._snapshots.popitem(last=False)
            return found

    async def _build(self, environment: str, revision: int) -> Snapshot:
        async with self._sessions() as session:
            flags, segments = await repo.snapshot_rows(session, environment)
            # The catalog is asked only when no flag state names the environment already.
            stated = any(r.state_id is not None for r in flags)
            catalogued = not stated and await self._catalogued(session, environment)
        self.builds += 1
        return build_snapshot(environment, revision, flags, segments, catalogued=catalogued)

    # -- last evaluated ------------------------------------------------------------------

    def note(self, flag_ids: Iterable[uuid.UUID], environment: str) -> None:
        """Remember that these flags were evaluated here (memory only; `flush` writes)."""
        self._seen.update((f, environment) for f in flag_ids)

    def flush_soon(self, now: datetime) -> None:
        """Start a background flush when the last one is `flush_every` seconds old."""
        if not self._seen or self._flushing is not None:
            return
        if self._monotonic() - self._flushed_at < self._flush_every:
            return
        self._flushing = asyncio.get_running_loop().create_task(self._background_flush(now))

    async def _background_flush(self, now: datetime) -> None:
        try:
            await self.flush(now)
        except Exception:  # telemetry: the next flush tries again
            log.warning("recording flag evaluations failed", exc_info=True)
        finally:
            self._flushing = None

    async def flush(self, now: datetime) -> int:
        """Write the pairs evaluated since the last flush, to the hour; how many were due."""
        hour = now.replace(minute=0, second=0, microsecond=0)
        seen, self._seen = self._seen, set()
        self._flushed_at = self._monotonic()
        due = sorted((k for k in seen if self._recorded.get(k) != hour), key=str)
        if not due:
            return 0
        try:
            await self._record(lambda uow: repo.record_evaluations(uow.session, due, hour))
        except Exception:
            self._seen |= seen
            raise
        for k in due:
            self._recorded[k] = hour
        return len(due)
