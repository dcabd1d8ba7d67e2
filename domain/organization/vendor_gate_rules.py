"""Pure rule of the vendor attestation gate: every vendor a service uses holds current
attestations of every kind the service's effective guardrails require."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.kernel.gates import GateOutcome, failed, passed
from domain.organization.vendor_rules import AttestationFacts, is_current, missing_kinds

GATE = "vendor_attestations"
REQUIRED_KEY = "vendor_attestations_required"


@dataclass(frozen=True, slots=True)
class VendorFacts:
    """A vendor a service uses, with every attestation it holds (revoked and expired too)."""

    id: uuid.UUID
    name: str
    attestations: tuple[AttestationFacts, ...] = ()


def _standing(vendor: VendorFacts, required: Sequence[str], now: datetime) -> dict[str, Any]:
    current = {
        a.kind: str(a.id)
        for a in sorted(vendor.attestations, key=lambda a: a.expires_at)
        if a.kind in required and is_current(a, now)
    }
    return {
        "vendorId": str(vendor.id),
        "name": vendor.name,
        "missing": missing_kinds(vendor.attestations, required, now),
        "current": current,
    }


def attestation_gate(
    service_id: uuid.UUID, required: Sequence[str], vendors: Sequence[VendorFacts], now: datetime
) -> GateOutcome:
    """Gate `vendor_attestations` of a service at `now`."""
    required = sorted(required)
    evidence: dict[str, Any] = {"serviceId": str(service_id), "required": required}
    if not required:
        return passed(GATE, "The service requires no vendor attestations.", **evidence)
    if not vendors:
        return passed(GATE, "The service uses no vendors.", **evidence, vendors=[])
    standings = [
        _standing(v, required, now) for v in sorted(vendors, key=lambda v: (v.name, str(v.id)))
    ]
    lacking = [
        f"{s['name']} lacks current {', '.join(s['missing'])}" for s in standings if s["missing"]
    ]
    evidence["vendors"] = standings
    if lacking:
        return failed(GATE, "; ".join(lacking) + ".", **evidence)
    return passed(
        GATE,
        f"All {len(standings)} vendor(s) hold current {', '.join(required)} attestations.",
        **evidence,
    )
