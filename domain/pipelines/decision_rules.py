"""The promotion decision as pure rules: approvals with segregation of duties across the whole
chain, waivers from emergency bypasses, and the verdict over every gate.

Nothing here touches the database: the decision snapshot gathers the facts, these functions
judge them. Each gate reports passed, failed, pending or waived, with one sentence and the
evidence it used; the promotion is allowed only when no gate blocks.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.compliance.bypass_rules import BypassFacts, apply_waiver
from domain.kernel import gates
from domain.kernel.gates import GateOutcome, GateStatus
from domain.pipelines.vocabulary import PromotionStatus


class SodCode(StrEnum):
    """Why a person may not approve this promotion (segregation of duties)."""

    SOD_REQUESTER = "SOD_REQUESTER"
    SOD_AUTHOR = "SOD_AUTHOR"
    SOD_REVIEWER = "SOD_REVIEWER"


@dataclass(frozen=True, slots=True)
class ChangeFacts:
    """One change in the promotion (a commit, a pull request) and the people behind it."""

    ref: str
    author_ids: frozenset[uuid.UUID]
    reviewer_ids: frozenset[uuid.UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class Chain:
    """Everyone who took part in bringing the change here, by role in the chain."""

    requester_id: uuid.UUID | None
    author_ids: frozenset[uuid.UUID]
    reviewer_ids: frozenset[uuid.UUID]

    @staticmethod
    def of(
        requester_id: uuid.UUID | None,
        changes: Sequence[ChangeFacts],
        release_author_ids: Collection[uuid.UUID] = (),
        peer_reviewer_ids: Collection[uuid.UUID] = (),
    ) -> Chain:
        authors = frozenset(release_author_ids).union(*(c.author_ids for c in changes))
        reviewers = frozenset(peer_reviewer_ids).union(*(c.reviewer_ids for c in changes))
        return Chain(requester_id, authors, reviewers)


def conflicts(person_id: uuid.UUID, chain: Chain) -> list[SodCode]:
    """Every reason the person may not approve (empty when they may)."""
    out = []
    if person_id == chain.requester_id:
        out.append(SodCode.SOD_REQUESTER)
    if person_id in chain.author_ids:
        out.append(SodCode.SOD_AUTHOR)
    if person_id in chain.reviewer_ids:
        out.append(SodCode.SOD_REVIEWER)
    return out


@dataclass(frozen=True, slots=True)
class ApprovalFacts:
    id: uuid.UUID
    approver_id: uuid.UUID
    approver: str
    approved_at: datetime


@dataclass(frozen=True, slots=True)
class DisciplineNeed:
    """The disciplines whose approval a promotion needs, and who approves for which."""

    required: tuple[str, ...] = ()
    of_person: Mapping[uuid.UUID, frozenset[str]] = field(default_factory=dict)
    source: str = "the promotion"
    """What requires them, in words (`risk high`)."""

    def missing(self, approvals: Sequence[ApprovalFacts]) -> list[str]:
        """The required disciplines no approval is given for."""
        given = {d for a in approvals for d in self.of_person.get(a.approver_id, ())}
        return sorted(set(self.required) - given)


def approvals_gates(
    approvals: Sequence[ApprovalFacts],
    required: int,
    chain: Chain,
    delegates: Collection[str] = (),
    need: DisciplineNeed = DisciplineNeed(),
) -> list[GateOutcome]:
    """The approvals gate and the segregation-of-duties gate.

    Approvals count when there are enough of them and, together, they cover the disciplines
    `need` requires (an approval counts for its approver's disciplines). An approval by
    someone in the chain counts for nothing and fails segregation of duties (recording such
    an approval is refused up front; this catches a chain that grew since).
    """
    tainted = {a.approver: [str(c) for c in conflicts(a.approver_id, chain)] for a in approvals}
    tainted = {k: v for k, v in tainted.items() if v}
    valid = [a for a in approvals if a.approver not in tainted]
    names = sorted(a.approver for a in valid)
    if tainted:
        who = "; ".join(f"{k} ({', '.join(v)})" for k, v in sorted(tainted.items()))
        sod = gates.failed(
            "segregation_of_duties",
            f"Approvers take part in the change they approve: {who}.",
            conflicts=tainted,
        )
    else:
        sod = gates.passed(
            "segregation_of_duties",
            "No approver requested, wrote or reviewed any change in this promotion.",
            approvers=names,
        )
    evidence: dict[str, object] = {"approvers": names, "required": required}
    if need.required:
        evidence["disciplines"] = list(need.required)
    missing = need.missing(valid)
    count = f"{len(valid)} of {required} approvals given"
    if len(valid) >= required and not missing:
        if need.required:
            count += f", covering {', '.join(need.required)}"
        elif required == 0:
            count = "No approval is required"
        return [gates.passed("approvals", f"{count}.", **evidence), sod]
    hint = f" Delegates who may approve: {', '.join(sorted(delegates))}." if delegates else ""
    if missing:
        evidence["missingDisciplines"] = missing
        hint = (
            f" No approval yet from {', '.join(missing)}: {need.source} needs approvals from "
            f"{', '.join(need.required)}.{hint}"
        )
    return [gates.pending("approvals", f"{count}.{hint}", **evidence), sod]


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    outcomes: tuple[GateOutcome, ...]
    used_bypasses: tuple[BypassFacts, ...] = field(default=())
    as_of: datetime | None = None
    """When the facts judged were gathered (a cached snapshot may be a few seconds old)."""

    @property
    def status(self) -> PromotionStatus:
        """Allowed; refused when a gate failed; else waiting (only pending gates block)."""
        if self.allowed:
            return PromotionStatus.ALLOWED
        if any(o.status is GateStatus.FAILED for o in self.outcomes):
            return PromotionStatus.REFUSED
        return PromotionStatus.WAITING

    @property
    def summary(self) -> str:
        """The verdict in words, opening with the status: Allowed, Refused or Waiting."""
        total = len(self.outcomes)
        if self.allowed:
            waived = [o.gate for o in self.outcomes if o.status is GateStatus.WAIVED]
            extra = f" ({len(waived)} waived: {', '.join(waived)})" if waived else ""
            return f"Allowed: all {total} gates pass{extra}."
        blocking = [o.gate for o in self.outcomes if o.blocks]
        if self.status is PromotionStatus.REFUSED:
            return f"Refused: {len(blocking)} of {total} gates block: {', '.join(blocking)}."
        return f"Waiting: {len(blocking)} of {total} gates pending: {', '.join(blocking)}."

    def by_gate(self) -> Mapping[str, GateOutcome]:
        return {o.gate: o for o in self.outcomes}


def decide(
    outcomes: Sequence[GateOutcome],
    bypasses: Sequence[BypassFacts],
    release_id: uuid.UUID | None,
    environment_id: uuid.UUID,
    now: datetime,
    as_of: datetime | None = None,
) -> Decision:
    """The verdict: each blocking gate waived when an active bypass names it for this change and
    target (never segregation of duties), then allowed when nothing blocks."""
    judged: list[GateOutcome] = []
    used: dict[uuid.UUID, BypassFacts] = {}
    for outcome in outcomes:
        if release_id is not None and bypasses:
            outcome, bypass = apply_waiver(outcome, bypasses, release_id, environment_id, now)
            if bypass is not None:
                used[bypass.id] = bypass
        judged.append(outcome)
    allowed = not any(o.blocks for o in judged)
    return Decision(allowed, tuple(judged), tuple(used.values()), as_of)
