"""Vendor use cases on SQLite and PostgreSQL: attestations, service links, vendor releases,
what a release reaches, why it is flagged, the attestation gate and the calendar feed."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.models import Freeze
from domain.compliance import vendor_findings
from domain.compliance.vendor_findings import vendor_attestation_gate, vendor_release_findings
from domain.kernel.errors import DomainError
from domain.kernel.gates import GateStatus
from domain.organization import vendor_commands as cmd
from domain.organization import vendor_queries as vq
from domain.organization import vendors
from domain.organization.models import (
    Service,
    ServiceDependency,
    Vendor,
    VendorRelease,
)
from domain.organization.vendor_impacts import impacts_of_vendors
from domain.read import calendar_feed as feed_view
from tests.world import OnlyIn, World

DAY = timedelta(days=1)
ALL_KINDS = ("iso27001", "penetration_test", "security_testing", "soc2")
ATTESTATION_CODES = {
    "ATTESTATION_MISSING",
    "ATTESTATION_EXPIRED",
    "ATTESTATION_REVOKED",
    "ATTESTATION_EXPIRES_DURING_RELEASE",
}


class VendorsWorld(World):
    bu: uuid.UUID
    other_bu: uuid.UUID
    services: dict[str, Service]
    vendor: Vendor
    other_vendor: Vendor

    async def attest(self, kind: str, *, vendor: Vendor | None = None, **kw: Any) -> Any:
        now = self.clock.now()
        values: dict[str, Any] = {
            "vendor_id": (vendor or self.vendor).id,
            "kind": kind,
            "issued_at": now - 30 * DAY,
            "expires_at": now + 300 * DAY,
            "issuer": "Audit & Co",
            "report_reference": f"https://reports.example/{uuid.uuid4().hex[:6]}",
        }
        values.update(kw)
        return await self.run(vendors.add_attestation, cmd.AddAttestation(**values))

    async def link(self, service: str, vendor: Vendor | None = None) -> Any:
        c = cmd.LinkVendor(self.services[service].id, (vendor or self.vendor).id, "card network")
        return await self.run(vendors.link_vendor, c)

    async def release(self, *, vendor: Vendor | None = None, **kw: Any) -> VendorRelease:
        now = self.clock.now()
        values: dict[str, Any] = {
            "vendor_id": (vendor or self.vendor).id,
            "title": "Network certificate rotation",
            "release_version": "4.2.0",
            "starts_at": now + 5 * DAY,
            "ends_at": now + 5 * DAY + timedelta(hours=2),
        }
        values.update(kw)
        return await self.run(vendors.create_release, cmd.CreateVendorRelease(**values))


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> VendorsWorld:
    """Payments: gateway, checkout, reports and the vendor Acme Cards; Retail: storefront and
    MobileKit. Checkout calls gateway; storefront (another BU) calls checkout. Rita acts."""
    world = VendorsWorld(session, now)
    payments, retail = await world.add.bu("Payments"), await world.add.bu("Retail")
    world.bu, world.other_bu = payments.id, retail.id
    teams = {bu: await world.add.team(bu) for bu in (payments.id, retail.id)}
    world.services = {
        key: await world.add.service(teams[bu], key, name=key.title(), tier=tier)
        for key, tier, bu in (
            ("gateway", "critical", payments.id),
            ("checkout", "customer_facing", payments.id),
            ("reports", "internal", payments.id),
            ("storefront", "critical", retail.id),
        )
    }
    for consumer, provider in (("checkout", "gateway"), ("storefront", "checkout")):
        await world.add.depend(world.services[consumer].id, world.services[provider].id)
    world.vendor = await vendor(session, payments.id, "Acme Cards", "a@acme.example", now)
    world.other_vendor = await vendor(session, retail.id, "MobileKit", "m@kit.example", now)
    await world.add.person("rita")
    return world


async def vendor(
    session: AsyncSession, bu: uuid.UUID, name: str, contact: str, now: datetime
) -> Vendor:
    made = Vendor(
        bu_id=bu,
        name=name,
        contact_email=contact,
        attestation_status="pending",
        attestation_expires_at=None,
        created_at=now,
        updated_at=now,
    )
    session.add(made)
    await session.flush()
    return made


class TestAttestations:
    async def test_adding_one_records_it_and_keeps_the_vendor_summary_in_step(
        self, world: VendorsWorld
    ) -> None:
        now = world.clock.now()
        soc2 = await world.attest("soc2", expires_at=now + 90 * DAY)
        await world.attest("iso27001", expires_at=now + 30 * DAY)
        assert (soc2.kind, soc2.bu_id, soc2.revoked_at) == ("soc2", world.bu, None)
        assert world.vendor.attestation_status == "attested"
        assert world.vendor.attestation_expires_at == now + 30 * DAY
        assert await world.audit_actions(soc2.id) == ["vendor_attestation.add"]
        assert "vendor.attestation_summary" in await world.audit_actions(world.vendor.id)

    async def test_the_same_kind_issued_at_the_same_time_is_a_double(
        self, world: VendorsWorld
    ) -> None:
        issued = world.clock.now() - 10 * DAY
        await world.attest("soc2", issued_at=issued)
        with pytest.raises(DomainError) as e:
            await world.attest("soc2", issued_at=issued)
        assert (e.value.code, e.value.field) == ("ATTESTATION_EXISTS", "issuedAt")

    async def test_revoking_keeps_it_on_record_and_it_stops_counting(
        self, world: VendorsWorld
    ) -> None:
        made = await world.attest("soc2")
        revoked = await world.run(
            vendors.revoke_attestation, cmd.RevokeAttestation(made.id, 1, "Report withdrawn")
        )
        assert revoked.revoked_at == world.clock.now()
        assert revoked.revoked_by_id == world.people["rita"].id
        assert revoked.revoke_reason == "Report withdrawn"
        assert world.vendor.attestation_status == "revoked"
        assert await world.audit_actions(made.id) == [
            "vendor_attestation.add",
            "vendor_attestation.revoke",
        ]

    async def test_revoking_twice_a_stale_version_or_without_reason_is_refused(
        self, world: VendorsWorld
    ) -> None:
        made = await world.attest("soc2")
        for version, reason, code in ((1, " ", "REASON_REQUIRED"), (7, "x", "VERSION_CONFLICT")):
            with pytest.raises(DomainError) as e:
                await world.run(
                    vendors.revoke_attestation, cmd.RevokeAttestation(made.id, version, reason)
                )
            assert e.value.code == code
        await world.run(vendors.revoke_attestation, cmd.RevokeAttestation(made.id, 1, "why"))
        with pytest.raises(DomainError) as e:
            await world.run(vendors.revoke_attestation, cmd.RevokeAttestation(made.id, 2, "why"))
        assert e.value.code == "ATTESTATION_ALREADY_REVOKED"

    async def test_a_vendor_outside_your_units_reads_as_not_found(
        self, world: VendorsWorld
    ) -> None:
        with pytest.raises(DomainError) as e:
            await world.run(
                vendors.add_attestation,
                cmd.AddAttestation(
                    world.vendor.id,
                    "soc2",
                    world.clock.now() - DAY,
                    world.clock.now() + DAY,
                    "A",
                    "r",
                ),
                authorizer=OnlyIn(world.other_bu),
            )
        assert (e.value.code, e.value.field) == ("NOT_FOUND", "vendorId")

    async def test_expiring_soon_lists_current_ones_soonest_first(
        self, world: VendorsWorld
    ) -> None:
        now = world.clock.now()
        late = await world.attest("soc2", expires_at=now + 20 * DAY)
        soon = await world.attest("iso27001", expires_at=now + 3 * DAY)
        await world.attest("penetration_test", expires_at=now + 90 * DAY)
        await world.attest("security_testing", issued_at=now - 400 * DAY, expires_at=now - DAY)
        gone = await world.attest("soc2", issued_at=now - 5 * DAY, expires_at=now + 2 * DAY)
        await world.run(vendors.revoke_attestation, cmd.RevokeAttestation(gone.id, 1, "error"))
        page = await vq.expiring_attestations(
            world.reader(), now=now, bu_id=world.bu, first=10, after=None
        )
        assert [r.id for r in page.items] == [soon.id, late.id]
        hidden = await vq.expiring_attestations(
            world.reader(authorizer=OnlyIn(world.other_bu)),
            now=now,
            bu_id=None,
            first=10,
            after=None,
        )
        assert hidden.items == []


class TestServiceLinks:
    async def test_a_service_links_to_a_vendor_once_and_unlinks(self, world: VendorsWorld) -> None:
        link = await world.link("gateway")
        assert await world.audit_actions(link.id) == ["service_vendor.link"]
        with pytest.raises(DomainError) as e:
            await world.link("gateway")
        assert e.value.code == "VENDOR_LINK_EXISTS"
        gid = world.services["gateway"].id
        await world.run(vendors.unlink_vendor, gid, world.vendor.id)
        assert await world.audit_actions(link.id) == [
            "service_vendor.link",
            "service_vendor.unlink",
        ]
        with pytest.raises(DomainError) as e:
            await world.run(vendors.unlink_vendor, gid, world.vendor.id)
        assert e.value.code == "NOT_FOUND"

    async def test_a_readable_vendor_of_another_unit_may_be_used(self, world: VendorsWorld) -> None:
        link = await world.link("gateway", world.other_vendor)
        assert link.vendor_id == world.other_vendor.id

    async def test_a_vendor_you_cannot_read_reads_as_not_found(self, world: VendorsWorld) -> None:
        c = cmd.LinkVendor(world.services["storefront"].id, world.vendor.id)
        with pytest.raises(DomainError) as e:
            await world.run(vendors.link_vendor, c, authorizer=OnlyIn(world.other_bu))
        assert (e.value.code, e.value.field) == ("NOT_FOUND", "vendorId")

    async def test_both_ends_list_the_link(self, world: VendorsWorld) -> None:
        await world.link("gateway")
        gid = world.services["gateway"].id
        assert [v.id for v in (await vq.vendors_of_services(world.reader(), [gid]))[gid]] == [
            world.vendor.id
        ]
        vid = world.vendor.id
        assert [s.id for s in (await vq.services_of_vendors(world.reader(), [vid]))[vid]] == [gid]


class TestVendorReleases:
    async def test_created_moved_and_cancelled_with_the_audit_trail(
        self, world: VendorsWorld
    ) -> None:
        made = await world.release()
        assert (made.status, made.bu_id, made.version) == ("scheduled", world.bu, 1)
        later = made.starts_at + DAY
        moved = await world.run(
            vendors.update_release,
            cmd.UpdateVendorRelease(made.id, 1, starts_at=later, ends_at=later + DAY),
        )
        assert (moved.starts_at, moved.version) == (later, 2)
        cancelled = await world.run(
            vendors.cancel_release, cmd.CancelVendorRelease(made.id, 2, "Vendor postponed")
        )
        assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Vendor postponed")
        assert await world.audit_actions(made.id) == [
            "vendor_release.create",
            "vendor_release.update",
            "vendor_release.cancel",
        ]
        with pytest.raises(DomainError) as e:
            await world.run(vendors.update_release, cmd.UpdateVendorRelease(made.id, 3, title="x"))
        assert e.value.code == "VENDOR_RELEASE_CANCELLED"

    async def test_bad_times_texts_and_stale_versions_are_refused(
        self, world: VendorsWorld
    ) -> None:
        now = world.clock.now()
        for kw, code in (
            ({"ends_at": now}, "INVALID_INTERVAL"),
            ({"ends_at": now + 30 * DAY}, "INVALID_INTERVAL"),
            ({"title": " "}, "INVALID_TITLE"),
            ({"release_version": "v" * 65}, "INVALID_RELEASE_VERSION"),
            ({"starts_at": datetime(2026, 12, 1), "ends_at": now + DAY}, "INVALID_INTERVAL"),
        ):
            with pytest.raises(DomainError) as e:
                await world.release(**({"starts_at": now} | kw))
            assert e.value.code == code, kw
        made = await world.release()
        with pytest.raises(DomainError) as e:
            await world.run(vendors.update_release, cmd.UpdateVendorRelease(made.id, 9, title="x"))
        assert e.value.code == "VERSION_CONFLICT"
        with pytest.raises(DomainError) as e:
            await world.run(vendors.cancel_release, cmd.CancelVendorRelease(made.id, 1, ""))
        assert e.value.code == "REASON_REQUIRED"

    async def test_a_release_of_a_vendor_elsewhere_that_reaches_you_is_readable_not_editable(
        self, world: VendorsWorld
    ) -> None:
        made = await world.release()
        retail = OnlyIn(world.other_bu)
        assert await vq.releases_by_id(world.reader(authorizer=retail), [made.id]) == {}
        await world.link("storefront")
        assert set(await vq.releases_by_id(world.reader(authorizer=retail), [made.id])) == {made.id}
        page = await vq.releases(
            world.reader(authorizer=retail),
            starts_at=made.starts_at - DAY,
            ends_at=made.ends_at + DAY,
            bu_id=world.other_bu,
            vendor_id=None,
            include_cancelled=False,
            first=10,
            after=None,
        )
        assert [r.id for r in page.items] == [made.id]
        with pytest.raises(DomainError) as e:
            await world.run(
                vendors.update_release,
                cmd.UpdateVendorRelease(made.id, 1, title="x"),
                authorizer=retail,
            )
        assert e.value.code == "FORBIDDEN"


class TestImpact:
    async def test_direct_users_then_their_consumers_transitively(
        self, world: VendorsWorld
    ) -> None:
        await world.link("gateway")
        s = world.services
        (impacts,) = (await impacts_of_vendors(world.session, [world.vendor.id])).values()
        assert [(i.service_id, i.indirect, i.via) for i in impacts] == [
            (s["gateway"].id, False, None),
            (s["checkout"].id, True, s["gateway"].id),
            (s["storefront"].id, True, s["checkout"].id),
        ]

    async def test_a_cycle_in_the_dependency_graph_ends(self, world: VendorsWorld) -> None:
        s = world.services
        world.session.add(
            ServiceDependency(
                consumer_id=s["gateway"].id,
                provider_id=s["storefront"].id,
                kind="runtime",
                created_at=world.clock.now(),
            )
        )
        await world.link("gateway")
        (impacts,) = (await impacts_of_vendors(world.session, [world.vendor.id])).values()
        assert len(impacts) == 3

    async def test_the_reader_sees_only_services_it_may_read(self, world: VendorsWorld) -> None:
        await world.link("gateway")
        made = await world.release()
        seen = await vq.impacted_services(world.reader(authorizer=OnlyIn(world.bu)), [made.id])
        assert [i.service.id for i in seen[made.id]] == [
            world.services["gateway"].id,
            world.services["checkout"].id,
        ]


class TestAVendorReleaseIntoACriticalServiceNeedsCurrentAttestations:
    async def test_without_a_current_attestation_it_is_flagged(self, world: VendorsWorld) -> None:
        await world.link("gateway")
        await world.attest("security_testing")
        made = await world.release()
        found = await vendor_release_findings(world.session, made.id, world.clock.now())
        missing = [f for f in found if f.code == "ATTESTATION_MISSING"]
        assert [f.service_id for f in missing] == [world.services["gateway"].id]
        assert {"penetration_test", "soc2"} <= set(missing[0].kinds)
        assert "security_testing" not in missing[0].kinds
        assert "Acme Cards holds no" in missing[0].sentence

    async def test_current_attestations_lasting_the_release_clear_it(
        self, world: VendorsWorld
    ) -> None:
        await world.link("gateway")
        for kind in ALL_KINDS:
            await world.attest(kind)
        made = await world.release()
        found = await vendor_release_findings(world.session, made.id, world.clock.now())
        assert [f for f in found if f.code in ATTESTATION_CODES] == []

    async def test_attestations_expiring_before_the_release_ends_are_flagged(
        self, world: VendorsWorld
    ) -> None:
        await world.link("gateway")
        now = world.clock.now()
        for kind in ALL_KINDS:
            await world.attest(kind, expires_at=now + 5 * DAY + timedelta(hours=1))
        made = await world.release()
        found = await vendor_release_findings(world.session, made.id, now)
        (during,) = [f for f in found if f.code in ATTESTATION_CODES]
        assert during.code == "ATTESTATION_EXPIRES_DURING_RELEASE"
        assert {"penetration_test", "security_testing", "soc2"} <= set(during.kinds)

    async def test_an_internal_service_requiring_nothing_is_not_flagged(
        self, world: VendorsWorld
    ) -> None:
        await world.link("reports")
        made = await world.release()
        found = await vendor_release_findings(world.session, made.id, world.clock.now())
        assert [f for f in found if f.code in ATTESTATION_CODES] == []

    async def test_a_cancelled_release_has_no_findings(self, world: VendorsWorld) -> None:
        await world.link("gateway")
        made = await world.release()
        await world.run(vendors.cancel_release, cmd.CancelVendorRelease(made.id, 1, "off"))
        assert await vendor_release_findings(world.session, made.id, world.clock.now()) == []

    async def test_another_units_service_is_flagged_without_being_named(
        self, world: VendorsWorld
    ) -> None:
        await world.link("storefront")
        made = await world.release()
        seen = await vendor_findings.findings(
            world.reader(authorizer=OnlyIn(world.bu)), [made.id], world.clock.now()
        )
        hidden = [f for f in seen[made.id] if f.code == "ATTESTATION_MISSING"]
        assert hidden and hidden[0].service_id is None
        assert world.services["storefront"].key not in hidden[0].sentence


class TestAFreezeCoveringAnImpactedServiceIsAConflict:
    async def test_a_release_during_an_approved_tier_freeze_is_flagged(
        self, world: VendorsWorld
    ) -> None:
        await world.link("gateway")
        made = await world.release()
        now = world.clock.now()
        freeze = Freeze(
            title="Peak season",
            reason="",
            scope="tier",
            bu_id=world.bu,
            tiers=["critical"],
            environments=[],
            starts_at=made.starts_at - DAY,
            ends_at=made.ends_at + DAY,
            tzid="UTC",
            rrule=None,
            status="approved",
            created_at=now,
            updated_at=now,
            version=1,
        )
        world.session.add(freeze)
        await world.session.flush()
        found = await vendor_release_findings(world.session, made.id, now)
        conflicts = [f for f in found if f.code == "FREEZE_CONFLICT" and f.freeze_id == freeze.id]
        assert [f.service_id for f in conflicts] == [world.services["gateway"].id]
        assert "Peak season" in conflicts[0].sentence


class TestTheVendorAttestationGate:
    async def test_a_service_using_no_vendor_passes(self, world: VendorsWorld) -> None:
        gate = await vendor_attestation_gate(
            world.session, world.services["gateway"].id, world.clock.now()
        )
        assert (gate.gate, gate.status) == ("vendor_attestations", GateStatus.PASSED)

    async def test_it_fails_naming_the_vendor_and_kinds_then_passes_once_attested(
        self, world: VendorsWorld
    ) -> None:
        await world.link("gateway")
        sid = world.services["gateway"].id
        gate = await vendor_attestation_gate(world.session, sid, world.clock.now())
        assert gate.status is GateStatus.FAILED and gate.blocks
        assert "Acme Cards lacks current" in gate.reason
        (entry,) = gate.evidence["vendors"]
        assert entry["vendorId"] == str(world.vendor.id) and "soc2" in entry["missing"]
        for kind in ALL_KINDS:
            await world.attest(kind)
        gate = await vendor_attestation_gate(world.session, sid, world.clock.now())
        assert gate.status is GateStatus.PASSED
        assert set(gate.evidence["vendors"][0]["current"]) >= {"soc2", "penetration_test"}

    async def test_it_fails_once_the_attestations_have_expired(self, world: VendorsWorld) -> None:
        await world.link("gateway")
        for kind in ALL_KINDS:
            await world.attest(kind, expires_at=world.clock.now() + DAY)
        world.clock.advance(2 * DAY)
        gate = await vendor_attestation_gate(
            world.session, world.services["gateway"].id, world.clock.now()
        )
        assert gate.status is GateStatus.FAILED


class TestTheCalendarFeedShowsVendorReleases:
    async def test_with_the_services_they_reach_that_the_person_may_read(
        self, world: VendorsWorld
    ) -> None:
        await world.link("gateway")
        made = await world.release()
        content = await feed_view.feed_content(
            world.reader(authorizer=OnlyIn(world.bu)), now=world.clock.now()
        )
        (shown,) = [v for v in content.vendor_releases if v.id == made.id]
        assert (shown.vendor_name, shown.release_version) == ("Acme Cards", "4.2.0")
        assert [(i.service_key, i.via) for i in shown.impacted] == [
            (world.services["gateway"].key, None),
            (world.services["checkout"].key, world.services["gateway"].key),
        ]

    async def test_cancelled_ones_and_unreachable_units_are_left_out(
        self, world: VendorsWorld
    ) -> None:
        made = await world.release()
        elsewhere = await feed_view.feed_content(
            world.reader(authorizer=OnlyIn(world.other_bu)), now=world.clock.now()
        )
        assert made.id not in {v.id for v in elsewhere.vendor_releases}
        await world.run(vendors.cancel_release, cmd.CancelVendorRelease(made.id, 1, "off"))
        content = await feed_view.feed_content(world.reader(), now=world.clock.now())
        assert made.id not in {v.id for v in content.vendor_releases}
