"""The benchmark tables DORA's four keys are graded by (data, no logic but the lookup).

Sources:
- 2023 Accelerate State of DevOps Report (Google Cloud / DORA), "software delivery performance"
  clusters; 2021 Accelerate State of DevOps Report, the same table.
- Apache DevLake's DORA dashboard and metric pages (devlake.apache.org, Metrics:
  DeploymentFrequency, LeadTimeForChanges, CFR, MTTR), which turn the reports' overlapping
  ranges into thresholds; these are DevLake's thresholds, so a team reads the same level here
  and in DevLake.

Deployment frequency is graded on *deployment days* (days with at least one successful
production deployment), as DevLake does: the median number of deployment days per week, per
month and per six months. Durations are upper bounds (a figure below the bound is that level);
the change failure rate's bounds are inclusive.
"""

from __future__ import annotations

from datetime import timedelta

from domain.insights.dora_vocabulary import Benchmarks, Level

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

LEAD_TIME: dict[Benchmarks, tuple[tuple[Level, timedelta], ...]] = {
    # 2023: less than one day; one day to one week; one week to one month; more than a month.
    Benchmarks.DORA_2023: ((Level.ELITE, DAY), (Level.HIGH, 7 * DAY), (Level.MEDIUM, 30 * DAY)),
    # 2021: less than one hour; less than one week; one week to six months; more.
    Benchmarks.DORA_2021: ((Level.ELITE, HOUR), (Level.HIGH, 7 * DAY), (Level.MEDIUM, 180 * DAY)),
}
"""Median (or p75) lead time below the bound: that level; at or above the last: LOW."""

TIME_TO_RESTORE: dict[Benchmarks, tuple[tuple[Level, timedelta], ...]] = {
    # Both reports: less than one hour; less than one day; one day to one week; more.
    Benchmarks.DORA_2023: ((Level.ELITE, HOUR), (Level.HIGH, DAY), (Level.MEDIUM, 7 * DAY)),
    Benchmarks.DORA_2021: ((Level.ELITE, HOUR), (Level.HIGH, DAY), (Level.MEDIUM, 7 * DAY)),
}

CHANGE_FAILURE_RATE: dict[Benchmarks, tuple[tuple[Level, float], ...]] = {
    # 2023: 0-5 %, 5-10 %, 10-15 %, more.
    Benchmarks.DORA_2023: ((Level.ELITE, 0.05), (Level.HIGH, 0.10), (Level.MEDIUM, 0.15)),
    # 2021: 0-15 %, 16-20 %, 21-30 %, more.
    Benchmarks.DORA_2021: ((Level.ELITE, 0.15), (Level.HIGH, 0.20), (Level.MEDIUM, 0.30)),
}
"""A rate at or below the bound: that level; above the last: LOW."""

DEPLOYMENT_DAYS: dict[Benchmarks, tuple[tuple[Level, str, float], ...]] = {
    # 2023: on demand (>= 7 deployment days a week); between once a day and once a week
    # (>= 1 a week); between once a week and once a month (>= 1 a month); fewer.
    Benchmarks.DORA_2023: (
        (Level.ELITE, "week", 7),
        (Level.HIGH, "week", 1),
        (Level.MEDIUM, "month", 1),
    ),
    # 2021: on demand (>= 7 a week); between once a day and once a month (>= 1 a month);
    # between once a month and once every six months (>= 1 in six months); fewer.
    Benchmarks.DORA_2021: (
        (Level.ELITE, "week", 7),
        (Level.HIGH, "month", 1),
        (Level.MEDIUM, "six_months", 1),
    ),
}
"""(level, per which span, at least how many median deployment days): the first that holds."""


def graded_duration(
    table: dict[Benchmarks, tuple[tuple[Level, timedelta], ...]],
    which: Benchmarks,
    value: timedelta | None,
) -> Level | None:
    """The level of a duration (None when there is no figure)."""
    if value is None:
        return None
    return next((level for level, bound in table[which] if value < bound), Level.LOW)


def graded_rate(which: Benchmarks, rate: float | None) -> Level | None:
    if rate is None:
        return None
    return next((level for level, bound in CHANGE_FAILURE_RATE[which] if rate <= bound), Level.LOW)


def graded_frequency(which: Benchmarks, medians: dict[str, float] | None) -> Level | None:
    """The level of the median deployment days per week, month and six months."""
    if medians is None:
        return None
    return next(
        (level for level, span, least in DEPLOYMENT_DAYS[which] if medians[span] >= least),
        Level.LOW,
    )
