"""Evidence packs: which control each recorded act evidences, and the pack's digest.

Pure data and functions. The control catalog names the change-management objectives of SOX IT
general controls (as auditors phrase them; SOX itself numbers no controls, so the ids here are
Signalbox's, stable and documented) and the ISO/IEC 27001:2022 Annex A controls they map to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.compliance.rules import canonical_json

FORMAT = "signalbox.evidence-pack/1"


@dataclass(frozen=True, slots=True)
class Control:
    framework: str
    id: str
    title: str


SOX = "SOX ITGC"
ISO = "ISO/IEC 27001:2022 Annex A"

CONTROLS: dict[str, Control] = {
    c.id: c
    for c in (
        Control(SOX, "ITGC-CM-01", "Changes are requested, documented and risk-assessed"),
        Control(SOX, "ITGC-CM-02", "Changes are tested and reviewed before production"),
        Control(SOX, "ITGC-CM-03", "Changes are approved by authorized people before production"),
        Control(SOX, "ITGC-CM-04", "Segregation of duties: no one develops and approves a change"),
        Control(SOX, "ITGC-CM-05", "Emergency changes are authorized and reviewed afterwards"),
        Control(SOX, "ITGC-CM-06", "Changes are implemented as approved, in approved windows"),
        Control(ISO, "A.5.3", "Segregation of duties"),
        Control(ISO, "A.5.22", "Monitoring, review and change management of supplier services"),
        Control(ISO, "A.5.30", "ICT readiness for business continuity"),
        Control(ISO, "A.5.31", "Legal, statutory, regulatory and contractual requirements"),
        Control(ISO, "A.8.16", "Monitoring activities"),
        Control(ISO, "A.8.25", "Secure development life cycle"),
        Control(ISO, "A.8.29", "Security testing in development and acceptance"),
        Control(ISO, "A.8.32", "Change management"),
    )
}

KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    # audit entity type → (kind of evidence, controls it evidences)
    "release": ("change", ("ITGC-CM-01", "A.8.32")),
    "risk_assessment": ("risk_assessment", ("ITGC-CM-01", "A.8.32")),
    "peer_review": ("peer_review", ("ITGC-CM-02", "ITGC-CM-04", "A.5.3", "A.8.25")),
    "sign_off": ("sign_off", ("ITGC-CM-03", "A.5.31", "A.8.32")),
    "go_no_go": ("go_no_go", ("ITGC-CM-03", "A.8.32")),
    "vote": ("vote", ("ITGC-CM-03", "ITGC-CM-04", "A.5.3")),
    "freeze_exception": ("freeze_exception", ("ITGC-CM-05", "ITGC-CM-06", "A.8.32")),
    "deployment_window": ("window", ("ITGC-CM-06", "A.8.32")),
    "bypass": ("bypass", ("ITGC-CM-05", "A.8.32")),
    "bypass_use": ("bypass_use", ("ITGC-CM-05", "A.8.32")),
    "bypass_review": ("bypass_review", ("ITGC-CM-05", "A.8.32")),
    "promotion": ("promotion_decision", ("ITGC-CM-03", "ITGC-CM-06", "A.8.32")),
    "promotion_approval": ("approval", ("ITGC-CM-03", "ITGC-CM-04", "A.5.3")),
    "promotion_link": ("production_deployment", ("ITGC-CM-06", "A.8.32")),
    "unauthorized_change": ("unauthorized_change", ("ITGC-CM-03", "ITGC-CM-06", "A.8.32")),
}

APPROVAL_ACTIONS = frozenset({"release.approve", "release.reject"})

GATE_CONTROLS: dict[str, tuple[str, ...]] = {
    "documentation": ("ITGC-CM-01", "A.8.32"),
    "sign_offs": ("ITGC-CM-03", "A.5.31"),
    "freeze": ("ITGC-CM-06", "A.8.32"),
    "peer_review": ("ITGC-CM-02", "ITGC-CM-04", "A.5.3", "A.8.25"),
    "risk_requirements": ("ITGC-CM-01", "A.8.32"),
    "dr_test": ("A.5.30",),
    "readiness_review": ("ITGC-CM-03", "A.5.30"),
    "onboarding": ("A.8.16",),
    "vendor_attestations": ("A.5.22",),
    "security_scan": ("ITGC-CM-02", "A.8.29"),
    "approvals": ("ITGC-CM-03", "A.8.32"),
    "segregation_of_duties": ("ITGC-CM-04", "A.5.3"),
    "unauthorized_changes": ("ITGC-CM-03", "ITGC-CM-06", "A.8.32"),
}


def classify(entity_type: str, action: str) -> tuple[str, tuple[str, ...]]:
    """The kind of evidence an audit record is, and the controls it evidences."""
    kind, controls = KINDS.get(entity_type, ("other", ("A.8.32",)))
    if action in APPROVAL_ACTIONS:
        return "approval", ("ITGC-CM-03", "A.8.32")
    return kind, controls


def item_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """One evidence item from one audit record, with the reference an auditor checks."""
    kind, controls = classify(record["entity_type"], record["action"])
    return {
        "kind": kind,
        "action": record["action"],
        "entity": {"type": record["entity_type"], "id": record["entity_id"]},
        "actor": record["actor_username"],
        "at": record["occurred_at"],
        "rule": record["rule"],
        "after": record.get("after"),
        "controls": list(controls),
        "audit": {"seq": record["seq"], "hash": record["hash"]},
    }


def control_index(
    items: Sequence[Mapping[str, Any]], gates: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Per control: the audit sequence numbers and gates that evidence it (empty ones kept,
    so a missing control is visible, not silently absent)."""
    seqs: dict[str, list[int]] = {cid: [] for cid in CONTROLS}
    gated: dict[str, list[str]] = {cid: [] for cid in CONTROLS}
    for item in items:
        for cid in item["controls"]:
            seqs[cid].append(item["audit"]["seq"])
    for gate in gates:
        for cid in GATE_CONTROLS.get(gate["gate"], ()):
            gated[cid].append(gate["gate"])
    return [
        {
            "framework": c.framework,
            "id": c.id,
            "title": c.title,
            "auditSeqs": sorted(seqs[c.id]),
            "gates": gated[c.id],
            "evidenced": bool(seqs[c.id] or gated[c.id]),
        }
        for c in CONTROLS.values()
    ]


def seal(document: Mapping[str, Any]) -> str:
    """The SHA-256 of the pack's canonical JSON (everything but the digest itself)."""
    body = {k: v for k, v in document.items() if k != "digest"}
    return hashlib.sha256(canonical_json(body)).hexdigest()
