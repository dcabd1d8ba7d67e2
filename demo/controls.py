"""Demo guardrails, onboarding, DR procedures and vendor attestations (loaded with the demo).

Enough for every new screen to show something real: the payments BU tightens a few core
values, the acquiring team is fully onboarded while the ledger team still lacks monitoring
(so it has no production access), the card gateway has tested DR procedures, and one vendor
holds current attestations while another has none for its upcoming release.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.compliance import control_commands as cc
from domain.compliance import dr
from domain.guardrails import commands as gc
from domain.guardrails import onboarding, sets
from domain.guardrails.vocabulary import OnboardingItem
from domain.kernel.uow import UnitOfWork
from domain.organization import repository as org_repo
from domain.organization import vendor_commands as vc
from domain.organization import vendors

PAYMENTS_GUARDRAILS = {
    "max_bypass_hours": 12,
    "go_no_go_disciplines": ["security"],
    "min_test_coverage_percent": 75,
    "denied_licences": ["GPL-3.0-only"],
}


async def load_controls_demo(
    uow: UnitOfWork,
    bus: dict[str, Any],
    teams: dict[str, Any],
    services: dict[str, Any],
    vendor_rows: dict[str, Any],
) -> None:
    """Runs inside load_demo's unit of work, as the system (an org admin by design)."""
    now = uow.clock.now()
    await sets.save_business_unit_set(
        uow,
        gc.SaveBusinessUnitSet(
            bu_id=bus["payments"].id,
            values=PAYMENTS_GUARDRAILS,
            version=0,
            note="Payments runs card traffic: shorter bypasses, security at every go/no-go.",
        ),
    )
    await _onboarding(uow, teams)
    await _dr_procedures(uow, services, now)
    await _vendors(uow, services, vendor_rows, now)


async def _onboarding(uow: UnitOfWork, teams: dict[str, Any]) -> None:
    for team_key, missing in (("acquiring", set()), ("ledger", {OnboardingItem.MONITORING})):
        team = teams.get(team_key)
        if team is None:
            continue
        for item in OnboardingItem:
            if item in missing:
                continue
            await onboarding.complete_item(
                uow,
                gc.CompleteOnboardingItem(
                    team_id=team.id,
                    item=item.value,
                    version=0,
                    evidence_url=f"https://wiki.example/{team_key}/{item.value}",
                    evidence_note=f"{item.value.replace('_', ' ')} in place",
                ),
            )


async def _dr_procedures(uow: UnitOfWork, services: dict[str, Any], now: datetime) -> None:
    sre = await org_repo.person_by_username(uow.session, "sre")
    gateway = services["card-gateway"]
    for kind, title in (
        ("service_reversion", "Roll the card gateway back to the previous image"),
        ("data_restoration", "Restore the gateway's token vault from the hourly snapshot"),
    ):
        procedure = await dr.create_procedure(
            uow,
            cc.CreateDrProcedure(
                service_id=gateway.id,
                kind=kind,
                title=title,
                runbook_url=f"https://runbooks.example/card-gateway/{kind}",
                owner_person_id=sre.id if sre else None,
                rto_minutes=30,
                rpo_minutes=60,
            ),
        )
        await dr.record_test(
            uow,
            cc.RecordDrTest(
                procedure_id=procedure.id,
                performed_at=now - timedelta(days=40),
                result="passed",
                notes="Game day: restored within the objective.",
                duration_minutes=22,
            ),
        )


async def _vendors(
    uow: UnitOfWork, services: dict[str, Any], vendor_rows: dict[str, Any], now: Any
) -> None:
    acme, ledgersoft = vendor_rows["Acme Card Networks"], vendor_rows["LedgerSoft"]
    for kind in ("security_testing", "penetration_test", "soc2"):
        await vendors.add_attestation(
            uow,
            vc.AddAttestation(
                vendor_id=acme.id,
                kind=kind,
                issued_at=now - timedelta(days=90),
                expires_at=now + timedelta(days=275),
                issuer="Example Assurance LLP",
                report_reference=f"ACME-{kind.upper()}-2026",
            ),
        )
    await vendors.link_vendor(
        uow, vc.LinkVendor(service_id=services["card-gateway"].id, vendor_id=acme.id)
    )
    await vendors.link_vendor(
        uow, vc.LinkVendor(service_id=services["ledger-core"].id, vendor_id=ledgersoft.id)
    )
    start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=10)
    await vendors.create_release(
        uow,
        vc.CreateVendorRelease(
            vendor_id=ledgersoft.id,
            title="LedgerSoft posting engine upgrade",
            release_version="9.1.0",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            description="Vendor-side upgrade of the posting engine the ledger uses.",
        ),
    )
