"""Pure rules of peer reviews: when one is required, and the gate's answer.

A release needs a peer review when its change types meet the effective
`peer_review_change_types` of any of its services, or when its risk level requires one. Only
reviews by people who are not its authors count. The requirement holds before staging:
development and test targets pass with a note; staging, performance and production wait
(pending) for an approval, or fail while a reviewer's changes-requested verdict stands.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from domain.kernel.gates import GateOutcome, failed, passed, pending
from domain.kernel.vocabulary import EnvironmentKind
from domain.risk.vocabulary import Verdict

GATE = "peer_review"
BEFORE_STAGING = frozenset({EnvironmentKind.DEVELOPMENT.value, EnvironmentKind.TEST.value})


@dataclass(frozen=True, slots=True)
class ReviewRequirement:
    required: bool
    change_types: tuple[str, ...]
    """The release's change types that need a peer review by the guardrails."""
    risk_level: str
    by_risk_level: bool
    """Whether the release's risk level requires a peer review by itself."""

    @property
    def reason(self) -> str:
        why = []
        if self.change_types:
            why.append(f"its {', '.join(self.change_types)} changes need one")
        if self.by_risk_level:
            why.append(f"its {self.risk_level} risk level requires one")
        if not why:
            return (
                f"No peer review is required: no change type needs one and {self.risk_level} "
                "risk does not require one."
            )
        return "A peer review by someone other than its authors is required: " + (
            " and ".join(why) + "."
        )


@dataclass(frozen=True, slots=True)
class Review:
    reviewer_id: uuid.UUID
    reviewer: str
    verdict: str


def requirement(
    change_types: Collection[str],
    peer_review_change_types: Collection[str],
    risk_level: str,
    risk_requires: bool,
) -> ReviewRequirement:
    needing = tuple(sorted(set(change_types) & set(peer_review_change_types)))
    return ReviewRequirement(
        required=bool(needing) or risk_requires,
        change_types=needing,
        risk_level=risk_level,
        by_risk_level=risk_requires,
    )


def gate(
    req: ReviewRequirement,
    reviews: Sequence[Review],
    authors: Collection[uuid.UUID],
    environment_kind: str,
) -> GateOutcome:
    """The peer-review gate for a promotion to an environment of `environment_kind`."""
    counted = [r for r in reviews if r.reviewer_id not in set(authors)]
    approvals = sorted(r.reviewer for r in counted if r.verdict == Verdict.APPROVED)
    objections = sorted(r.reviewer for r in counted if r.verdict == Verdict.CHANGES_REQUESTED)
    evidence = {
        "required": req.required,
        "changeTypes": list(req.change_types),
        "riskLevel": req.risk_level,
        "approvedBy": approvals,
        "changesRequestedBy": objections,
    }
    if not req.required:
        return passed(GATE, req.reason, **evidence)
    if approvals and not objections:
        return passed(GATE, f"Peer reviewed and approved by {', '.join(approvals)}.", **evidence)
    if environment_kind in BEFORE_STAGING:
        return passed(
            GATE,
            f"{req.reason} It is needed before staging, not yet for {environment_kind}.",
            **evidence,
        )
    if objections:
        return failed(
            GATE,
            f"{req.reason} Changes were requested by {', '.join(objections)} and stand.",
            **evidence,
        )
    return pending(GATE, f"{req.reason} No approving peer review yet.", **evidence)
