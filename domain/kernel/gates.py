"""The shape every gate answers in: a status, one sentence of reason and the evidence used.

Each context exposes its checks as functions returning a `GateOutcome`; the promotion decision
composes them. A gate never raises for "no": failing is an outcome, not an error.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class GateKey(StrEnum):
    """Every gate the promotion decision composes, by the name its GateOutcome carries."""

    FREEZE = "freeze"
    DOCUMENTATION = "documentation"
    SIGN_OFFS = "sign_offs"
    BOARD_DECISION = "board_decision"
    RELEASE_STATUS = "release_status"
    PEER_REVIEW = "peer_review"
    RISK_REQUIREMENTS = "risk_requirements"
    SECURITY_SCAN = "security_scan"
    STATIC_ANALYSIS = "static_analysis"
    LICENCES = "licences"
    PERFORMANCE = "performance"
    TEST_COVERAGE = "test_coverage"
    MIGRATION_DRY_RUN = "migration_dry_run"
    INTEGRATION_WINDOW = "integration_window"
    ENVIRONMENT_PARITY = "environment_parity"
    PIPELINE_DRIFT = "pipeline_drift"
    ONBOARDING = "onboarding"
    VENDOR_ATTESTATIONS = "vendor_attestations"
    APPROVALS = "approvals"
    DR_TEST = "dr_test"
    SEGREGATION_OF_DUTIES = "segregation_of_duties"
    NFRS = "nfrs"
    DATA_MIGRATIONS = "data_migrations"
    READINESS_REVIEW = "readiness_review"
    DOWNTIME_NOTICES = "downtime_notices"


NON_WAIVABLE: frozenset[GateKey] = frozenset({GateKey.SEGREGATION_OF_DUTIES})
"""Gates no bypass waives: a break-glass never lets someone approve their own change."""


class GateStatus(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"
    WAIVED = "waived"


@dataclass(frozen=True, slots=True)
class GateOutcome:
    """One gate's answer. `evidence` holds plain JSON-able facts (ids as strings)."""

    gate: str
    status: GateStatus
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    waived_by: uuid.UUID | None = None

    @property
    def blocks(self) -> bool:
        return self.status in (GateStatus.FAILED, GateStatus.PENDING)

    def waive(self, bypass_id: uuid.UUID, reason: str) -> GateOutcome:
        """The same gate, waived by an emergency bypass (the original verdict kept as evidence)."""
        return GateOutcome(
            gate=self.gate,
            status=GateStatus.WAIVED,
            reason=reason,
            evidence={
                **self.evidence,
                "waivedStatus": str(self.status),
                "waivedReason": self.reason,
            },
            waived_by=bypass_id,
        )


def passed(gate: str, reason: str, **evidence: Any) -> GateOutcome:
    return GateOutcome(gate, GateStatus.PASSED, reason, evidence)


def failed(gate: str, reason: str, **evidence: Any) -> GateOutcome:
    return GateOutcome(gate, GateStatus.FAILED, reason, evidence)


def pending(gate: str, reason: str, **evidence: Any) -> GateOutcome:
    return GateOutcome(gate, GateStatus.PENDING, reason, evidence)
