"""Pure rules of non-functional requirements (NFRs) validated in staging, and the "nfrs" gate.

- The standard NFRs (load capacity sustained and peak, latency p99 under that load, the error
  budget under load, failover RTO and RPO, surviving the loss of one zone or instance) take
  their targets from the guardrails (`nfr_min_sustained_rps`, ... by core, BU and tier
  profile); `nfr_required` names the standard NFRs every service under those guardrails must
  validate. A service declares its own: a standard one (its target is a floor the guardrail
  still tightens: the stricter of the two counts, and says which set it) or a custom one with
  its unit and comparison.
- A staging run records figures for one artifact version in one staging environment. For
  production access a figure counts when its run is on the final staging environment of the
  target's product domain, that environment is at parity with the target
  (domain.environments.parity_rules), and the run finished within `nfr_result_max_age_days`.
  A target without a final staging has nothing to compare with (its parity gate passes, as
  there): runs in any staging environment count, and the evidence says parity was not checked.
- Each requirement is met or missed by the newest counting run measuring it (the figure and
  the run are the evidence), or not measured. A miss fails the gate; an NFR not measured
  leaves it pending; the gate names every one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.environments.parity_rules import SnapshotFacts, promotion_divergences
from domain.kernel.gates import GateOutcome, failed, passed, pending
from domain.readiness.nfr_vocabulary import Comparison, NfrKind, NfrStatus

GATE = "nfrs"
REQUIRED_FIELD = "nfr_required"
MAX_AGE_FIELD = "nfr_result_max_age_days"
SERVICE = "service"
"""The source of a target the service set itself."""


@dataclass(frozen=True, slots=True)
class Standard:
    kind: NfrKind
    name: str
    unit: str
    comparison: Comparison
    guardrail: str | None
    """The guardrail field holding its default target (None: a yes/no the figure 1 meets)."""


STANDARD: dict[str, Standard] = {
    s.kind.value: s
    for s in (
        Standard(
            NfrKind.SUSTAINED_RPS,
            "sustained load",
            "rps",
            Comparison.AT_LEAST,
            "nfr_min_sustained_rps",
        ),
        Standard(NfrKind.PEAK_RPS, "peak load", "rps", Comparison.AT_LEAST, "nfr_min_peak_rps"),
        Standard(
            NfrKind.LATENCY_P99_MS,
            "latency p99 under load",
            "ms",
            Comparison.AT_MOST,
            "nfr_max_latency_p99_ms",
        ),
        Standard(
            NfrKind.ERROR_RATE_BP,
            "error budget under load",
            "bp",
            Comparison.AT_MOST,
            "nfr_max_error_rate_bp",
        ),
        Standard(
            NfrKind.FAILOVER_RTO_SECONDS,
            "failover RTO",
            "s",
            Comparison.AT_MOST,
            "nfr_max_failover_rto_seconds",
        ),
        Standard(
            NfrKind.FAILOVER_RPO_SECONDS,
            "failover RPO",
            "s",
            Comparison.AT_MOST,
            "nfr_max_failover_rpo_seconds",
        ),
        Standard(
            NfrKind.SURVIVES_ZONE_LOSS,
            "survives the loss of one zone or instance",
            "yes/no",
            Comparison.AT_LEAST,
            None,
        ),
    )
}
"""The standard NFRs by key, in a stable order."""


@dataclass(frozen=True, slots=True)
class DeclaredNfr:
    """An NFR a service declared: a standard one with its own target, or a custom one."""

    key: str
    name: str
    unit: str
    comparison: str
    target: float


@dataclass(frozen=True, slots=True)
class Requirement:
    """An NFR that applies to a service, with the target that counts and who set it (`service`,
    or the guardrail layer: `core`, `bu:<key>`, `profile:<tier>`)."""

    key: str
    name: str
    unit: str
    comparison: str
    target: float
    source: str
    custom: bool = False


@dataclass(frozen=True, slots=True)
class StagingRun:
    """A staging run's figures for a version, by NFR key."""

    id: uuid.UUID
    environment_id: uuid.UUID
    environment_key: str
    name: str
    url: str | None
    finished_at: datetime
    figures: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class NfrFacts:
    """What a service declared and the staging runs of one version."""

    declared: tuple[DeclaredNfr, ...] = ()
    runs: tuple[StagingRun, ...] = ()


@dataclass(frozen=True, slots=True)
class Staging:
    """The final staging environment (None: the target has none) and both current configs."""

    environment_id: uuid.UUID | None
    config: SnapshotFacts | None = None
    target_config: SnapshotFacts | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    requirement: Requirement
    status: NfrStatus
    figure: float | None = None
    run: StagingRun | None = None
    note: str = ""


def _stricter(comparison: str, a: float, b: float) -> bool:
    """Whether target `a` is at least as strict as target `b`."""
    return a >= b if comparison == Comparison.AT_LEAST else a <= b


def effective_requirements(
    values: Mapping[str, Any], sources: Mapping[str, str], declared: Sequence[DeclaredNfr]
) -> list[Requirement]:
    """The NFRs that apply: the standard ones the guardrails require or the service declares
    (the stricter target counting), then the service's custom ones by key."""
    required = set(values.get(REQUIRED_FIELD) or ())
    own = {d.key: d for d in declared}
    out = []
    for key, std in STANDARD.items():
        if key not in required and key not in own:
            continue
        field = std.guardrail or REQUIRED_FIELD
        floor = float(values[std.guardrail]) if std.guardrail else 1.0
        target, source = floor, sources.get(field, "core")
        mine = own.get(key)
        if mine is not None and _stricter(std.comparison, mine.target, floor):
            target, source = mine.target, SERVICE
        out.append(Requirement(key, std.name, std.unit, std.comparison, target, source))
    for d in sorted(declared, key=lambda d: d.key):
        if d.key not in STANDARD:
            out.append(Requirement(d.key, d.name, d.unit, d.comparison, d.target, SERVICE, True))
    return out


