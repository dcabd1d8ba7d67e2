"""Pure rules of a deployment step's health: metrics checked against thresholds and a baseline.

Each report's metrics are checked against thresholds (defaults below, overridable by a plain
mapping: the guardrails feed it) and against the baseline when one is given. Every enabled
check answers WITHIN, NEAR (inside the limit, but within `hold_margin_percent` of it),
BREACHED, NO_DATA (the metric was not reported) or SKIPPED (no baseline to compare with).
The verdict is ROLL_BACK when any check is BREACHED, HOLD when any is NEAR or NO_DATA, else
ADVANCE. Each check is monotone in its metric and the verdict takes the worst check, so worse
metrics never give a better verdict. A threshold set to None turns its check off (and its
metric is then not required).

"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateOutcome, failed, passed, pending
from domain.pipelines.deployment_errors import DeploymentErrorCode as Code
from domain.pipelines.vocabulary import Verdict

MAX_CUSTOM_METRICS = 50
METRIC_NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$")
VERDICT_RANK = {Verdict.ADVANCE: 0, Verdict.HOLD: 1, Verdict.ROLL_BACK: 2}


class CheckStatus(StrEnum):
    WITHIN = "within"
    NEAR = "near"
    BREACHED = "breached"
    NO_DATA = "no_data"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CustomMetric:
    name: str
    value: float
    max: float


@dataclass(frozen=True, slots=True)
class Metrics:
    """Error rate and saturation are fractions (0.02 = 2%); latency in milliseconds."""

    error_rate: float | None = None
    latency_p99_ms: float | None = None
    saturation: float | None = None
    custom: tuple[CustomMetric, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "errorRate": self.error_rate,
            "latencyP99Ms": self.latency_p99_ms,
            "saturation": self.saturation,
            "custom": [asdict(c) for c in self.custom],
        }


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Limits of the health analysis; None turns a check off."""

    max_error_rate: float | None = 0.01
    max_error_rate_delta: float | None = 0.005
    max_latency_p99_ms: float | None = None
    max_latency_p99_regression_percent: float | None = 20.0
    max_saturation: float | None = 0.8
    hold_margin_percent: float = 10.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


THRESHOLD_KEYS = tuple(f.name for f in fields(Thresholds))
"""The keys a guardrail mapping may set (others in the mapping are ignored)."""
DEFAULT_THRESHOLDS = Thresholds()


GUARDRAIL_THRESHOLDS: dict[str, tuple[str, float]] = {
    # guardrail key (whole numbers) → threshold key, and the factor that converts it
    "canary_max_error_rate_bp": ("max_error_rate", 1e-4),
    "canary_max_error_rate_rise_bp": ("max_error_rate_delta", 1e-4),
    "canary_max_latency_regression_percent": ("max_latency_p99_regression_percent", 1.0),
    "canary_max_saturation_percent": ("max_saturation", 1e-2),
}


def guardrail_thresholds(values: Mapping[str, Any]) -> dict[str, float]:
    """The health thresholds the effective guardrails set (values with `.value` or plain)."""
    out = {}
    for key, (name, factor) in GUARDRAIL_THRESHOLDS.items():
        if key in values:
            value = getattr(values[key], "value", values[key])
            out[name] = value * factor
    return out


def thresholds_from(values: Mapping[str, Any]) -> Thresholds:
    """Defaults overridden by the known keys of `values` (e.g. the effective guardrails)."""
    picked: dict[str, Any] = {}
    for key in THRESHOLD_KEYS:
        if key not in values:
            continue
        value = values[key]
        if value is None and key != "hold_margin_percent":
            picked[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"threshold {key} must be a number, not {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"threshold {key} must be finite and not negative")
        picked[key] = float(value)
    if picked.get("hold_margin_percent", 0.0) > 100:
        raise ValueError("hold_margin_percent is at most 100")
    return Thresholds(**{**asdict(DEFAULT_THRESHOLDS), **picked})


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: CheckStatus
    message: str
    value: float | None = None
    limit: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "check": self.name,
            "status": str(self.status),
            "message": self.message,
            "value": self.value,
            "limit": self.limit,
        }

    @classmethod
    def from_json(cls, v: Mapping[str, Any]) -> Check:
        return cls(
            v["check"], CheckStatus(v["status"]), v["message"], v.get("value"), v.get("limit")
        )


@dataclass(frozen=True, slots=True)
class Analysis:
    verdict: Verdict
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def reasons(self) -> list[str]:
        return [c.message for c in self.checks]


def _upper(name: str, what: str, value: float, limit: float, margin: float, unit: str) -> Check:
    """A check of `value <= limit`, NEAR within the margin below the limit."""
    shown = f"{what} {_fmt(value, unit)} (limit {_fmt(limit, unit)})"
    if value > limit:
        return Check(name, CheckStatus.BREACHED, f"{shown} is breached.", value, limit)
    if value > limit * (1 - margin / 100):
        return Check(name, CheckStatus.NEAR, f"{shown} is close to its limit.", value, limit)
    return Check(name, CheckStatus.WITHIN, f"{shown} is within its limit.", value, limit)


def _fmt(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.3g}%"
    if unit == "ms":
        return f"{value:.6g} ms"
    if unit == "pp":
        return f"{value * 100:+.3g} points"
    if unit == "rel":
        return "+inf%" if math.isinf(value) else f"{value:+.3g}%"
    return f"{value:.6g}"


def _no_data(name: str, what: str) -> Check:
    return Check(name, CheckStatus.NO_DATA, f"No data: {what} was not reported.")


def _skipped(name: str, what: str) -> Check:
    return Check(name, CheckStatus.SKIPPED, f"{what} not compared: no baseline was given.")


