"""The closed vocabularies guardrail values are made of (shared by risk, compliance, pipelines)."""

from __future__ import annotations

from enum import StrEnum


class RiskLevel(StrEnum):
    """low < medium < high < critical."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


RISK_ORDER: dict[str, int] = {level.value: rank for rank, level in enumerate(RiskLevel)}
"""low < medium < high < critical."""


class EvidenceKind(StrEnum):
    SECURITY_SCAN = "security_scan"
    STATIC_ANALYSIS = "static_analysis"
    LICENCE_CHECK = "licence_check"
    PERFORMANCE_BENCHMARK = "performance_benchmark"
    TEST_COVERAGE = "test_coverage"


class OnboardingItem(StrEnum):
    LOGGING = "logging"
    MONITORING = "monitoring"
    ALERTING = "alerting"
    CI_PIPELINE = "ci_pipeline"
    RUNBOOK = "runbook"
    ON_CALL = "on_call"


class SetKind(StrEnum):
    CORE = "core"
    BUSINESS_UNIT = "business_unit"
    PROFILE = "profile"


class StandardNfr(StrEnum):
    """The standard non-functional requirements a staging run validates (domain.readiness)."""

    SUSTAINED_RPS = "sustained_rps"
    PEAK_RPS = "peak_rps"
    LATENCY_P99_MS = "latency_p99_ms"
    ERROR_RATE_BP = "error_rate_bp"
    FAILOVER_RTO_SECONDS = "failover_rto_seconds"
    FAILOVER_RPO_SECONDS = "failover_rpo_seconds"
    SURVIVES_ZONE_LOSS = "survives_zone_loss"
