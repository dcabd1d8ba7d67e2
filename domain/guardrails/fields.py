"""The guardrail catalog: every value a guardrail set may hold, its type, order and default.

A guardrail set is a mapping from these keys to values; keys outside the catalog are refused.
The built-in core (used until the RMO saves its own) and the built-in tier profiles live
here too, so a fresh installation already enforces sensible rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.guardrails.field_shape import Field as Field
from domain.guardrails.field_shape import _set
from domain.guardrails.incident_fields import INCIDENT_DEFAULTS, INCIDENT_FIELDS
from domain.guardrails.lattice import Strictness
from domain.guardrails.readiness_fields import READINESS_FIELDS
from domain.guardrails.support_fields import SUPPORT_FIELDS
from domain.guardrails.vocabulary import EvidenceKind, OnboardingItem, RiskLevel
from domain.kernel.vocabulary import ChangeType, EnvironmentKind
from domain.organization.vocabulary import AttestationKind, Discipline, Tier

_MIN_APPROVERS = tuple(
    Field(
        f"min_approvers.{kind.value}",
        Strictness.AT_LEAST,
        f"Approvals a promotion to a {kind.value} environment needs, at least.",
        minimum=0,
        maximum=20,
        unit="approvals",
    )
    for kind in EnvironmentKind
)

FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        *_MIN_APPROVERS,
        _set(
            "go_no_go_disciplines",
            Strictness.SUPERSET,
            "Disciplines that must vote on a production go/no-go.",
            Discipline,
        ),
        _set(
            "required_evidence",
            Strictness.SUPERSET,
            "Evidence an artifact needs before production.",
            EvidenceKind,
        ),
        Field(
            "max_open_critical_vulnerabilities",
            Strictness.AT_MOST,
            "Open critical vulnerabilities a security scan may report, at most.",
            minimum=0,
            maximum=1000,
            unit="vulnerabilities",
        ),
        Field(
            "max_open_high_vulnerabilities",
            Strictness.AT_MOST,
            "Open high vulnerabilities a security scan may report, at most.",
            minimum=0,
            maximum=1000,
            unit="vulnerabilities",
        ),
        Field(
            "min_test_coverage_percent",
            Strictness.AT_LEAST,
            "Test coverage an artifact needs, at least.",
            minimum=0,
            maximum=100,
            unit="%",
        ),
        Field(
            "max_performance_regression_percent",
            Strictness.AT_MOST,
            "Slow-down against the performance baseline allowed, at most.",
            minimum=0,
            maximum=1000,
            unit="%",
        ),
        _set(
            "allowed_licences",
            Strictness.SUBSET,
            "SPDX licences dependencies may use; unset allows any licence not denied.",
        ),
        _set(
            "denied_licences",
            Strictness.SUPERSET,
            "SPDX licences no dependency may use.",
        ),
        _set(
            "peer_review_change_types",
            Strictness.SUPERSET,
            "Change types that need a peer review by a non-author before staging.",
            ChangeType,
        ),
        Field(
            "board_required_from_risk",
            Strictness.LEVEL_AT_MOST,
            "Risk level from which a board go/no-go decision is required.",
            members=tuple(level.value for level in RiskLevel),
        ),
        Field(
            "max_bypass_hours",
            Strictness.AT_MOST,
            "How long an approved emergency bypass may last, at most.",
            minimum=1,
            maximum=168,
            unit="hours",
        ),
        Field(
            "bypass_review_due_days",
            Strictness.AT_MOST,
            "Days after a bypass within which its post-facto review is due.",
            minimum=1,
            maximum=90,
            unit="days",
        ),
        Field(
            "max_dr_test_age_days",
            Strictness.AT_MOST,
            "Age of the last passing disaster-recovery test allowed, at most.",
            minimum=1,
            maximum=1095,
            unit="days",
        ),
        Field(
            "downtime_notice_period_hours",
            Strictness.AT_LEAST,
            "Hours the teams told of a breaking change or planned downtime have to acknowledge "
            "before silence may be escalated instead, at least.",
            minimum=1,
            maximum=720,
            unit="hours",
        ),
        Field(
            "freeze_exceptions_allowed",
            Strictness.PERMIT,
            "Whether a freeze may be excepted at all.",
        ),
        Field(
            "pipeline_drift_blocks",
            Strictness.REQUIRE,
            "Whether running a pipeline other than the active definition blocks promotion.",
        ),
        Field(
            "unauthorized_change_alert",
            Strictness.REQUIRE,
            "Whether a production deployment that no allowed promotion covers (an unauthorized "
            "change) raises an incident-like alert through the outbox; it is recorded for "
            "review either way.",
        ),
        _set(
            "onboarding_requirements",
            Strictness.SUPERSET,
            "Integrations a team needs before it gets production access.",
            OnboardingItem,
        ),
        Field(
            "canary_max_error_rate_bp",
            Strictness.AT_MOST,
            "Error rate a canary step may show, at most, in basis points (100 = 1%).",
            minimum=0,
            maximum=10000,
            unit="bp",
        ),
        Field(
            "canary_max_error_rate_rise_bp",
            Strictness.AT_MOST,
            "Rise of the error rate over the baseline a canary step may show, in basis points.",
            minimum=0,
            maximum=10000,
            unit="bp",
        ),
        Field(
            "canary_max_latency_regression_percent",
            Strictness.AT_MOST,
            "Slow-down of latency p99 against the baseline a canary step may show, at most.",
            minimum=0,
            maximum=1000,
            unit="%",
        ),
        Field(
            "canary_max_saturation_percent",
            Strictness.AT_MOST,
            "Saturation a canary step may reach, at most.",
            minimum=0,
            maximum=100,
            unit="%",
        ),
        Field(
            "approval_delegates",
            Strictness.SUPERSET,
            "People (usernames) who may approve promotions of the service where its own team is "
            "too small to supply independent approvers; segregation of duties still applies.",
            names=True,
            advisory="It widens who may approve and refuses nothing: the approvals gate still "
            "counts independent approvals (segregation of duties applies to delegates too) and "
            "names the pool in its reason while approvals are pending.",
        ),
        Field(
            "promotion_wait_expiry_hours",
            Strictness.AT_MOST,
            "How long a promotion may wait for its approvals and evidence before it expires "
            "(it is then asked again), at most.",
            minimum=1,
            maximum=2160,
            unit="hours",
        ),
        _set(
            "vendor_attestations_required",
            Strictness.SUPERSET,
            "Current vendor attestations a vendor release into the service needs.",
            AttestationKind,
        ),
        *READINESS_FIELDS,
        *SUPPORT_FIELDS,
        *INCIDENT_FIELDS,
        # issue 17: the 24-hour post-release review (domain.postrelease.review_rules)
        Field(
            "post_release_regression_tolerance_pct",
            Strictness.AT_MOST,
            "How much worse a metric (error rate, latency p99, saturation, a template's query) "
            "may be in the day after a production deployment than in the day before it before "
            "the post-release review lists it as a regression, at most.",
            minimum=0,
            maximum=1000,
            unit="%",
        ),
        # postrelease: synthetic journeys (issue 17)
        _set(
            "journey_regression_rollback",
            Strictness.SUPERSET,
            "Journey tiers whose functional regression after a production deployment (the "
            "journey passed before it and fails after) rolls the deployment back, once.",
            Tier,
        ),
    )
}

CORE_DEFAULTS: dict[str, Any] = {
    "min_approvers.development": 0,
    "min_approvers.test": 0,
    "min_approvers.staging": 1,
    "min_approvers.performance": 0,
    "min_approvers.production": 2,
    "go_no_go_disciplines": ["engineering", "product"],
    "required_evidence": ["security_scan", "test_coverage"],
    "max_open_critical_vulnerabilities": 0,
    "max_open_high_vulnerabilities": 5,
    "min_test_coverage_percent": 60,
    "max_performance_regression_percent": 10,
    "allowed_licences": None,
    "denied_licences": ["AGPL-3.0-only", "AGPL-3.0-or-later", "SSPL-1.0"],
    "peer_review_change_types": ["payment_logic", "schema_migration"],
    "board_required_from_risk": "high",
    "max_bypass_hours": 24,
    "bypass_review_due_days": 5,
    "max_dr_test_age_days": 365,
    "downtime_notice_period_hours": 48,
    "freeze_exceptions_allowed": True,
    "pipeline_drift_blocks": False,
    "unauthorized_change_alert": True,
    "onboarding_requirements": [
        "alerting",
        "ci_pipeline",
        "logging",
        "monitoring",
        "on_call",
        "runbook",
    ],
    "canary_max_error_rate_bp": 100,
    "canary_max_error_rate_rise_bp": 50,
    "canary_max_latency_regression_percent": 20,
    "canary_max_saturation_percent": 80,
    "vendor_attestations_required": [],
    "approval_delegates": [],
    "promotion_wait_expiry_hours": 168,
    "nfr_required": [],
    "nfr_min_sustained_rps": 0,
    "nfr_min_peak_rps": 0,
    "nfr_max_latency_p99_ms": 2000,
    "nfr_max_error_rate_bp": 100,
    "nfr_max_failover_rto_seconds": 3600,
    "nfr_max_failover_rpo_seconds": 3600,
    "nfr_result_max_age_days": 90,
    "min_production_volume_percent": 0,
    "readiness_review_required": False,
    "readiness_review_change_types": [],
    "runbook_review_max_age_days": 365,
    "release_secondary_hours": 24,
    "first_launch_review_required": False,
    **INCIDENT_DEFAULTS,
    "post_release_regression_tolerance_pct": 20,
    "journey_regression_rollback": [],
}
"""The core set in force until the RMO saves its own (version 0, source `core`)."""

PROFILE_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    Tier.CRITICAL.value: {
        "min_approvers.production": 3,
        "go_no_go_disciplines": ["engineering", "product", "security"],
        "required_evidence": [e.value for e in EvidenceKind],
        "max_open_high_vulnerabilities": 0,
        "min_test_coverage_percent": 80,
        "board_required_from_risk": "medium",
        "max_bypass_hours": 8,
        "max_dr_test_age_days": 180,
        "downtime_notice_period_hours": 120,
        "pipeline_drift_blocks": True,
        "vendor_attestations_required": ["penetration_test", "security_testing", "soc2"],
        "canary_max_error_rate_bp": 50,
        "canary_max_latency_regression_percent": 10,
        "nfr_required": [
            "error_rate_bp",
            "failover_rpo_seconds",
            "failover_rto_seconds",
            "latency_p99_ms",
            "survives_zone_loss",
            "sustained_rps",
        ],
        "nfr_min_sustained_rps": 100,
        "nfr_max_latency_p99_ms": 500,
        "nfr_max_error_rate_bp": 10,
        "nfr_max_failover_rto_seconds": 300,
        "nfr_max_failover_rpo_seconds": 60,
        "nfr_result_max_age_days": 30,
        "min_production_volume_percent": 80,
        "readiness_review_required": True,
        "runbook_review_max_age_days": 90,
        "post_release_regression_tolerance_pct": 10,
        "journey_regression_rollback": ["critical"],
    },
    Tier.CUSTOMER_FACING.value: {
        "required_evidence": ["licence_check", "security_scan", "static_analysis", "test_coverage"],
        "max_open_high_vulnerabilities": 2,
        "min_test_coverage_percent": 70,
        "vendor_attestations_required": ["security_testing"],
        "downtime_notice_period_hours": 72,
    },
    Tier.INTERNAL.value: {},
}
"""The tier profiles in force until the RMO saves its own; each only tightens the core."""
