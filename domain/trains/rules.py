"""Pure rules of the trains context: input checks and the integration-window gate.

The gate (`integration_window_passed`): a departure may be promoted to the final staging
environment only when its integration window has ended AND every suite recorded in it passed.
Each suite counts by its latest result (a re-run replaces a failed run); no window, a
cancelled window, a window still open, or a window without results is not passed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.kernel.errors import DomainError
from domain.trains.errors import TrainErrorCode as Code

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
MAX_WINDOW = timedelta(days=31)
MAX_EFFORT = 1000


def check_key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise DomainError(
            "A key is 2 to 40 lowercase letters, digits or dashes, starting with a letter.",
            code=Code.INVALID_KEY,
            field="key",
        )
    return key


def check_text(value: str, code: Code, field: str, longest: int = 200) -> str:
    value = value.strip()
    if not 1 <= len(value) <= longest:
        raise DomainError(f"{field} needs 1 to {longest} characters.", code=code, field=field)
    return value


def check_effort(effort: int) -> int:
    if not 0 <= effort <= MAX_EFFORT:
        raise DomainError(
            f"Effort is 0 to {MAX_EFFORT} points.", code=Code.INVALID_EFFORT, field="effort"
        )
    return effort


def check_interval(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at or ends_at - starts_at > MAX_WINDOW:
        raise DomainError(
            f"A window ends after it starts and lasts at most {MAX_WINDOW.days} days.",
            code=Code.INVALID_INTERVAL,
            field="endsAt",
        )


@dataclass(frozen=True, slots=True)
class GateResult:
    passed: bool
    reason: str


@dataclass(frozen=True, slots=True)
class WindowFacts:
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False


@dataclass(frozen=True, slots=True)
class ResultFacts:
    suite: str
    passed: bool
    recorded_at: datetime


def integration_window_passed(
    window: WindowFacts | None, results: Sequence[ResultFacts], now: datetime
) -> GateResult:
    """Whether a departure's integration window has passed, and why (or why not)."""
    if window is None or window.cancelled:
        return GateResult(False, "No integration window is scheduled for this departure.")
    if now < window.ends_at:
        return GateResult(
            False, f"The integration window is open until {window.ends_at:%Y-%m-%d %H:%M} UTC."
        )
    latest: dict[str, ResultFacts] = {}
    for r in sorted(results, key=lambda r: r.recorded_at):
        latest[r.suite] = r
    if not latest:
        return GateResult(False, "The integration window ended without any recorded result.")
    failed = sorted(s for s, r in latest.items() if not r.passed)
    if failed:
        return GateResult(False, "Failed suites: " + ", ".join(failed) + ".")
    return GateResult(True, f"The integration window ended and all {len(latest)} suites passed.")
