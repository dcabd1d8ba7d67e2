"""The gates only a production promotion is judged on: onboarding of the owning team, vendor
attestations, DR tests, parity with the final staging environment and the NFRs validated
there (domain.readiness.nfr_rules).

Pure: each is the owning context's rule (domain.guardrails.onboarding_rules,
domain.organization.vendor_gate_rules, domain.compliance.dr_rules,
domain.environments.parity_rules) over the snapshot's facts and effective guardrails.
"""

from __future__ import annotations

from functools import partial

from domain.compliance import dr_rules
from domain.environments.parity_rules import promotion_divergences
from domain.guardrails.onboarding_rules import REQUIREMENT, service_onboarding
from domain.kernel import gates
from domain.kernel.gates import GateKey, GateOutcome
from domain.organization.vendor_gate_rules import REQUIRED_KEY, attestation_gate
from domain.pipelines.snapshot import Gate, ParityFacts, Snapshot
from domain.readiness import nfr_rules


def production_gates(s: Snapshot) -> list[Gate]:
    """The production gates, in a stable order (none for other targets); attestation expiry
    and DR test age are judged at the asking time."""
    side = s.of_production
    if side is None or not s.production:
        return []
    g = s.guardrails
    return [
        service_onboarding(
            s.service_id, side.onboarding, g[REQUIREMENT], s.guardrail_sources.get(REQUIREMENT, "")
        ),
        partial(attestation_gate, s.service_id, g[REQUIRED_KEY] or [], side.vendors),
        partial(
            dr_rules.evaluate,
            s.service.name,
            s.service.data_classification,
            side.dr_procedures,
            int(g["max_dr_test_age_days"]),
        ),
        parity_gate(
            s.environment_key, s.service_key, side.parity, GateKey.ENVIRONMENT_PARITY in s.listed
        ),
        nfrs_gate(s, side.parity),
    ]


def nfrs_gate(s: Snapshot, parity: ParityFacts | None) -> Gate:
    """The NFRs that apply to the service, each met on final staging at parity (judged at the
    asking time: results expire)."""
    g = s.guardrails
    declared = s.nfrs.declared if s.nfrs else ()
    return partial(
        nfr_rules.evaluate,
        s.service.name,
        s.service_key,
        nfr_rules.effective_requirements(g, s.guardrail_sources, declared),
        s.nfrs.runs if s.nfrs else (),
        nfr_rules.Staging(parity.staging_id, parity.staging, parity.target)
        if parity
        else nfr_rules.Staging(None),
        int(g[nfr_rules.MAX_AGE_FIELD]),
    )


def parity_gate(
    environment_key: str, service_key: str, parity: ParityFacts | None, listed: bool = False
) -> GateOutcome:
    """Final staging and the target run the same config but the promoted service's image, which
    is the change (passed without a final staging, unless a stage lists the gate)."""
    if parity is None:
        why = f"{environment_key} has no final staging to compare with."
        if listed:
            return gates.pending("environment_parity", why, required=True)
        return gates.passed("environment_parity", why, required=False)
    found = promotion_divergences(parity.staging, parity.target, service_key)
    if not found:
        return gates.passed(
            "environment_parity",
            f"Final staging and production agree but for {service_key}, the change promoted.",
        )
    names = ", ".join(sorted({str(d.kind) for d in found}))
    return gates.failed(
        "environment_parity",
        f"Final staging and production differ: {names}.",
        divergences=len(found),
    )
