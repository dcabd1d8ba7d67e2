"""Judging the decision snapshot: every gate of "may artifact A@V of service S go to E now?".

`judge(snapshot, now)` is the one pure function that produces every gate and the decision.
It answers again and again from a cached snapshot, so the clock-dependent gates (freezes,
sign-off expiry, integration windows, DR test age, attestation expiry, bypass expiry) are
judged at the asking time, and the others once per snapshot: the snapshot's plan holds each
gate either judged or as a function of the time. The gates whose rules belong to a lower
context are that context's pure rules over the snapshot's facts (judge_release,
judge_production).
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from domain.kernel import gates
from domain.kernel.gates import GateOutcome
from domain.pipelines.decision_rules import Decision, DisciplineNeed, approvals_gates, decide
from domain.pipelines.drift import service_drift_gate
from domain.pipelines.evidence_gates import evidence_gates
from domain.pipelines.judge_production import production_gates
from domain.pipelines.judge_release import release_gates
from domain.pipelines.snapshot import FREEZE_HORIZON, Gate, Snapshot
from domain.pipelines.stage_gates import name_stages
from domain.pipelines.vocabulary import EvidenceType

PLAN = "plan"


def judge(s: Snapshot, now: datetime) -> Decision:
    """The decision: every gate judged at `now`, bypasses applied, allowed when none blocks;
    as of when the snapshot was taken."""
    outcomes = gate_outcomes(s, now)
    return decide(outcomes, s.bypasses, s.release_id, s.environment_id, now, s.taken_at)


def gate_outcomes(s: Snapshot, now: datetime) -> list[GateOutcome]:
    """Every gate of the snapshot at `now`, before waivers, in a stable order."""
    plan = s.judged.get(PLAN)
    if plan is None:
        plan = s.judged[PLAN] = gate_plan(s)
    return name_stages([g if isinstance(g, GateOutcome) else g(now) for g in plan], s.listed)


def gate_plan(s: Snapshot) -> tuple[Gate, ...]:
    """Every gate of the snapshot: judged when the clock cannot change it, else its rule."""
    return (
        partial(freeze_gate, s),
        partial(sign_offs_gate, s),
        *evidence_gates(s.evidence, s.guardrails, s.change_types, s.listed, s.volume),
        risk_requirements_gate(s),
        *approvals_gates(s.approvals, s.min_approvals, s.chain, s.delegates, discipline_need(s)),
        service_drift_gate(s.service_id, s.pipeline_runs, s.drift_blocks),
        *release_gates(s),
        *production_gates(s),
    )


def discipline_need(s: Snapshot) -> DisciplineNeed:
    """The approving disciplines the release's risk level requires, and who approves for which."""
    if s.of_release is None:
        return DisciplineNeed()
    return DisciplineNeed(
        s.approving_disciplines, s.of_release.approver_disciplines, f"risk {s.risk_level}"
    )


def freeze_gate(s: Snapshot, now: datetime) -> GateOutcome:
    """No approved freeze binds the service in the environment before the change lands."""
    until = now + FREEZE_HORIZON
    hits = [f for f in s.freezes if f.occurrence_start < until and f.occurrence_end > now]
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


def sign_offs_gate(s: Snapshot, now: datetime) -> GateOutcome:
    """Before production, every required sign-off is given and unexpired at `now`."""
    if not s.production:
        return gates.passed("sign_offs", "Sign-offs are checked before production.")
    go_live = s.of_release.release.go_live if s.of_release else None
    if go_live is None:
        return gates.pending("sign_offs", "No release links this artifact to its sign-offs.")
    open_ = [
        f"{x.requirement} ({x.discipline}, {'missing' if x.expires_at is None else 'expired'})"
        for x in go_live.sign_offs
        if x.expires_at is None or x.expires_at <= now
    ]
    given = [str(x.sign_off_id) for x in go_live.sign_offs if x.sign_off_id is not None]
    if open_:
        return gates.failed(
            "sign_offs", f"Sign-offs outstanding: {', '.join(open_)}.", signOffs=given
        )
    return gates.passed(
        "sign_offs", f"All {len(go_live.sign_offs)} required sign-offs are valid.", signOffs=given
    )


def risk_requirements_gate(s: Snapshot) -> GateOutcome:
    """The test suites the release's risk level requires all reported passing."""
    if s.risk is None:
        return gates.passed("risk_requirements", "No risk assessment applies to this promotion.")
    level, suites = str(s.risk.level), s.risk.requirements.test_suites
    runs = {r.subject: r for r in s.evidence.of(EvidenceType.TEST_RUN)}
    missing = [x for x in suites if x not in runs]
    failing = [x for x in suites if x in runs and not runs[x].passed]
    evidence = {"level": level, "suites": list(suites)}
    if failing:
        return gates.failed(
            "risk_requirements",
            f"Risk {level} needs these suites to pass: {', '.join(failing)} failed.",
            **evidence,
        )
    if missing:
        return gates.pending(
            "risk_requirements",
            f"Risk {level} needs test suites not reported yet: {', '.join(missing)}.",
            **evidence,
        )
    named = ", ".join(suites) or "no named suite"
    return gates.passed(
        "risk_requirements", f"Risk {level}: {named} required, all passed.", **evidence
    )
