"""Injected time: production reads the system clock, tests set it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class ShiftedClock:
    """Another clock's time, moved back by `ago`: what happened earlier, told through the same
    use cases (the demo issues a notice whose period has passed)."""

    def __init__(self, clock: Clock, ago: timedelta) -> None:
        self._clock = clock
        self._ago = ago

    def now(self) -> datetime:
        return self._clock.now() - self._ago
