"""The words of SRE readiness reviews: what a checklist item checks, where a review stands."""

from __future__ import annotations

from enum import StrEnum


class ItemKind(StrEnum):
    """What a checklist item checks; `runbook` items are also held to the guardrails' age."""

    MONITORING = "monitoring"
    """Dashboards, SLOs and their alert rules exist for the service."""
    ALERTING = "alerting"
    """Alert rules are routed to an on-call."""
    RUNBOOK = "runbook"
    """Runbooks are present and were reviewed recently."""
    ON_CALL = "on_call"
    """The on-call rotation is staffed for the release window."""
    DEPENDENCIES_INFORMED = "dependencies_informed"
    """The owners of the services it depends on (and that depend on it) were told."""
    OTHER = "other"


class ReviewStatus(StrEnum):
    """Where a readiness review stands: open (items being evidenced) or signed off by an SRE."""

    OPEN = "open"
    SIGNED_OFF = "signed_off"
