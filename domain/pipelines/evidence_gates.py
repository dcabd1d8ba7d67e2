"""What the evidence says about an artifact, and the gates the promotion decision composes.

`EvidenceFacts` holds the latest report per (kind, subject): a newer scan by the same scanner
supersedes the older one, a scan by another scanner stands beside it. Gates are pure
functions of facts and a plain mapping of guardrail values (the keys of
domain.guardrails.fields: max_open_critical_vulnerabilities, max_open_high_vulnerabilities,
min_test_coverage_percent, max_performance_regression_percent, allowed_licences,
denied_licences, required_evidence, min_production_volume_percent). A gate with no evidence is
PENDING when the guardrails require that kind of evidence, or a stage of the active pipeline
definition lists the gate (domain.pipelines.stage_gates), and PASSED ("not required") otherwise.

A failed migration dry run always fails its gate; a release that migrates a schema or fixes
data needs one reported (PENDING until then).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.guardrails.vocabulary import EvidenceKind
from domain.kernel.gates import GateKey, GateOutcome, failed, passed, pending
from domain.kernel.vocabulary import ChangeType
from domain.pipelines.evidence_rules import licence_acceptable
from domain.pipelines.vocabulary import EvidenceType
from domain.readiness.volume_rules import GUARDRAIL as VOLUME_GUARDRAIL
from domain.readiness.volume_rules import VolumeFacts, shortfalls

REQUIRED_AS: dict[EvidenceType, EvidenceKind] = {
    EvidenceType.SECURITY_SCAN: EvidenceKind.SECURITY_SCAN,
    EvidenceType.STATIC_ANALYSIS: EvidenceKind.STATIC_ANALYSIS,
    EvidenceType.LICENCE_REPORT: EvidenceKind.LICENCE_CHECK,
    EvidenceType.PERFORMANCE_BENCHMARK: EvidenceKind.PERFORMANCE_BENCHMARK,
    EvidenceType.TEST_RUN: EvidenceKind.TEST_COVERAGE,
}
"""How the guardrails' `required_evidence` names each kind of report."""
GATE_OF: dict[EvidenceType, GateKey] = {
    EvidenceType.SECURITY_SCAN: GateKey.SECURITY_SCAN,
    EvidenceType.STATIC_ANALYSIS: GateKey.STATIC_ANALYSIS,
    EvidenceType.LICENCE_REPORT: GateKey.LICENCES,
    EvidenceType.PERFORMANCE_BENCHMARK: GateKey.PERFORMANCE,
    EvidenceType.TEST_RUN: GateKey.TEST_COVERAGE,
}
"""The gate judging each kind of report the guardrails may require."""
DRY_RUN_CHANGE_TYPES = frozenset({ChangeType.SCHEMA_MIGRATION, ChangeType.DATA_FIX})
"""A release with one of these change types needs a migration dry run reported."""
NO_ARTIFACT = uuid.UUID(int=0)
"""The artifact id of the facts of a version no artifact has yet."""


@dataclass(frozen=True, slots=True)
class Report:
    """One stored report, as the facts need it."""

    evidence_id: uuid.UUID
    kind: EvidenceType
    subject: str
    passed: bool
    payload: Mapping[str, Any]
    reported_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceFacts:
    """The latest report per (kind, subject) of one artifact."""

    artifact_id: uuid.UUID
    latest: Mapping[EvidenceType, tuple[Report, ...]] = field(default_factory=dict)

    def of(self, kind: EvidenceType) -> tuple[Report, ...]:
        return self.latest.get(kind, ())

    @property
    def kinds(self) -> frozenset[EvidenceType]:
        return frozenset(k for k, v in self.latest.items() if v)


def summarize(artifact_id: uuid.UUID, reports: Iterable[Report]) -> EvidenceFacts:
    """Keep the latest report per (kind, subject); ties on time go to the larger id."""
    best: dict[tuple[EvidenceType, str], Report] = {}
    for r in reports:
        key = (r.kind, r.subject)
        seen = best.get(key)
        if seen is None or (r.reported_at, str(r.evidence_id)) > (
            seen.reported_at,
            str(seen.evidence_id),
        ):
            best[key] = r
    grouped: dict[EvidenceType, list[Report]] = {}
    for (kind, _), r in sorted(best.items(), key=lambda kv: (kv[0][0].value, kv[0][1])):
        grouped.setdefault(kind, []).append(r)
    return EvidenceFacts(artifact_id, {k: tuple(v) for k, v in grouped.items()})


def _required(thresholds: Mapping[str, Any], kind: EvidenceType) -> bool:
    return str(REQUIRED_AS[kind]) in set(thresholds.get("required_evidence") or ())