def regression_percent(value: float, baseline: float) -> float:
    """How much slower than the baseline, in percent (infinite over a zero baseline)."""
    if baseline > 0:
        return (value - baseline) / baseline * 100
    return 0.0 if value <= 0 else math.inf


def analyze(m: Metrics, baseline: Metrics | None, t: Thresholds = DEFAULT_THRESHOLDS) -> Analysis:
    """The verdict on a step's metrics, with one reason per check."""
    base = baseline or Metrics()
    margin = t.hold_margin_percent
    checks = [
        *_error_rate_checks(m, base, t),
        *_latency_checks(m, base, t),
        *_saturation_checks(m, t),
        *(_upper(f"custom:{c.name}", c.name, c.value, c.max, margin, "") for c in m.custom),
    ]
    return Analysis(verdict_of(checks), tuple(checks))


def _error_rate_checks(m: Metrics, base: Metrics, t: Thresholds) -> list[Check]:
    margin = t.hold_margin_percent
    out: list[Check] = []
    if t.max_error_rate is not None:
        out.append(
            _no_data("error_rate", "the error rate")
            if m.error_rate is None
            else _upper("error_rate", "Error rate", m.error_rate, t.max_error_rate, margin, "%")
        )
    if t.max_error_rate_delta is not None:
        if m.error_rate is None:
            out.append(_no_data("error_rate_delta", "the error rate"))
        elif base.error_rate is None:
            out.append(_skipped("error_rate_delta", "Error rate"))
        else:
            delta = m.error_rate - base.error_rate
            what = "Error rate change vs baseline"
            limit = t.max_error_rate_delta
            out.append(_upper("error_rate_delta", what, delta, limit, margin, "pp"))
    return out


def _latency_checks(m: Metrics, base: Metrics, t: Thresholds) -> list[Check]:
    margin = t.hold_margin_percent
    out: list[Check] = []
    if t.max_latency_p99_ms is not None:
        out.append(
            _no_data("latency_p99", "latency p99")
            if m.latency_p99_ms is None
            else _upper(
                "latency_p99", "Latency p99", m.latency_p99_ms, t.max_latency_p99_ms, margin, "ms"
            )
        )
    if t.max_latency_p99_regression_percent is not None:
        if m.latency_p99_ms is None:
            out.append(_no_data("latency_p99_regression", "latency p99"))
        elif base.latency_p99_ms is None:
            out.append(_skipped("latency_p99_regression", "Latency p99"))
        else:
            out.append(
                _upper(
                    "latency_p99_regression",
                    "Latency p99 regression vs baseline",
                    regression_percent(m.latency_p99_ms, base.latency_p99_ms),
                    t.max_latency_p99_regression_percent,
                    margin,
                    "rel",
                )
            )
    return out


def _saturation_checks(m: Metrics, t: Thresholds) -> list[Check]:
    if t.max_saturation is None:
        return []
    if m.saturation is None:
        return [_no_data("saturation", "saturation")]
    margin = t.hold_margin_percent
    return [_upper("saturation", "Saturation", m.saturation, t.max_saturation, margin, "%")]


def verdict_of(checks: Sequence[Check]) -> Verdict:
    statuses = {c.status for c in checks}
    if CheckStatus.BREACHED in statuses:
        return Verdict.ROLL_BACK
    if statuses & {CheckStatus.NEAR, CheckStatus.NO_DATA}:
        return Verdict.HOLD
    return Verdict.ADVANCE


def health_gate(analysis: Analysis | None) -> GateOutcome:
    """The health of a deployment's current step as a gate (for the promotion decision)."""
    if analysis is None:
        return pending("deployment_health", "No health report for the current step yet.")
    reasons = "; ".join(c.message for c in analysis.checks if c.status != CheckStatus.WITHIN)
    evidence = {"verdict": str(analysis.verdict), "checks": [c.as_json() for c in analysis.checks]}
    if analysis.verdict == Verdict.ADVANCE:
        return passed("deployment_health", "Every health check is within its limit.", **evidence)
    if analysis.verdict == Verdict.HOLD:
        return pending("deployment_health", f"Holding: {reasons}", **evidence)
    return failed("deployment_health", f"Roll back: {reasons}", **evidence)


def _finite(value: float | None, low: float, high: float, field: str, what: str) -> None:
    if value is None:
        return
    if not (math.isfinite(value) and low <= value <= high):
        raise DomainError(
            f"{what} is a number from {low:g} to {high:g}.", code=Code.INVALID_METRIC, field=field
        )


def check_metrics(m: Metrics, field: str) -> Metrics:
    """Metrics in range: fractions in [0, 1], latency in [0, 10^7] ms, custom names unique."""
    _finite(m.error_rate, 0, 1, f"{field}.errorRate", "An error rate (a fraction)")
    _finite(m.latency_p99_ms, 0, 1e7, f"{field}.latencyP99Ms", "Latency p99 in milliseconds")
    _finite(m.saturation, 0, 1, f"{field}.saturation", "Saturation (a fraction)")
    if len(m.custom) > MAX_CUSTOM_METRICS:
        raise DomainError(
            f"At most {MAX_CUSTOM_METRICS} custom metrics.",
            code=Code.INVALID_METRIC,
            field=f"{field}.custom",
        )
    names = set()
    for c in m.custom:
        if not METRIC_NAME_PATTERN.match(c.name) or c.name in names:
            raise DomainError(
                f"{c.name[:80]!r} is not a metric name, or is given twice.",
                code=Code.INVALID_METRIC,
                field=f"{field}.custom",
            )
        names.add(c.name)
        _finite(c.value, -1e15, 1e15, f"{field}.custom", "A custom metric's value")
        _finite(c.max, -1e15, 1e15, f"{field}.custom", "A custom metric's max")
    return m
