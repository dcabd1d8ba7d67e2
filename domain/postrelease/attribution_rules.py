"""Which change most likely caused an incident: pure rules over plain values.

A change is a candidate when it touched the incident's service in production and happened
before the incident was detected, within the attribution window
(`incident_attribution_window_hours`). The most likely is the latest candidate: the change
closest before the detection. At the same instant, a deployment goes before a flag change, a
configuration change and a vendor release (the order of `ChangeKind`), so the default the issue
names (the last successful production deployment) holds when nothing else happened after it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.postrelease.attribution_errors import AttributionErrorCode as Code
from domain.postrelease.attribution_vocabulary import ChangeKind

WINDOW_KEY = "incident_attribution_window_hours"
_ORDER = {kind: n for n, kind in enumerate(ChangeKind)}
_WORDS = {
    ChangeKind.DEPLOYMENT: "production deployment",
    ChangeKind.FLAG_CHANGE: "production flag change",
    ChangeKind.CONFIGURATION: "configuration change",
    ChangeKind.VENDOR_RELEASE: "vendor release",
    ChangeKind.DATA_MIGRATION: "data migration",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change ledger: what changed, where, when (issue 18 counts these)."""

    kind: ChangeKind
    id: uuid.UUID
    bu_id: uuid.UUID
    service_id: uuid.UUID
    at: datetime
    summary: str


@dataclass(frozen=True, slots=True)
class Attributed:
    change: Change | None
    reason: str


def _ago(change: Change, detected_at: datetime) -> str:
    minutes = int((detected_at - change.at).total_seconds() // 60)
    if minutes < 120:
        return f"{minutes} minutes"
    return f"{minutes // 60} hours {minutes % 60} minutes"


def window_start(detected_at: datetime, window_hours: int) -> datetime:
    return detected_at - timedelta(hours=window_hours)


def most_likely(
    changes: Iterable[Change], service_id: uuid.UUID, detected_at: datetime, window_hours: int
) -> Attributed:
    """The change of the service closest before the detection, within the window, and why."""
    start = window_start(detected_at, window_hours)
    found = [c for c in changes if c.service_id == service_id and start <= c.at <= detected_at]
    if not found:
        return Attributed(
            None,
            "No production deployment, flag change, configuration change or vendor release of "
            f"the service in the {window_hours} hours before the incident was detected.",
        )
    best = max(found, key=lambda c: (c.at, -_ORDER[c.kind]))
    others = len(found) - 1
    also = f"; {others} earlier change{'s' * (others != 1)} in the window" if others else ""
    return Attributed(
        best,
        f"The last {_WORDS[best.kind]} of the service before detection ({best.summary}), "
        f"{_ago(best, detected_at)} before the incident was detected, within the "
        f"{window_hours}-hour window{also}.",
    )


@dataclass(frozen=True, slots=True)
class Refusal:
    code: Code
    message: str


def refuse_reattribution(
    change: Change, bu_id: uuid.UUID, service_id: uuid.UUID | None, detected_at: datetime
) -> Refusal | None:
    """Why a person may not attribute the incident to `change`, or None when they may: the
    change is of the incident's BU and service, and happened before the detection."""
    if change.bu_id != bu_id:
        return Refusal(Code.CHANGE_OF_ANOTHER_BU, "The change is of another business unit.")
    if service_id is None:
        return Refusal(
            Code.INCIDENT_WITHOUT_SERVICE,
            "The incident names no known service, so no change can be its cause.",
        )
    if change.service_id != service_id:
        return Refusal(
            Code.CHANGE_OF_ANOTHER_SERVICE, "The change is of another service than the incident."
        )
    if change.at > detected_at:
        return Refusal(
            Code.CHANGE_AFTER_DETECTION,
            "The change happened after the incident was detected, so it cannot have caused it.",
        )
    return None
