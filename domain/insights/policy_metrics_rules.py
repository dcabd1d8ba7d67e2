"""Pure rules of a policy change's before-and-after figures: the two windows around the moment
it was applied, and the rates over each window's counts."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.insights.policy_errors import PolicyErrorCode as Code
from domain.kernel.errors import DomainError

MAX_DAYS = 365
Decided = tuple[datetime, datetime]
"""A release's submission and decision."""


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    end: datetime
    complete: bool
    """False while the window still runs (its end is now, not its planned end)."""


def windows(applied_at: datetime, days: int, now: datetime) -> tuple[Window, Window]:
    """[applied_at - days, applied_at) and [applied_at, applied_at + days), the second cut at
    `now` while it runs."""
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(
            f"A window is 1 to {MAX_DAYS} days.", code=Code.INVALID_WINDOW, field="days"
        )
    span = timedelta(days=days)
    planned_end = applied_at + span
    before = Window(applied_at - span, applied_at, True)
    after = Window(applied_at, min(planned_end, max(now, applied_at)), now >= planned_end)
    return before, after


@dataclass(frozen=True, slots=True)
class Counts:
    """What the lower contexts count in one window for the proposal's BU."""

    deployments: int = 0
    """Production deployments that finished (Signalbox-driven and reported)."""
    rolled_back: int = 0
    incidents: int = 0
    """Incidents detected in the window."""
    bypasses: int = 0
    """Emergency bypasses requested in the window."""
    approval_waits: tuple[timedelta, ...] = ()
    """From submission to decision, for each release decided in the window."""


@dataclass(frozen=True, slots=True)
class Figures:
    window: Window
    counts: Counts
    bypass_rate: float | None
    """Bypasses per production deployment; None without deployments."""
    rollback_rate: float | None
    incidents_per_deployment: float | None
    approval_wait_hours: float | None
    """The median wait of the releases decided in the window; None without any."""


def _per(count: int, deployments: int) -> float | None:
    return None if deployments == 0 else round(count / deployments, 4)


def waits_in(
    window: Window, decisions: Iterable[tuple[datetime, datetime]]
) -> tuple[timedelta, ...]:
    """The waits (submitted → decided) of the decisions made in the window."""
    return tuple(d - s for s, d in decisions if window.start <= d < window.end)


def _median_hours(waits: tuple[timedelta, ...]) -> float | None:
    if not waits:
        return None
    return round(statistics.median(w.total_seconds() for w in waits) / 3600, 2)


def figures(window: Window, counts: Counts) -> Figures:
    """The window's counts, the rates over its deployments and the median approval wait."""
    d = counts.deployments
    return Figures(
        window,
        counts,
        _per(counts.bypasses, d),
        _per(counts.rolled_back, d),
        _per(counts.incidents, d),
        _median_hours(counts.approval_waits),
    )