def _absent(gate: str, kind: EvidenceType, thresholds: Mapping[str, Any], what: str) -> GateOutcome:
    if _required(thresholds, kind):
        return pending(gate, f"No {what} has been reported for this artifact yet.", required=True)
    return passed(gate, f"No {what} is required, and none was reported.", required=False)


def _ids(reports: Iterable[Report]) -> list[str]:
    return [str(r.evidence_id) for r in reports]


def security_scan_gate(facts: EvidenceFacts, thresholds: Mapping[str, Any]) -> GateOutcome:
    """Every scanner's latest scan is within the open critical and high vulnerability limits."""
    gate, scans = "security_scan", facts.of(EvidenceType.SECURITY_SCAN)
    if not scans:
        return _absent(gate, EvidenceType.SECURITY_SCAN, thresholds, "security scan")
    limits = {
        "critical": thresholds.get("max_open_critical_vulnerabilities"),
        "high": thresholds.get("max_open_high_vulnerabilities"),
    }
    over = [
        f"{s.subject} reports {s.payload[sev]} open {sev} (at most {limit})"
        for s in scans
        for sev, limit in limits.items()
        if limit is not None and int(s.payload[sev]) > int(limit)
    ]
    worst = {sev: max(int(s.payload[sev]) for s in scans) for sev in ("critical", "high")}
    evidence = {"evidenceIds": _ids(scans), **worst, "limits": limits}
    if over:
        return failed(gate, "; ".join(over) + ".", **evidence)
    return passed(
        gate,
        f"{len(scans)} scan(s): at most {worst['critical']} critical and {worst['high']} high "
        "open vulnerabilities, within the limits.",
        **evidence,
    )


def static_analysis_gate(facts: EvidenceFacts, thresholds: Mapping[str, Any]) -> GateOutcome:
    """Every tool's latest analysis passed its quality gate."""
    gate, runs = "static_analysis", facts.of(EvidenceType.STATIC_ANALYSIS)
    if not runs:
        return _absent(gate, EvidenceType.STATIC_ANALYSIS, thresholds, "static analysis")
    failing = [r.subject for r in runs if not r.payload["qualityGatePassed"]]
    evidence = {"evidenceIds": _ids(runs), "failingTools": failing}
    if failing:
        return failed(gate, f"The quality gate failed in {', '.join(failing)}.", **evidence)
    return passed(
        gate, f"The quality gate passed in {', '.join(r.subject for r in runs)}.", **evidence
    )


def licence_gate(facts: EvidenceFacts, thresholds: Mapping[str, Any]) -> GateOutcome:
    """No licence expression needs a denied licence, or one outside the allowed list when set."""
    gate, reports = "licences", facts.of(EvidenceType.LICENCE_REPORT)
    if not reports:
        return _absent(gate, EvidenceType.LICENCE_REPORT, thresholds, "licence report")
    denied = set(thresholds.get("denied_licences") or ())
    allowed_list = thresholds.get("allowed_licences")
    allowed = None if allowed_list is None else set(allowed_list)

    def ok(key: str) -> bool:
        return key not in denied and (allowed is None or key in allowed)

    found = sorted({lic for r in reports for lic in r.payload["licences"]})
    refused = [e for e in found if not licence_acceptable(e, ok)]
    evidence = {"evidenceIds": _ids(reports), "licences": found, "refused": refused}
    if refused:
        why = "denied or not allowed" if allowed is not None else "denied"
        return failed(gate, f"Licences {why} by the guardrails: {', '.join(refused)}.", **evidence)
    return passed(gate, f"All {len(found)} licence(s) are acceptable.", **evidence)


def performance_gate(
    facts: EvidenceFacts, thresholds: Mapping[str, Any], volume: VolumeFacts | None = None
) -> GateOutcome:
    """No benchmark's latest run regressed more than allowed against its baseline; a run on
    less than the guardrail's share of the service's production volume does not count."""
    gate, runs = "performance", facts.of(EvidenceType.PERFORMANCE_BENCHMARK)
    if not runs:
        return _absent(
            gate, EvidenceType.PERFORMANCE_BENCHMARK, thresholds, "performance benchmark"
        )
    limit = thresholds.get("max_performance_regression_percent")
    minimum = float(thresholds.get(VOLUME_GUARDRAIL) or 0)
    short = {r.subject: shortfalls(r.payload.get("volume"), volume, minimum) for r in runs}
    counted = [r for r in runs if not short[r.subject]]
    uncounted = {k: v for k, v in short.items() if v}
    worst = max((float(r.payload["regressionPercent"]) for r in counted), default=None)
    over = [
        f"{r.subject} is {r.payload['regressionPercent']}% worse than its baseline"
        for r in counted
        if limit is not None and float(r.payload["regressionPercent"]) > float(limit)
    ]
    evidence = {
        "evidenceIds": _ids(runs),
        "worstRegressionPercent": worst,
        "limit": limit,
        "minVolumePercent": minimum,
        "notCounted": sorted(uncounted),
    }
    if over:
        return failed(gate, "; ".join(over) + f" (at most {limit}%).", **evidence)
    if uncounted:
        why = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(uncounted.items()))
        return pending(
            gate,
            f"Benchmarks not run on production-like volume do not count: {why}.",
            required=True,
            **evidence,
        )
    return passed(gate, f"Worst regression {worst}% is within the limit.", **evidence)


