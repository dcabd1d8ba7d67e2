"""Work a server process repeats in the background (housekeeping, audit checkpoints)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


class Periodic:
    """Runs `work` every `seconds` until stopped; a failed round is logged, and the next one
    tries again: background work never takes the server down.

    `stop` lets the round under way finish: a round is never cancelled half-way, since its
    connection would be reset while cancelled and the pool would log a CancelledError
    ("Exception during reset or similar") after an otherwise clean stop."""

    def __init__(
        self,
        name: str,
        seconds: float,
        work: Callable[[], Awaitable[object]],
        log: logging.Logger,
        *,
        wait_first: bool = False,
    ) -> None:
        self._name, self._seconds, self._work, self._log = name, seconds, work, log
        self._wait_first = wait_first
        self._task: asyncio.Task[None] | None = None
        self._halting = asyncio.Event()

    def start(self) -> None:
        self._halting.clear()
        self._task = asyncio.create_task(self._loop(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._halting.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _pause(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._halting.wait(), self._seconds)

    async def _loop(self) -> None:
        if self._wait_first:
            await self._pause()
        while not self._halting.is_set():
            try:
                await self._work()
            except Exception:
                self._log.warning("%s: a round failed", self._name, exc_info=True)
            await self._pause()
