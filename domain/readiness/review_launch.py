"""Pure rules of a service's first launch: whether it has ever reached production, and how its
service readiness review weighs in the `readiness_review` gate.

A service that has never been in production has no operational record: its dashboards, alert
routes, runbooks and on-call exist only on paper. Its first production promotion therefore
needs a signed readiness review OF THE SERVICE in addition to the release's review (which
covers the change): one does not replace the other. Once the service has been in production,
its service review no longer matters.

Who may not sign a service review ("its authors"): whoever opened it, and, at the gate, the
authors of the release that carries the first launch.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.kernel import gates
from domain.kernel.gates import GateOutcome, GateStatus
from domain.readiness.review_rules import GATE, ReviewFacts, missing
from domain.readiness.review_vocabulary import ReviewStatus

GUARDRAIL = "first_launch_review_required"
SEVERITY = {GateStatus.PASSED: 0, GateStatus.WAIVED: 0, GateStatus.PENDING: 1, GateStatus.FAILED: 2}


@dataclass(frozen=True, slots=True)
class ProductionHistory:
    """What is recorded of a service in production: deployments run by Signalbox that
    succeeded there, and deployments or upgrades a CD tool reported there."""

    service_id: uuid.UUID
    succeeded_deployments: int = 0
    reported_deployments: int = 0


@dataclass(frozen=True, slots=True)
class LaunchFacts:
    """A production target's service: its history there and its service review (if any)."""

    history: ProductionHistory
    review: ReviewFacts | None = None


def first_launch(history: ProductionHistory) -> bool:
    """The service has never reached production: no deployment of it succeeded in a
    production environment and no CD tool reported one there (rolled-back ones never count)."""
    return history.succeeded_deployments == 0 and history.reported_deployments == 0


def service_gate(
    launch: LaunchFacts | None,
    guardrails: Mapping[str, Any],
    service_key: str,
    author_ids: Collection[uuid.UUID],
    now: datetime,
    runbook_max_age_days: int,
) -> GateOutcome | None:
    """The service review's part of the gate; None when it does not matter (not gathered, the
    service has been in production, or none is required nor open). An open one is judged
    whether required or not (an SRE asked for it)."""
    if launch is None or not first_launch(launch.history):
        return None
    review, name = launch.review, f"service '{service_key}'"
    if review is None:
        if not guardrails.get(GUARDRAIL):
            return None
        return gates.pending(
            GATE,
            f"The first launch of {name} needs its signed service readiness review; none is open.",
            firstLaunch=True,
        )
    evidence: dict[str, Any] = {"firstLaunch": True, "serviceReadinessReviewId": str(review.id)}
    gaps = missing(review.items, now, runbook_max_age_days)
    if gaps:
        return gates.pending(
            GATE,
            f"The service readiness review of {name} (first launch) is missing: {'; '.join(gaps)}.",
            serviceMissing=gaps,
            **evidence,
        )
    signer = review.signed_off_by_id
    if review.status != ReviewStatus.SIGNED_OFF or signer is None:
        return gates.pending(
            GATE,
            f"The service readiness review of {name} (first launch) has every item; it awaits "
            "an SRE's sign-off.",
            **evidence,
        )
    evidence["serviceSignedOffById"] = str(signer)
    if signer == review.opened_by_id or signer in author_ids:
        return gates.failed(
            GATE,
            f"The service readiness review of {name} (first launch) was signed off by its "
            "opener or one of the release's authors.",
            **evidence,
        )
    return gates.passed(
        GATE,
        f"The service readiness review of {name} (first launch): its {len(review.items)} items "
        "are met and signed off.",
        **evidence,
    )


def combine(release: GateOutcome, service: GateOutcome | None) -> GateOutcome:
    """One `readiness_review` gate over the release's review and the service's: the worse
    status, the reasons of what blocks (of both when nothing does), the evidence of both."""
    if service is None:
        return release
    worst = max((release, service), key=lambda o: SEVERITY[o.status])
    shown = [o for o in (release, service) if o.blocks] or [release, service]
    return gates.GateOutcome(
        GATE,
        worst.status,
        " ".join(o.reason for o in shown),
        {**release.evidence, **service.evidence},
    )
