"""The words of the 24-hour post-release review: where a review stands, the verdict it is closed
with, the standard metrics it reads, and the kinds of emergent issue it lists."""

from __future__ import annotations

from enum import StrEnum


class ReviewStatus(StrEnum):
    """Open from the deployment until someone closes it with a verdict; overdue is open past due."""

    OPEN = "open"
    CLOSED = "closed"


class Verdict(StrEnum):
    """What the owner or an SRE concluded, 24 hours on."""

    HEALTHY = "healthy"
    """Nothing worse than before the deployment."""
    DEGRADED = "degraded"
    """Worse, and kept in production (follow-up work named in the summary)."""
    ROLLED_BACK = "rolled_back"
    """Worse enough that the change was rolled back."""
    INCONCLUSIVE = "inconclusive"
    """Not enough signal to tell (no metrics, no traffic)."""


class StandardMetric(StrEnum):
    """The metrics every review reads; a service's template may redefine their queries."""

    ERROR_RATE = "error_rate"
    LATENCY_P99 = "latency_p99"
    SATURATION = "saturation"


class IssueKind(StrEnum):
    """Something that emerged after the deployment and was absent before it."""

    METRIC_REGRESSION = "metric_regression"
    NEW_ERROR_FINGERPRINT = "new_error_fingerprint"
    NEW_FEEDBACK_THEME = "new_feedback_theme"
    INCIDENT = "incident"
    JOURNEY_REGRESSION = "journey_regression"


class MetricsState(StrEnum):
    """Whether metrics could be read: `not_configured` (no Prometheus URL) is never zeros."""

    NOT_GATHERED = "not_gathered"
    NOT_CONFIGURED = "not_configured"
    GATHERED = "gathered"
    UNAVAILABLE = "unavailable"
