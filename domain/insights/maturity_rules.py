"""Pure rules of maturity assessments: quarters, telemetry turned into a level per dimension,
the gap between a team's self-assessment and that level, and the approval step that waits
longest. Plain values in, plain values out.

Thresholds (documented here, tested with worked answers in tests/domain/insights):

| metric | level 5 | 4 | 3 | 2 | else 1 |
| --- | --- | --- | --- | --- | --- |
| automation share (CI/CD-driven production deployments) | ≥ 95 % | ≥ 80 % | ≥ 60 % | ≥ 30 % | |
| bypass rate (emergency bypasses per production deployment) | ≤ 1 % | ≤ 3 % | ≤ 7 % | ≤ 15 % | |
| approval wait (median hours, submission → sign-off) | ≤ 4 | ≤ 24 | ≤ 72 | ≤ 168 | |
| review timeliness (24-hour reviews closed on time) | ≥ 95 % | ≥ 85 % | ≥ 70 % | ≥ 50 % | |
| DORA deployment frequency (per week) | ≥ 7 | ≥ 1 | ≥ 0.25 | ≥ 1/13 | |
| DORA lead time (hours) | ≤ 24 | ≤ 168 | ≤ 720 | ≤ 4380 | |
| DORA change failure rate | ≤ 5 % | ≤ 10 % | ≤ 15 % | ≤ 30 % | |
| DORA time to restore (hours) | ≤ 1 | ≤ 24 | ≤ 168 | ≤ 720 | |

A dimension's telemetry level is the lowest level of the metrics that speak to it and were
measured (`DIMENSION_METRICS`); with none measured it has no telemetry level and no gap.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from domain.insights.maturity_vocabulary import BottleneckKind, Dimension, Metric

LEVELS = range(1, 6)
DEFAULT_GAP_THRESHOLD = 2
"""A self-assessment this many levels above telemetry is flagged, unless the BU's
questionnaire says otherwise."""
GAP_THRESHOLDS = range(1, 5)
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """ "2026-Q4" as a quarter; None when it is not one."""
        match = QUARTER.match(text.strip())
        if match is None or not 2000 <= int(match.group(1)) <= 2999:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, at: datetime) -> Quarter:
        at = at.astimezone(UTC)
        return cls(at.year, (at.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the quarter: when it closes."""
        nxt = self.next
        return datetime(nxt.year, 3 * nxt.number - 2, 1, tzinfo=UTC)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


@dataclass(frozen=True, slots=True)
class Telemetry:
    """What the platform recorded of a team over a quarter; None: not measured (no data).

    The DORA fields are filled by the insights DORA work when it is wired in; until then they
    stay None and the dimensions that need them show no telemetry level.
    """

    automation_share: float | None = None
    bypass_rate: float | None = None
    approval_wait_hours: float | None = None
    review_on_time_share: float | None = None
    deployment_frequency_per_week: float | None = None
    lead_time_hours: float | None = None
    change_failure_rate: float | None = None
    recovery_hours: float | None = None

    def value(self, metric: Metric) -> float | None:
        return getattr(self, metric.value)  # type: ignore[no-any-return]

    def measured(self) -> dict[Metric, float]:
        return {Metric(f.name): v for f in fields(self) if (v := getattr(self, f.name)) is not None}


