"""Input of the one step from a change type that stands out to a policy proposal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.insights.dora_vocabulary import FailureDefinition
from domain.insights.ledger_repository import LedgerFilter


@dataclass(frozen=True, slots=True)
class ProposeFromChangeFailures:
    """The analysis to recompute (scope, period, failure definition, thresholds), the change
    type that stands out in it and the control suggested for it; `business_unit_id` names
    where the proposal is read when the scope names no BU."""

    scope: LedgerFilter
    change_type: str
    control: str
    since: datetime | None = None
    until: datetime | None = None
    failure: FailureDefinition = FailureDefinition.INCIDENT
    factor: float | None = None
    min_changes: int | None = None
    business_unit_id: uuid.UUID | None = None
    rationale: str = ""
    """Said beside the figures (optional)."""
