"""The words of quarterly maturity assessments: closed enums, no ORM."""

from __future__ import annotations

from enum import StrEnum


class Dimension(StrEnum):
    """What a team assesses itself on, each at a level from 1 (initial) to 5 (optimizing)."""

    GOVERNANCE = "governance"
    AUTOMATION = "automation"
    TESTING = "testing"
    READINESS = "readiness"
    OBSERVABILITY = "observability"
    RECOVERY = "recovery"
    LEARNING = "learning"


class Metric(StrEnum):
    """A figure the platform records that speaks to a dimension (see maturity_rules)."""

    AUTOMATION_SHARE = "automation_share"
    """Production deployments by CI or a CD tool, of all production deployments."""
    BYPASS_RATE = "bypass_rate"
    """Emergency bypasses requested, per production deployment."""
    APPROVAL_WAIT_HOURS = "approval_wait_hours"
    """Median hours from a release's submission to each of its sign-offs."""
    REVIEW_ON_TIME_SHARE = "review_on_time_share"
    """24-hour post-release reviews closed by their due time, of those due."""
    DEPLOYMENT_FREQUENCY_PER_WEEK = "deployment_frequency_per_week"
    """DORA: production deployments per week."""
    LEAD_TIME_HOURS = "lead_time_hours"
    """DORA: first commit to production, hours (median)."""
    CHANGE_FAILURE_RATE = "change_failure_rate"
    """DORA: share of production deployments with an incident."""
    RECOVERY_HOURS = "recovery_hours"
    """DORA: incident creation to resolution, hours (median)."""


class BottleneckKind(StrEnum):
    """Where work waits."""

    APPROVAL = "approval"
    """A sign-off step of governance: a release waits for a discipline's signature."""
    REVIEW = "review"
    """The 24-hour post-release review hand-off: reviews left open past due."""
