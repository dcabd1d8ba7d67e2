"""A promotion's recorded decision read back as the decision it recorded (the inverse of
`promotions.document`), so a recorded decision is typed like an asked one."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.kernel.gates import GateOutcome, GateStatus
from domain.pipelines.decision_rules import Decision


def recorded_decision(document: Mapping[str, Any]) -> Decision:
    """The decision a promotion recorded; `as_of` is absent from records older than it."""
    as_of = document.get("asOf")
    return Decision(
        allowed=bool(document.get("allowed")),
        outcomes=tuple(_outcome(g) for g in document.get("gates") or ()),
        as_of=datetime.fromisoformat(as_of) if as_of else None,
    )


def _outcome(gate: Mapping[str, Any]) -> GateOutcome:
    waived_by = gate.get("waivedBy")
    return GateOutcome(
        gate=gate["gate"],
        status=GateStatus(gate["status"]),
        reason=gate.get("reason", ""),
        evidence=dict(gate.get("evidence") or {}),
        waived_by=uuid.UUID(waived_by) if waived_by else None,
    )
