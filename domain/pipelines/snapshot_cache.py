"""A small per-process cache of decision snapshots, for decisions that are asked, not recorded.

Portals and CI poll "may it go now?"; the snapshot behind the answer reads a dozen contexts,
the judgement over it takes microseconds. Snapshots are kept for a few seconds (bounded in
number, least recently used out first); the clock-dependent gates are judged at the asking
time anyway. Recorded promotions never use the cache: they always decide on fresh facts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime, timedelta

from domain.pipelines.snapshot import Snapshot


class SnapshotCache:
    def __init__(self, ttl: timedelta = timedelta(seconds=2), size: int = 1024) -> None:
        self.ttl = ttl
        self.size = size
        self._entries: OrderedDict[Hashable, Snapshot] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def get(
        self, key: Hashable, now: datetime, take: Callable[[], Awaitable[Snapshot]]
    ) -> Snapshot:
        """The cached snapshot for `key` if younger than the TTL, else a fresh one."""
        found = self._entries.get(key)
        if found is not None and timedelta(0) <= now - found.taken_at < self.ttl:
            self._entries.move_to_end(key)
            self.hits += 1
            return found
        self.misses += 1
        snapshot = await take()
        self._entries[key] = snapshot
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return snapshot

    def clear(self) -> None:
        self._entries.clear()
