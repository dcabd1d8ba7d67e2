"""Pure rules of policy proposals: their lifecycle, segregation of duties, the shape of a
target, and the origin a guardrail or risk-model change records."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Any

from domain.guardrails.vocabulary import RiskLevel
from domain.insights.policy_errors import PolicyErrorCode as Code
from domain.insights.policy_vocabulary import OriginKind, ProposalStatus, TargetKind, TargetScope
from domain.kernel.errors import DomainError
from domain.organization.vocabulary import Tier

S = ProposalStatus
MOVES: dict[ProposalStatus, tuple[ProposalStatus, Code]] = {
    S.SUBMITTED: (S.DRAFT, Code.PROPOSAL_NOT_DRAFT),
    S.APPROVED: (S.SUBMITTED, Code.PROPOSAL_NOT_SUBMITTED),
    S.REJECTED: (S.SUBMITTED, Code.PROPOSAL_NOT_SUBMITTED),
    S.APPLIED: (S.APPROVED, Code.PROPOSAL_NOT_APPROVED),
}
"""Each state a proposal can move to, from the one state it must be in."""


def check_move(current: ProposalStatus, to: ProposalStatus) -> None:
    """draft → submitted → approved | rejected; approved → applied; nothing else."""
    needed, code = MOVES[to]
    if current is not needed:
        raise DomainError(
            f"The proposal is {current.value}: only a {needed.value} proposal can be {to.value}.",
            code=code,
            field="id",
        )


def check_not_proposer(proposer_id: uuid.UUID | None, actor_id: uuid.UUID | None) -> None:
    """Nobody decides on their own proposal (segregation of duties)."""
    if proposer_id is not None and proposer_id == actor_id:
        raise DomainError(
            "You proposed this change: someone else approves or rejects it.",
            code=Code.SELF_APPROVAL,
            field="id",
        )


@dataclass(frozen=True, slots=True)
class Target:
    """What a proposal changes: a guardrail field (core, the origin's BU, a tier profile) or a
    risk level's score threshold (core model, the origin's BU mapping)."""

    kind: TargetKind
    scope: TargetScope
    tier: str | None
    key: str
    value: Any


def check_target(
    kind: TargetKind, scope: TargetScope, tier: str | None, key: str, value: Any
) -> Target:
    """The target's shape; the value itself is judged by the guardrails or risk context."""
    if scope is TargetScope.TIER:
        if kind is not TargetKind.GUARDRAIL:
            raise DomainError(
                "Only guardrails have tier profiles.", code=Code.INVALID_SCOPE, field="scope"
            )
        if tier not in {t.value for t in Tier}:
            raise DomainError("Name a known tier.", code=Code.UNKNOWN_TIER, field="tier")
    elif tier is not None:
        raise DomainError(
            "A tier is named only for a tier profile.", code=Code.INVALID_SCOPE, field="tier"
        )
    if kind is TargetKind.RISK_THRESHOLD:
        return Target(kind, scope, None, _level(key), _score(value))
    if not key.strip():
        raise DomainError("Name the guardrail.", code=Code.INVALID_TARGET, field="key")
    return Target(kind, scope, tier, key.strip(), value)


def _level(key: str) -> str:
    if key not in {level.value for level in RiskLevel} or key == RiskLevel.LOW.value:
        raise DomainError(
            "Name a risk level above low (its score threshold changes).",
            code=Code.UNKNOWN_RISK_LEVEL,
            field="key",
        )
    return key


def _score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DomainError(
            "A risk threshold is a number.", code=Code.INVALID_PROPOSED_VALUE, field="value"
        )
    return float(value)


def origin_record(
    proposal_id: uuid.UUID, origin_kind: OriginKind, origin_id: uuid.UUID
) -> dict[str, str]:
    """What a guardrail or risk-model version keeps of the proposal that asked for it."""
    return {
        "kind": "policy_proposal",
        "proposal_id": str(proposal_id),
        "origin_kind": origin_kind.value,
        "origin_id": str(origin_id),
    }
