"""Guardrail fields of production readiness (issue 16): NFRs validated in staging
(domain.readiness.nfr_rules), production-like volumes (volume_rules), SRE readiness reviews
(review_rules). Part of the catalog in `fields.py`, in this order."""

from __future__ import annotations

from domain.guardrails.field_shape import Field, _set
from domain.guardrails.lattice import Strictness
from domain.guardrails.vocabulary import StandardNfr
from domain.kernel.vocabulary import ChangeType

READINESS_FIELDS: tuple[Field, ...] = (
    _set(
        "nfr_required",
        Strictness.SUPERSET,
        "Standard non-functional requirements every service must meet in staging before "
        "production access (their targets are the nfr_* fields).",
        StandardNfr,
    ),
    Field(
        "nfr_min_sustained_rps",
        Strictness.AT_LEAST,
        "Load a service must sustain in staging, at least (a floor for its own target).",
        minimum=0,
        maximum=1_000_000,
        unit="rps",
    ),
    Field(
        "nfr_min_peak_rps",
        Strictness.AT_LEAST,
        "Peak load a service must absorb in staging, at least.",
        minimum=0,
        maximum=1_000_000,
        unit="rps",
    ),
    Field(
        "nfr_max_latency_p99_ms",
        Strictness.AT_MOST,
        "Latency p99 under the sustained load, at most.",
        minimum=1,
        maximum=600_000,
        unit="ms",
    ),
    Field(
        "nfr_max_error_rate_bp",
        Strictness.AT_MOST,
        "Error budget: errors under load, at most, in basis points (100 = 1%).",
        minimum=0,
        maximum=10_000,
        unit="bp",
    ),
    Field(
        "nfr_max_failover_rto_seconds",
        Strictness.AT_MOST,
        "Recovery time of a failover exercised in staging, at most.",
        minimum=0,
        maximum=86_400,
        unit="s",
    ),
    Field(
        "nfr_max_failover_rpo_seconds",
        Strictness.AT_MOST,
        "Data lost by a failover exercised in staging (recovery point), at most.",
        minimum=0,
        maximum=86_400,
        unit="s",
    ),
    Field(
        "nfr_result_max_age_days",
        Strictness.AT_MOST,
        "Age of a staging run whose NFR figures still count for production access, at most.",
        minimum=1,
        maximum=365,
        unit="days",
    ),
    Field(
        "min_production_volume_percent",
        Strictness.AT_LEAST,
        "Share of the service's production volume (rows, requests/s, payload size) a "
        "performance run or a migration dry run must have run on to count, at least.",
        minimum=0,
        maximum=100,
        unit="%",
    ),
    Field(
        "readiness_review_required",
        Strictness.REQUIRE,
        "Whether a production promotion of the service needs its release's SRE readiness "
        "review signed off.",
    ),
    _set(
        "readiness_review_change_types",
        Strictness.SUPERSET,
        "Change types whose releases need a signed-off SRE readiness review before production.",
        ChangeType,
    ),
    Field(
        "runbook_review_max_age_days",
        Strictness.AT_MOST,
        "Days since a readiness review's runbook item was last reviewed, at most.",
        minimum=1,
        maximum=730,
        unit="days",
    ),
    Field(
        "first_launch_review_required",
        Strictness.REQUIRE,
        "Whether a service's first production promotion (it never reached production) needs "
        "a signed readiness review of the service, besides its release's review.",
    ),
)
