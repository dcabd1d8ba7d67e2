"""The garbage-collection policy of a server process (SIGNALBOX_GC_*).

A full collection scans every tracked object the process holds: the schema, the metadata, the
policy and grants, the caches, some 150,000 objects that live as long as the process. Left to
Python's defaults (a young collection every 700 allocations, a full one whenever the old
generation grew by a quarter), a full collection pauses a request for 50-70 ms every dozen
catalogue requests, and request objects that happen to be in flight keep being promoted into the
old generation, which triggers the next one. The policy:

- `gc_thresholds`: the collector's three thresholds (`gc.set_threshold`); empty (the default)
  keeps Python's. A larger first threshold collects the young generation less often, so fewer
  of a request's short-lived objects are alive, and promoted, when it runs; but each collection
  takes longer and the garbage of more requests waits for it (a catalogue request leaves some
  4,700 objects in reference cycles: the execution's and the DataLoaders'), so on the bench
  `50000,20,10` cost memory (347 against 205 MiB) for no CPU that could be told from noise.
- `gc_freeze_after_start`: after start-up, collect once and move everything alive into the
  permanent generation (`gc.freeze`), which collections never scan again.
- `gc_freeze_after_requests`: once this many requests have been served, do it once more:
  what the first requests built and keeps (parsed documents, compiled statements, caches) is
  then frozen too. 0 never does.

Nothing is ever freed by freezing that would otherwise be freed: a frozen object that becomes
garbage is simply never collected if it sits in a reference cycle (plain reference counting still
frees the rest), which is why only what start-up and warm-up built is frozen, once.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass

from api.settings import Settings

log = logging.getLogger("signalbox.gc")


@dataclass(frozen=True, slots=True)
class GcPolicy:
    thresholds: tuple[int, int, int] | None
    freeze_after_start: bool
    freeze_after_requests: int

    @classmethod
    def of(cls, settings: Settings) -> GcPolicy:
        thresholds = settings.gc_thresholds
        return cls(
            thresholds=(thresholds[0], thresholds[1], thresholds[2]) if thresholds else None,
            freeze_after_start=settings.gc_freeze_after_start,
            freeze_after_requests=settings.gc_freeze_after_requests,
        )

    def at_start(self) -> None:
        """Set the thresholds, and freeze what start-up built when the policy says so."""
        if self.thresholds is not None:
            gc.set_threshold(*self.thresholds)
        if self.freeze_after_start:
            freeze()

    def warm_up(self) -> WarmUp | None:
        """The counter that freezes once after `freeze_after_requests` requests, if any."""
        return WarmUp(self.freeze_after_requests) if self.freeze_after_requests > 0 else None


class WarmUp:
    """Counts served requests; freezes what is alive once, when the count is reached."""

    __slots__ = ("left",)

    def __init__(self, requests: int) -> None:
        self.left = requests

    def served(self) -> None:
        self.left -= 1
        if self.left == 0:
            freeze()
            log.info(
                "warm-up done: long-lived objects frozen", extra={"frozen": gc.get_freeze_count()}
            )


def freeze() -> None:
    gc.collect()
    gc.freeze()