HIGHER_IS_BETTER = frozenset(
    {Metric.AUTOMATION_SHARE, Metric.REVIEW_ON_TIME_SHARE, Metric.DEPLOYMENT_FREQUENCY_PER_WEEK}
)
THRESHOLDS: dict[Metric, tuple[float, float, float, float]] = {
    # the bounds of levels 5, 4, 3, 2 (see the module's table)
    Metric.AUTOMATION_SHARE: (0.95, 0.80, 0.60, 0.30),
    Metric.BYPASS_RATE: (0.01, 0.03, 0.07, 0.15),
    Metric.APPROVAL_WAIT_HOURS: (4, 24, 72, 168),
    Metric.REVIEW_ON_TIME_SHARE: (0.95, 0.85, 0.70, 0.50),
    Metric.DEPLOYMENT_FREQUENCY_PER_WEEK: (7, 1, 0.25, 1 / 13),
    Metric.LEAD_TIME_HOURS: (24, 168, 720, 4380),
    Metric.CHANGE_FAILURE_RATE: (0.05, 0.10, 0.15, 0.30),
    Metric.RECOVERY_HOURS: (1, 24, 168, 720),
}
DIMENSION_METRICS: dict[Dimension, tuple[Metric, ...]] = {
    Dimension.GOVERNANCE: (Metric.APPROVAL_WAIT_HOURS, Metric.BYPASS_RATE),
    Dimension.AUTOMATION: (Metric.AUTOMATION_SHARE, Metric.DEPLOYMENT_FREQUENCY_PER_WEEK),
    Dimension.TESTING: (Metric.CHANGE_FAILURE_RATE,),
    Dimension.READINESS: (Metric.BYPASS_RATE, Metric.LEAD_TIME_HOURS),
    Dimension.OBSERVABILITY: (Metric.REVIEW_ON_TIME_SHARE, Metric.RECOVERY_HOURS),
    Dimension.RECOVERY: (Metric.RECOVERY_HOURS,),
    Dimension.LEARNING: (Metric.REVIEW_ON_TIME_SHARE,),
}
"""Which metrics speak to which dimension."""


def metric_level(metric: Metric, value: float) -> int:
    """The level (1 to 5) a measured value earns (better values never earn less)."""
    bounds = THRESHOLDS[metric]
    higher = metric in HIGHER_IS_BETTER
    for level, bound in zip((5, 4, 3, 2), bounds, strict=True):
        if (value >= bound) if higher else (value <= bound):
            return level
    return 1


def telemetry_levels(t: Telemetry) -> dict[Dimension, int | None]:
    """Each dimension's telemetry level: the lowest of its measured metrics' levels."""
    measured = t.measured()
    levels: dict[Dimension, int | None] = {}
    for dimension, metrics in DIMENSION_METRICS.items():
        found = [metric_level(m, measured[m]) for m in metrics if m in measured]
        levels[dimension] = min(found) if found else None
    return levels


@dataclass(frozen=True, slots=True)
class Gap:
    dimension: Dimension
    self_level: int
    telemetry_level: int | None
    gap: int | None
    """Self-assessment minus telemetry: positive when the team rates itself higher."""
    flagged: bool


def gaps(
    answers: Mapping[str, int], levels: Mapping[Dimension, int | None], threshold: int
) -> list[Gap]:
    """The gap per answered dimension; flagged when the self-assessment is `threshold` or more
    levels above telemetry (never when telemetry is missing)."""
    found = []
    for dimension in Dimension:
        if dimension.value not in answers:
            continue
        own, measured = int(answers[dimension.value]), levels.get(dimension)
        gap = None if measured is None else own - measured
        found.append(Gap(dimension, own, measured, gap, gap is not None and gap >= threshold))
    return found


@dataclass(frozen=True, slots=True)
class Wait:
    """One approval step taken: which step (a sign-off requirement), how long it waited."""

    step: str
    hours: float


@dataclass(frozen=True, slots=True)
class Bottleneck:
    kind: BottleneckKind
    step: str
    median_wait_hours: float
    count: int


def median_wait(waits: Iterable[Wait]) -> float | None:
    hours = [w.hours for w in waits]
    return statistics.median(hours) if hours else None


def bottlenecks(waits: Iterable[Wait], overdue_review_hours: Iterable[float]) -> list[Bottleneck]:
    """The steps where work waits, longest median wait first (ties by name): each approval
    step, and the 24-hour review hand-off when reviews were closed late or left open."""
    by_step: dict[str, list[float]] = defaultdict(list)
    for w in waits:
        by_step[w.step].append(w.hours)
    found = [
        Bottleneck(BottleneckKind.APPROVAL, step, statistics.median(h), len(h))
        for step, h in by_step.items()
    ]
    late = list(overdue_review_hours)
    if late:
        found.append(
            Bottleneck(
                BottleneckKind.REVIEW, "post_release_review", statistics.median(late), len(late)
            )
        )
    return sorted(found, key=lambda b: (-b.median_wait_hours, b.step))


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole
