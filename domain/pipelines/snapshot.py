"""The decision snapshot and its judgement: "may artifact A@V of service S go to E now?".

`Snapshot` holds plain facts gathered once (domain.pipelines.decision takes it); `judge` is a
pure function of a snapshot and the time, fast enough to answer again and again from a cache:
the clock-dependent gates (freezes, sign-off expiry, bypass expiry) and the rule-heavy ones
(evidence thresholds, risk suites, approvals and segregation of duties) are judged here; the
gates whose facts only their own context can judge come in as outcomes taken with the facts.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from domain.compliance.bypass_rules import BypassFacts
from domain.kernel import gates
from domain.kernel.gates import GateOutcome
from domain.pipelines.decision_rules import ApprovalFacts, Chain, Decision, approvals_gates, decide
from domain.pipelines.evidence_gates import EvidenceFacts, evidence_gates
from domain.pipelines.vocabulary import EvidenceType

PRODUCTION = "production"
FREEZE_HORIZON = timedelta(hours=1)
"""A promotion asked now is expected to land within this long: freezes starting sooner bind."""
NO_ARTIFACT = uuid.UUID(int=0)


@dataclass(frozen=True, slots=True)
class FreezeFact:
    freeze_id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class SignOffFact:
    requirement: str
    discipline: str
    sign_off_id: uuid.UUID | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Snapshot:
    service_id: uuid.UUID
    service_key: str
    bu_id: uuid.UUID
    environment_id: uuid.UUID
    environment_key: str
    environment_kind: str
    artifact_version: str
    release_id: uuid.UUID | None
    requester_id: uuid.UUID | None
    taken_at: datetime
    guardrails: Mapping[str, Any]
    evidence: EvidenceFacts
    risk_level: str | None = None
    required_suites: tuple[str, ...] = ()
    risk_min_approvals: int = 0
    approvals: tuple[ApprovalFacts, ...] = ()
    chain: Chain = field(default_factory=lambda: Chain(None, frozenset(), frozenset()))
    delegates: tuple[str, ...] = ()
    bypasses: tuple[BypassFacts, ...] = ()
    freezes: tuple[FreezeFact, ...] = ()
    sign_offs: tuple[SignOffFact, ...] | None = None
    outcomes: tuple[GateOutcome, ...] = ()

    @property
    def production(self) -> bool:
        return self.environment_kind == PRODUCTION

    @property
    def min_approvals(self) -> int:
        floor = int(self.guardrails.get(f"min_approvers.{self.environment_kind}", 0) or 0)
        return max(floor, self.risk_min_approvals) if self.production else floor


def _freeze(s: Snapshot, now: datetime) -> GateOutcome:
    until = now + FREEZE_HORIZON
    hits = [f for f in s.freezes if f.starts_at < until and f.ends_at > now]
    if not hits:
        return gates.passed(
            "freeze", f"No freeze binds {s.service_key} in {s.environment_key} now."
        )
    names = ", ".join(sorted({h.title for h in hits}))
    return gates.failed(
        "freeze",
        f"{s.environment_key} is frozen for {s.service_key}: {names}.",
        freezes=sorted({str(h.freeze_id) for h in hits}),
    )


def _sign_offs(s: Snapshot, now: datetime) -> GateOutcome:
    if not s.production:
        return gates.passed("sign_offs", "Sign-offs are checked before production.")
    if s.sign_offs is None:
        return gates.pending("sign_offs", "No release links this artifact to its sign-offs.")
    open_ = [
        f"{x.requirement} ({x.discipline}, {'missing' if x.expires_at is None else 'expired'})"
        for x in s.sign_offs
        if x.expires_at is None or x.expires_at <= now
    ]
    given = [str(x.sign_off_id) for x in s.sign_offs if x.sign_off_id is not None]
    if open_:
        return gates.failed(
            "sign_offs", f"Sign-offs outstanding: {', '.join(open_)}.", signOffs=given
        )
    return gates.passed(
        "sign_offs", f"All {len(s.sign_offs)} required sign-offs are valid.", signOffs=given
    )


def _risk_suites(s: Snapshot) -> GateOutcome:
    if s.risk_level is None:
        return gates.passed("risk_requirements", "No risk assessment applies to this promotion.")
    runs = {r.subject: r for r in s.evidence.of(EvidenceType.TEST_RUN)}
    missing = [x for x in s.required_suites if x not in runs]
    failing = [x for x in s.required_suites if x in runs and not runs[x].passed]
    evidence = {"level": s.risk_level, "suites": list(s.required_suites)}
    if failing:
        return gates.failed(
            "risk_requirements",
            f"Risk {s.risk_level} needs these suites to pass: {', '.join(failing)} failed.",
            **evidence,
        )
    if missing:
        return gates.pending(
            "risk_requirements",
            f"Risk {s.risk_level} needs test suites not reported yet: {', '.join(missing)}.",
            **evidence,
        )
    suites = ", ".join(s.required_suites) or "no named suite"
    return gates.passed(
        "risk_requirements", f"Risk {s.risk_level}: {suites} required, all passed.", **evidence
    )


def gate_outcomes(s: Snapshot, now: datetime) -> list[GateOutcome]:
    """Every gate of the snapshot at `now`, before waivers."""
    return [
        _freeze(s, now),
        _sign_offs(s, now),
        *evidence_gates(s.evidence, s.guardrails),
        _risk_suites(s),
        *approvals_gates(s.approvals, s.min_approvals, s.chain, s.delegates),
        *s.outcomes,
    ]


def judge(s: Snapshot, now: datetime) -> Decision:
    """The decision: every gate judged at `now`, bypasses applied, allowed when none blocks."""
    return decide(gate_outcomes(s, now), s.bypasses, s.release_id, s.environment_id, now)


def with_approvals(s: Snapshot, approvals: Sequence[ApprovalFacts]) -> Snapshot:
    """The same snapshot with other approvals (an approval just given)."""
    return Snapshot(**{**_fields(s), "approvals": tuple(approvals)})


def _fields(s: Snapshot) -> dict[str, Any]:
    return {name: getattr(s, name) for name in Snapshot.__dataclass_fields__}
