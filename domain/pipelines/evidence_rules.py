"""Pure rules of evidence: what a valid report is, and what each kind says about an artifact.

A report is checked and reduced to an `Assessed` value: its kind, the `subject` that tells
reports of one kind apart (the scanner, the tool, the test suite, the benchmark...), whether
it passed on its own terms, and the JSON payload kept. Gates never read one report alone: see
domain.pipelines.evidence_gates, which judges the latest report per (kind, subject).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from license_expression import (  # type: ignore[import-untyped]
    ExpressionError,
    get_spdx_licensing,
)

from domain.kernel.errors import DomainError
from domain.kernel.rules import trimmed, within
from domain.pipelines.commands import (
    ArtifactRef,
    IntegrationResult,
    LicenceReport,
    MigrationDryRun,
    PerformanceBenchmark,
    Report,
    SecurityScan,
    StaticAnalysis,
    TestRun,
)
from domain.pipelines.errors import EvidenceErrorCode as Code
from domain.pipelines.vocabulary import EvidenceType
from domain.readiness.migration_rules import check_key
from domain.readiness.volume_rules import MAX_ROWS, check_volume
from domain.readiness.volume_vocabulary import Dimension

DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/@:+-]{0,199}$")
VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$")
LICENCE_REF_PATTERN = re.compile(r"^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")
MAX_COUNT = 10_000_000
MAX_LICENCES = 2000
MAX_SUBJECT = 200
MAX_DETAILS = 4000
MAX_DURATION_SECONDS = 7 * 24 * 3600

_spdx = get_spdx_licensing()


@dataclass(frozen=True, slots=True)
class Assessed:
    kind: EvidenceType
    subject: str
    passed: bool
    payload: dict[str, Any]


# -- the artifact ---------------------------------------------------------------------------


def check_artifact(ref: ArtifactRef) -> tuple[str, str, str]:
    """(name, version, digest) of a well-formed artifact reference."""
    name, version, digest = ref.name.strip(), ref.version.strip(), ref.digest.strip()
    if not NAME_PATTERN.match(name):
        raise DomainError(
            "An artifact name is 1-200 letters, digits and . _ / @ : + -.",
            code=Code.INVALID_ARTIFACT_NAME,
            field="artifact.name",
        )
    if not VERSION_PATTERN.match(version):
        raise DomainError(
            "An artifact version is 1-128 letters, digits and . _ + -.",
            code=Code.INVALID_ARTIFACT_VERSION,
            field="artifact.version",
        )
    if not DIGEST_PATTERN.match(digest):
        raise DomainError(
            f"{digest[:80]!r} is not a digest: expected sha256:<64 lowercase hex digits>.",
            code=Code.INVALID_DIGEST,
            field="artifact.digest",
        )
    return name, version, digest


# -- field checks ---------------------------------------------------------------------------


def _subject(value: str, field: str) -> str:
    message = f"{field} is 1 to {MAX_SUBJECT} characters."
    return trimmed(value, 1, MAX_SUBJECT, message, code=Code.INVALID_SUBJECT, field=field)


def _count(value: int | None, field: str) -> int | None:
    message = f"{field} is a count between 0 and {MAX_COUNT}."
    return within(value, 0, MAX_COUNT, message, code=Code.INVALID_COUNT, field=field)


def _rows(value: float | None, field: str) -> int | None:
    if value is None:
        return None
    if not (math.isfinite(value) and 0 <= value <= MAX_ROWS and value == int(value)):
        raise DomainError(
            f"{field} is a whole number of rows between 0 and {MAX_ROWS}.",
            code=Code.INVALID_COUNT,
            field=field,
        )
    return int(value)


def _percent(value: float | None, field: str) -> float | None:
    if value is not None and not (math.isfinite(value) and 0 <= value <= 100):
        raise DomainError(
            f"{field} is a percentage between 0 and 100.", code=Code.INVALID_PERCENT, field=field
        )
    return value


def _details(value: str) -> str:
    return value.strip()[:MAX_DETAILS]


def normalize_licence(value: str) -> str:
    """An SPDX licence id or expression in its canonical spelling, or INVALID_LICENCE."""
    value = value.strip()
    if LICENCE_REF_PATTERN.match(value):
        return value
    try:
        # Parsed first: `validate` itself fails with an AttributeError on a parse error that
        # names no token ("MIT AND", license-expression 30.4), a 500 instead of a refusal.
        _spdx.parse(value, strict=True)
        info = _spdx.validate(value, strict=True)
    except ExpressionError:
        info = None
    if info is None or info.errors or not info.normalized_expression:
        raise DomainError(
            f"{value[:80]!r} is not an SPDX licence id or expression.",
            code=Code.INVALID_LICENCE,
            field="licences",
        )
    return str(info.normalized_expression)


def regression_percent(baseline: float, value: float, *, higher_is_better: bool) -> float:
    """How much worse than the baseline, in percent of it (negative: an improvement)."""
    worse = (baseline - value) if higher_is_better else (value - baseline)
    return round(worse / baseline * 100, 2)


# -- reports --------------------------------------------------------------------------------


def assess(report: Report) -> Assessed:
    """Check a report and reduce it to what is stored: kind, subject, verdict, payload."""
    match report:
        case SecurityScan():
            return _security(report)
        case StaticAnalysis():
            return _static(report)
        case LicenceReport():
            return _licences(report)
        case PerformanceBenchmark():
            return _performance(report)
        case TestRun():
            return _test_run(report)
        case IntegrationResult():
            return _integration(report)
        case MigrationDryRun():
            return _migration(report)
    raise TypeError(f"not a report: {report!r}")  # pragma: no cover - exhaustive above


def _security(r: SecurityScan) -> Assessed:
    counts = {
        "critical": _count(r.critical, "critical"),
        "high": _count(r.high, "high"),
        "medium": _count(r.medium, "medium"),
        "low": _count(r.low, "low"),
    }
    scanner = _subject(r.scanner, "scanner")
    # A scan passes on its own terms when it found nothing critical; thresholds are the gate's.
    return Assessed(
        EvidenceType.SECURITY_SCAN, scanner, counts["critical"] == 0, {"scanner": scanner, **counts}
    )


def _static(r: StaticAnalysis) -> Assessed:
    tool = _subject(r.tool, "tool")
    payload = {
        "tool": tool,
        "qualityGatePassed": r.quality_gate_passed,
        "issues": _count(r.issues, "issues"),
    }
    return Assessed(EvidenceType.STATIC_ANALYSIS, tool, r.quality_gate_passed, payload)


def _licences(r: LicenceReport) -> Assessed:
    tool = _subject(r.tool, "tool")
    if len(r.licences) > MAX_LICENCES:
        raise DomainError(
            f"At most {MAX_LICENCES} licences per report.",
            code=Code.TOO_MANY_LICENCES,
            field="licences",
        )
    licences = sorted({normalize_licence(v) for v in r.licences})
    return Assessed(EvidenceType.LICENCE_REPORT, tool, True, {"tool": tool, "licences": licences})


def _performance(r: PerformanceBenchmark) -> Assessed:
    benchmark = _subject(r.benchmark, "benchmark")
    unit = r.unit.strip()
    if not 1 <= len(unit) <= 32:
        raise DomainError("A unit is 1 to 32 characters.", code=Code.INVALID_SUBJECT, field="unit")
    if not (math.isfinite(r.baseline) and r.baseline > 0):
        raise DomainError(
            "The baseline is a positive number.", code=Code.INVALID_MEASUREMENT, field="baseline"
        )
    if not (math.isfinite(r.value) and r.value >= 0):
        raise DomainError(
            "The value is a number, zero or more.", code=Code.INVALID_MEASUREMENT, field="value"
        )
    regression = regression_percent(r.baseline, r.value, higher_is_better=r.higher_is_better)
    payload = {
        "benchmark": benchmark,
        "baseline": r.baseline,
        "value": r.value,
        "unit": unit,
        "higherIsBetter": r.higher_is_better,
        "regressionPercent": regression,
        "volume": check_volume(
            {
                Dimension.ROWS: r.rows,
                Dimension.REQUESTS_PER_SECOND: r.requests_per_second,
                Dimension.PAYLOAD_BYTES: r.payload_bytes,
            },
            required=False,
        ),
    }
    return Assessed(EvidenceType.PERFORMANCE_BENCHMARK, benchmark, regression <= 0, payload)


def _test_run(r: TestRun) -> Assessed:
    suite = _subject(r.suite, "suite")
    passed, failed = _count(r.passed, "passed"), _count(r.failed, "failed")
    if r.succeeded is None and (passed is None or failed is None):
        raise DomainError(
            "Report how many tests passed and failed.", code=Code.INVALID_COUNT, field="failed"
        )
    succeeded = r.succeeded if r.succeeded is not None else failed == 0
    payload = {
        "suite": suite,
        "passed": passed,
        "failed": failed,
        "skipped": _count(r.skipped, "skipped"),
        "coveragePercent": _percent(r.coverage_percent, "coveragePercent"),
        "succeeded": succeeded,
    }
    return Assessed(EvidenceType.TEST_RUN, suite, succeeded, payload)


def _integration(r: IntegrationResult) -> Assessed:
    window, suite = _subject(r.window, "window"), _subject(r.suite, "suite")
    payload = {"window": window, "suite": suite, "passed": r.passed, "details": _details(r.details)}
    return Assessed(
        EvidenceType.INTEGRATION_RESULT, f"{window}/{suite}"[:MAX_SUBJECT], r.passed, payload
    )


def _migration(r: MigrationDryRun) -> Assessed:
    tool = _subject(r.tool, "tool")
    if not (math.isfinite(r.duration_seconds) and 0 <= r.duration_seconds <= MAX_DURATION_SECONDS):
        raise DomainError(
            "A dry run's duration is 0 to 7 days, in seconds.",
            code=Code.INVALID_DURATION,
            field="durationSeconds",
        )
    payload = {
        "tool": tool,
        "succeeded": r.succeeded,
        "durationSeconds": r.duration_seconds,
        "details": _details(r.details),
        "migrations": sorted({check_key(k) for k in r.migrations}),
        "rowsScanned": _rows(r.rows_scanned, "rowsScanned"),
        "rowsChanged": _rows(r.rows_changed, "rowsChanged"),
        "errors": _count(r.errors, "errors"),
    }
    # A run that met errors did not pass, whatever the tool concluded.
    return Assessed(EvidenceType.MIGRATION_DRY_RUN, tool, r.succeeded and not r.errors, payload)


def _symbols(expression: str) -> list[str]:
    if LICENCE_REF_PATTERN.match(expression):
        return [expression]
    return [str(k) for k in _spdx.license_keys(_spdx.parse(expression))]


def licence_acceptable(expression: str, ok: Any) -> bool:
    """Whether an SPDX expression can be complied with when only ids with `ok(id)` may be
    used: `A OR B` needs one of them, `A AND B` both; `A WITH exception` is A's."""
    if LICENCE_REF_PATTERN.match(expression):
        return bool(ok(expression))
    return _acceptable(_spdx.parse(expression), ok)


def _acceptable(node: Any, ok: Any) -> bool:
    if isinstance(node, _spdx.AND):
        return all(_acceptable(a, ok) for a in node.args)
    if isinstance(node, _spdx.OR):
        return any(_acceptable(a, ok) for a in node.args)
    symbol = getattr(node, "license_symbol", node)
    return bool(ok(str(symbol.key)))