def meets(comparison: str, figure: float, target: float) -> bool:
    return figure >= target if comparison == Comparison.AT_LEAST else figure <= target


def figure_text(value: float, unit: str) -> str:
    if unit == "yes/no":
        return "yes" if value >= 1 else "no"
    number = f"{int(value)}" if float(value).is_integer() else f"{value:g}"
    return f"{number} {unit}"


def _bound(r: Requirement) -> str:
    word = "at least" if r.comparison == Comparison.AT_LEAST else "at most"
    if r.unit == "yes/no":
        return "yes"
    return f"{word} {figure_text(r.target, r.unit)}"


def parity_problem(staging: Staging, service_key: str) -> str:
    """Why no staging run can count for the target now (empty when runs on final staging do)."""
    if staging.environment_id is None:
        return ""
    found = promotion_divergences(staging.config, staging.target_config, service_key)
    if found:
        kinds = ", ".join(sorted({str(d.kind) for d in found}))
        return f"final staging is not at parity with the target ({kinds})"
    return ""


def verdicts(
    requirements: Sequence[Requirement],
    runs: Sequence[StagingRun],
    staging: Staging,
    service_key: str,
    max_age_days: int,
    now: datetime,
) -> list[Verdict]:
    """Each requirement met, missed or not measured, by the newest counting run measuring it."""
    problem = parity_problem(staging, service_key)
    oldest = now - timedelta(days=max_age_days)
    newest_first = sorted(runs, key=lambda r: (r.finished_at, str(r.id)), reverse=True)
    out = []
    for req in requirements:
        measuring = [r for r in newest_first if req.key in r.figures]
        on_staging = [r for r in measuring if staging.environment_id in (None, r.environment_id)]
        fresh = [r for r in on_staging if r.finished_at >= oldest]
        if problem or not fresh:
            note = problem or _why_not(measuring, on_staging, max_age_days, now)
            out.append(Verdict(req, NfrStatus.NOT_MEASURED, note=note))
            continue
        run = fresh[0]
        figure = float(run.figures[req.key])
        status = NfrStatus.MET if meets(req.comparison, figure, req.target) else NfrStatus.MISSED
        out.append(Verdict(req, status, figure, run))
    return out


def _why_not(
    measuring: Sequence[StagingRun],
    on_staging: Sequence[StagingRun],
    max_age_days: int,
    now: datetime,
) -> str:
    if not measuring:
        return "no staging run measured it"
    if not on_staging:
        where = ", ".join(sorted({r.environment_key for r in measuring}))
        return f"measured only on {where}, not on the final staging environment"
    age = (now - on_staging[0].finished_at).days
    return f"last measured {age} days ago; results count for {max_age_days} days"


def _line(v: Verdict) -> str:
    r = v.requirement
    if v.status is NfrStatus.NOT_MEASURED:
        return f"{r.name} not measured ({v.note})"
    assert v.run is not None and v.figure is not None
    return (
        f"{r.name} {v.status}: {figure_text(v.figure, r.unit)} measured, {_bound(r)} "
        f"(run '{v.run.name}' on {v.run.environment_key})"
    )


def verdict_evidence(v: Verdict) -> dict[str, Any]:
    r = v.requirement
    return {
        "key": r.key,
        "name": r.name,
        "unit": r.unit,
        "comparison": r.comparison,
        "target": r.target,
        "source": r.source,
        "status": str(v.status),
        "figure": v.figure,
        "nfrRunId": str(v.run.id) if v.run else None,
        "measuredAt": v.run.finished_at.isoformat() if v.run else None,
        "note": v.note,
    }


def evaluate(
    service: str,
    service_key: str,
    requirements: Sequence[Requirement],
    runs: Sequence[StagingRun],
    staging: Staging,
    max_age_days: int,
    now: datetime,
) -> GateOutcome:
    """The nfrs gate of a version going to production, naming every NFR not met."""
    found = verdicts(requirements, runs, staging, service_key, max_age_days, now)
    evidence = {
        "maxResultAgeDays": max_age_days,
        "stagingEnvironmentId": str(staging.environment_id) if staging.environment_id else None,
        "parityChecked": staging.environment_id is not None,
        "requirements": [verdict_evidence(v) for v in found],
    }
    if not found:
        return passed(GATE, f"No NFR applies to {service}.", **evidence)
    missed = [_line(v) for v in found if v.status is NfrStatus.MISSED]
    unmeasured = [_line(v) for v in found if v.status is NfrStatus.NOT_MEASURED]
    if missed:
        return failed(GATE, f"{service}: " + "; ".join(missed + unmeasured) + ".", **evidence)
    if unmeasured:
        return pending(GATE, f"{service}: " + "; ".join(unmeasured) + ".", **evidence)
    where = "on final staging" if staging.environment_id else "in staging (no final staging)"
    return passed(
        GATE,
        f"Every NFR of {service} ({len(found)}) was met {where} within {max_age_days} days.",
        **evidence,
    )
