"""Onboarding: checklist items with evidence, and the production access gate they earn."""

from __future__ import annotations

import uuid

import pytest

from domain.guardrails import commands as cmd
from domain.guardrails import onboarding, queries
from domain.guardrails.vocabulary import OnboardingItem
from domain.kernel.errors import DomainError, NotFound, VersionConflict
from domain.kernel.gates import GateStatus
from tests.domain.guardrails.conftest import GuardrailsWorld
from tests.world import OnlyIn

ALL = [i.value for i in OnboardingItem]


class TestProductionAccess:
    async def test_a_team_without_monitoring_onboarding_has_no_production_access(
        self, world: GuardrailsWorld
    ) -> None:
        for item in ALL:
            if item != "monitoring":
                await world.complete(item)
        gate = await onboarding.production_access(world.session, world.team)
        assert (gate.gate, gate.status) == ("onboarding", GateStatus.FAILED)
        assert gate.evidence["missing"] == ["monitoring"]
        assert "monitoring not onboarded" in gate.reason
        assert gate.blocks

    async def test_a_fully_onboarded_team_passes_with_the_evidence_of_each_item(
        self, world: GuardrailsWorld
    ) -> None:
        for item in ALL:
            await world.complete(item)
        gate = await onboarding.production_access(world.session, world.team)
        assert gate.status == GateStatus.PASSED
        assert gate.evidence["items"]["runbook"]["evidenceUrl"] == "https://wiki.example/runbook"
        assert gate.evidence["items"]["runbook"]["completedById"] == str(world.people["rita"].id)

    async def test_the_requirements_are_the_bus_effective_ones(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_core({"onboarding_requirements": ["logging"]}, 0)
        await world.complete("logging")
        assert (
            await onboarding.production_access(world.session, world.team)
        ).status == GateStatus.PASSED
        await world.save_bu({"onboarding_requirements": ["logging", "on_call"]}, 0)
        gate = await onboarding.production_access(world.session, world.team)
        assert gate.evidence["missing"] == ["on_call"]

    async def test_a_service_gate_adds_its_tier_profile(self, world: GuardrailsWorld) -> None:
        await world.save_core({"onboarding_requirements": ["logging"]}, 0)
        await world.save_profile("critical", {"onboarding_requirements": ["logging", "runbook"]}, 0)
        await world.complete("logging")
        critical = await onboarding.onboarding_gate(world.session, world.services["critical"])
        internal = await onboarding.onboarding_gate(world.session, world.services["internal"])
        assert (critical.status, critical.evidence["missing"]) == (GateStatus.FAILED, ["runbook"])
        assert critical.evidence["source"] == "profile:critical"
        assert internal.status == GateStatus.PASSED
        many = await onboarding.onboarding_gates(world.session, list(world.services.values()))
        assert len(many) == 3

    async def test_an_unknown_team_is_not_found(self, world: GuardrailsWorld) -> None:
        with pytest.raises(NotFound):
            await onboarding.production_access(world.session, uuid.uuid4())


class TestCompletingAndReopening:
    async def test_a_reopened_item_no_longer_counts(self, world: GuardrailsWorld) -> None:
        for item in ALL:
            await world.complete(item)
        uow = world.uow("bob")
        check = await onboarding.reopen_item(
            uow, cmd.ReopenOnboardingItem(world.team, "monitoring", 1, "dashboards removed")
        )
        await uow.commit()
        assert (check.complete, check.reopen_reason, check.version) == (
            False,
            "dashboards removed",
            2,
        )
        gate = await onboarding.production_access(world.session, world.team)
        assert gate.evidence["missing"] == ["monitoring"]
        actions = [r.action for r in await world.audit(check.id)]
        assert actions == ["onboarding.complete", "onboarding.reopen"]
        again = await world.complete("monitoring", version=2)
        assert (again.complete, again.version) == (True, 3)

    async def test_evidence_is_required(self, world: GuardrailsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await onboarding.complete_item(
                world.uow(), cmd.CompleteOnboardingItem(world.team, "logging", 0)
            )
        assert e.value.code == "EVIDENCE_REQUIRED"

    @pytest.mark.parametrize("url", ["ftp://x.example/a", "wiki/runbook", "https://"])
    def test_evidence_links_are_http_urls(self, url: str) -> None:
        with pytest.raises(DomainError) as e:
            onboarding.check_evidence(url, "")
        assert (e.value.code, e.value.field) == ("INVALID_EVIDENCE_URL", "evidenceUrl")

    async def test_a_note_alone_is_evidence_enough(self, world: GuardrailsWorld) -> None:
        check = await onboarding.complete_item(
            world.uow(),
            cmd.CompleteOnboardingItem(world.team, "on_call", 0, evidence_note="PagerDuty: pay"),
        )
        assert (check.evidence_url, check.evidence_note) == (None, "PagerDuty: pay")

    async def test_reopening_an_open_item_is_refused(self, world: GuardrailsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await onboarding.reopen_item(
                world.uow(), cmd.ReopenOnboardingItem(world.team, "runbook", 0)
            )
        assert e.value.code == "ONBOARDING_ITEM_NOT_COMPLETE"

    async def test_a_stale_version_is_a_conflict(self, world: GuardrailsWorld) -> None:
        await world.complete("logging")
        with pytest.raises(VersionConflict):
            await world.complete("logging", version=0)

    async def test_an_unknown_item_is_refused(self, world: GuardrailsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await onboarding.complete_item(
                world.uow(),
                cmd.CompleteOnboardingItem(world.team, "vibes", 0, evidence_note="x"),
            )
        assert (e.value.code, e.value.field) == ("UNKNOWN_ONBOARDING_ITEM", "item")

    async def test_a_team_of_another_bu_reads_as_not_found(self, world: GuardrailsWorld) -> None:
        with pytest.raises(NotFound):
            await onboarding.complete_item(
                world.uow(authorizer=OnlyIn(world.other_bu.id)),
                cmd.CompleteOnboardingItem(world.team, "logging", 0, evidence_note="x"),
            )


class TestChecklistView:
    async def test_the_checklist_lists_every_item_with_what_is_required(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_core({"onboarding_requirements": ["logging", "monitoring"]}, 0)
        await world.complete("logging")
        found = await queries.onboarding_of_teams(world.reader(), [world.team, world.other_team])
        mine = found[world.team]
        assert [(i.item, i.required, i.check is not None) for i in mine.items] == [
            ("logging", True, True),
            ("monitoring", True, False),
            ("alerting", False, False),
            ("ci_pipeline", False, False),
            ("runbook", False, False),
            ("on_call", False, False),
        ]
        assert mine.production_access.evidence["missing"] == ["monitoring"]
        hidden = await queries.onboarding_of_teams(
            world.reader(authorizer=OnlyIn(world.bu.id)), [world.other_team]
        )
        assert hidden == {}
