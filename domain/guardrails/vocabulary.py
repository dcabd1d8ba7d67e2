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