def test_coverage_gate(facts: EvidenceFacts, thresholds: Mapping[str, Any]) -> GateOutcome:
    """Every suite's latest run succeeded, and the coverage reported reaches the minimum.

    Coverage is the best any suite's latest run reports: it is measured once, usually by the
    unit suite, and other suites (integration, end-to-end) report none or a partial figure.
    Where test coverage is required evidence (guardrails or a stage listing the gate), runs
    that report no coverage figure leave the gate pending.
    """
    gate, runs = "test_coverage", facts.of(EvidenceType.TEST_RUN)
    if not runs:
        return _absent(gate, EvidenceType.TEST_RUN, thresholds, "test run")
    minimum = thresholds.get("min_test_coverage_percent")
    failing = [r.subject for r in runs if not r.payload["succeeded"]]
    covered = [
        float(r.payload["coveragePercent"])
        for r in runs
        if r.payload.get("coveragePercent") is not None
    ]
    coverage = max(covered) if covered else None
    evidence = {
        "evidenceIds": _ids(runs),
        "failingSuites": failing,
        "coveragePercent": coverage,
        "minimum": minimum,
    }
    if failing:
        return failed(gate, f"Test suites failed: {', '.join(failing)}.", **evidence)
    measured = _required(thresholds, EvidenceType.TEST_RUN)
    if measured or (minimum is not None and float(minimum) > 0):
        if coverage is None:
            return pending(gate, "No test run reported coverage yet.", **evidence)
        if minimum is not None and coverage < float(minimum):
            return failed(
                gate, f"Coverage {coverage}% is below the minimum {minimum}%.", **evidence
            )
    return passed(gate, f"{len(runs)} suite(s) succeeded; coverage {coverage}%.", **evidence)


test_coverage_gate.__test__ = False  # type: ignore[attr-defined]  # a gate, not a pytest test


def migration_dry_run_gate(
    facts: EvidenceFacts, change_types: Collection[str], listed: bool = False
) -> GateOutcome:
    """No migration dry run failed; one is reported where the release migrates a schema or
    fixes data, or where a stage lists the gate."""
    gate, runs = str(GateKey.MIGRATION_DRY_RUN), facts.of(EvidenceType.MIGRATION_DRY_RUN)
    needs = sorted(str(c) for c in DRY_RUN_CHANGE_TYPES & set(change_types))
    failing = [r.subject for r in runs if not r.passed]
    evidence = {"evidenceIds": _ids(runs), "changeTypes": needs, "failingTools": failing}
    if failing:
        return failed(gate, f"The migration dry run failed in {', '.join(failing)}.", **evidence)
    if runs:
        tools = ", ".join(r.subject for r in runs)
        return passed(gate, f"The migration dry run succeeded in {tools}.", **evidence)
    if needs:
        return pending(
            gate,
            f"The release's change types include {' and '.join(needs)}: no migration dry run "
            "has been reported for this artifact yet.",
            required=True,
            **evidence,
        )
    if listed:
        return pending(
            gate, "No migration dry run has been reported for this artifact yet.", required=True
        )
    return passed(
        gate,
        "No migration dry run is required (no schema migration or data fix), and none was "
        "reported.",
        required=False,
    )


def evidence_gates(
    facts: EvidenceFacts,
    thresholds: Mapping[str, Any],
    change_types: Collection[str] = (),
    listed: Collection[str] = (),
    volume: VolumeFacts | None = None,
) -> list[GateOutcome]:
    """The six evidence gates, in a stable order; a gate a stage lists requires its evidence;
    `volume` is the service's production volume profile (performance runs are compared)."""
    required = {
        *(thresholds.get("required_evidence") or ()),
        *(str(REQUIRED_AS[kind]) for kind, key in GATE_OF.items() if key in listed),
    }
    thresholds = {**thresholds, "required_evidence": sorted(required)}
    return [
        security_scan_gate(facts, thresholds),
        static_analysis_gate(facts, thresholds),
        licence_gate(facts, thresholds),
        performance_gate(facts, thresholds, volume),
        test_coverage_gate(facts, thresholds),
        migration_dry_run_gate(facts, change_types, GateKey.MIGRATION_DRY_RUN in listed),
    ]
