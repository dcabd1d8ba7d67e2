"""Words of team benchmarks (ORM-free): the figures teams are compared on, which way is better,
and the bands that make a cohort (`benchmark_rules`)."""

from __future__ import annotations

from enum import StrEnum


class BenchmarkMetric(StrEnum):
    """A figure teams are ranked on over a period.

    DEPLOYS_PER_ENGINEER_WEEK: successful production deployments per engineer per week (team
    size normalised away); DEPLOYS_PER_WEEK: the same, absolute. LEAD_TIME: DORA's median lead
    time for changes; CHANGE_FAILURE_RATE: DORA's (0 for a team that deployed without an
    incident); RECOVERY_TIME: DORA's median time to restore; REVIEW_WAIT: the median time from
    a pull request opened to its first review (DORA's pickup step); BYPASS_RATE: emergency
    bypasses per production deployment (the maturity telemetry's definition).
    """

    DEPLOYS_PER_ENGINEER_WEEK = "deploys_per_engineer_week"
    DEPLOYS_PER_WEEK = "deploys_per_week"
    LEAD_TIME = "lead_time"
    CHANGE_FAILURE_RATE = "change_failure_rate"
    RECOVERY_TIME = "recovery_time"
    REVIEW_WAIT = "review_wait"
    BYPASS_RATE = "bypass_rate"


HIGHER_IS_BETTER = frozenset(
    {BenchmarkMetric.DEPLOYS_PER_ENGINEER_WEEK, BenchmarkMetric.DEPLOYS_PER_WEEK}
)
"""Frequency: more is better. Every other figure: less is better."""


class SizeBand(StrEnum):
    """A team's size band by its engineers (the members of its support rotation): SMALL 1-5,
    MEDIUM 6-12, LARGE 13 or more; UNKNOWN when the team has no rotation to count."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    UNKNOWN = "unknown"
