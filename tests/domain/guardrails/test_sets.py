"""Guardrail sets: versioned saves of the core, BU sets and profiles; tighten-only; conflicts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.guardrails import commands as cmd
from domain.guardrails import queries, sets
from domain.guardrails.errors import GuardrailProblems
from domain.guardrails.models import GuardrailSetVersion
from domain.kernel.errors import DomainError, Forbidden, NotFound, VersionConflict
from tests.domain.guardrails.conftest import GuardrailsWorld
from tests.world import OnlyIn


class TestSavingTheCore:
    async def test_the_first_save_patches_the_defaults_and_keeps_an_immutable_version(
        self, world: GuardrailsWorld
    ) -> None:
        saved = await world.save_core({"max_bypass_hours": 12}, 0, note="incident 7")
        row = saved.guardrail_set
        assert (row.version, row.values["max_bypass_hours"], row.note) == (1, 12, "incident 7")
        assert row.values["min_approvers.production"] == 2
        saved = await world.save_core({"min_test_coverage_percent": 70}, 1)
        versions = (
            await world.session.scalars(
                select(GuardrailSetVersion)
                .where(GuardrailSetVersion.set_id == row.id)
                .order_by(GuardrailSetVersion.version)
            )
        ).all()
        assert [(v.version, v.values["min_test_coverage_percent"]) for v in versions] == [
            (1, 60),
            (2, 70),
        ]
        assert versions[0].saved_by == "Rita"
        assert [r.action for r in await world.audit(row.id)] == [
            "guardrail_set.create",
            "guardrail_set.update",
        ]

    async def test_a_stale_version_is_a_conflict(self, world: GuardrailsWorld) -> None:
        await world.save_core({"max_bypass_hours": 12}, 0)
        with pytest.raises(VersionConflict):
            await world.save_core({"max_bypass_hours": 10}, 0)

    async def test_only_the_org_scope_changes_the_core(self, world: GuardrailsWorld) -> None:
        uow = world.uow(authorizer=OnlyIn(world.bu.id))
        with pytest.raises(Forbidden):
            await sets.save_core(uow, cmd.SaveCore({"max_bypass_hours": 1}, 0, "mine now"))

    async def test_a_save_without_a_note_is_refused(self, world: GuardrailsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.save_core({"max_bypass_hours": 12}, 0, note="")
        assert (e.value.code, e.value.field) == ("NOTE_REQUIRED", "note")


class TestBusinessUnitSets:
    async def test_lowering_the_core_minimum_approvers_is_refused_with_the_core_bound(
        self, world: GuardrailsWorld
    ) -> None:
        with pytest.raises(GuardrailProblems) as e:
            await world.save_bu({"min_approvers.production": 1, "max_bypass_hours": 72}, 0)
        assert [(p.code, p.field, p.message) for p in e.value.problems] == [
            (
                "GUARDRAIL_LOOSER_THAN_CORE",
                "min_approvers.production",
                "min_approvers.production: 1 is looser than the core's 2.",
            ),
            (
                "GUARDRAIL_LOOSER_THAN_CORE",
                "max_bypass_hours",
                "max_bypass_hours: 72 is looser than the core's 24.",
            ),
        ]

    async def test_the_bound_is_the_current_core_not_the_default(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_core({"min_approvers.production": 3}, 0)
        with pytest.raises(GuardrailProblems) as e:
            await world.save_bu({"min_approvers.production": 2}, 0)
        assert e.value.message.endswith("looser than the core's 3.")

    async def test_a_tightening_is_saved_and_null_removes_it(self, world: GuardrailsWorld) -> None:
        saved = await world.save_bu({"min_approvers.production": 3, "max_bypass_hours": 4}, 0)
        assert saved.guardrail_set.values == {"min_approvers.production": 3, "max_bypass_hours": 4}
        saved = await world.save_bu({"max_bypass_hours": None}, 1)
        assert saved.guardrail_set.values == {"min_approvers.production": 3}
        (first, second) = await world.audit(saved.guardrail_set.id)
        assert first.bu_id == world.bu.id
        assert second.before["values"]["max_bypass_hours"] == 4

    async def test_a_bu_admin_elsewhere_sees_no_such_business_unit(
        self, world: GuardrailsWorld
    ) -> None:
        uow = world.uow(authorizer=OnlyIn(world.other_bu.id))
        with pytest.raises(NotFound):
            await sets.save_business_unit_set(
                uow, cmd.SaveBusinessUnitSet(world.bu.id, {"max_bypass_hours": 4}, 0, "x")
            )

    async def test_the_own_bu_admin_may_save_but_not_the_core(self, world: GuardrailsWorld) -> None:
        uow = world.uow(authorizer=OnlyIn(world.bu.id))
        saved = await sets.save_business_unit_set(
            uow, cmd.SaveBusinessUnitSet(world.bu.id, {"max_bypass_hours": 4}, 0, "ours")
        )
        assert saved.guardrail_set.version == 1


class TestProfiles:
    async def test_a_profile_may_only_tighten_the_core(self, world: GuardrailsWorld) -> None:
        with pytest.raises(GuardrailProblems) as e:
            await world.save_profile("internal", {"min_test_coverage_percent": 40}, 0)
        assert e.value.field == "min_test_coverage_percent"

    async def test_the_first_save_patches_the_built_in_profile(
        self, world: GuardrailsWorld
    ) -> None:
        saved = await world.save_profile("critical", {"max_bypass_hours": 4}, 0)
        assert saved.guardrail_set.values["max_bypass_hours"] == 4
        assert saved.guardrail_set.values["min_approvers.production"] == 3

    async def test_an_unknown_tier_is_refused(self, world: GuardrailsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.save_profile("galactic", {}, 0)
        assert (e.value.code, e.value.field) == ("UNKNOWN_TIER", "tier")


class TestCoreTighteningReportsConflicts:
    async def test_values_made_looser_are_reported_audited_and_listed(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_bu({"max_bypass_hours": 12}, 0)
        saved = await world.save_core({"max_bypass_hours": 6}, 0)
        found = {(c.layer.layer.source, c.looser.key, c.looser.value) for c in saved.conflicts}
        assert found == {
            (f"bu:{world.bu.key}", "max_bypass_hours", 12),
            ("profile:critical", "max_bypass_hours", 8),
        }
        (record,) = await world.audit(saved.guardrail_set.id)
        assert {c["source"] for c in record.after["conflicts"]} == {
            f"bu:{world.bu.key}",
            "profile:critical",
        }
        listed = await queries.conflicts(world.reader())
        assert {(c.layer.layer.source, c.looser.bound) for c in listed} == {
            (f"bu:{world.bu.key}", 6),
            ("profile:critical", 6),
        }
        view = await queries.business_unit_set(world.reader(), world.bu.id)
        assert [c.message for c in view.conflicts] == [
            "max_bypass_hours: 12 is looser than the core's 6"
        ]

    async def test_the_merge_stays_safe_while_the_conflict_stands(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_bu({"max_bypass_hours": 12}, 0)
        await world.save_core({"max_bypass_hours": 6}, 0)
        from domain.guardrails.effective import effective_for_service

        eff = await effective_for_service(world.session, world.services["internal"])
        assert (eff["max_bypass_hours"], eff.values["max_bypass_hours"].source) == (6, "core")

    async def test_the_bu_must_resolve_the_conflict_on_its_next_save(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_bu({"max_bypass_hours": 12}, 0)
        await world.save_core({"max_bypass_hours": 6}, 0)
        with pytest.raises(GuardrailProblems) as e:
            await world.save_bu({"min_approvers.production": 3}, 1)
        assert e.value.field == "max_bypass_hours"
        saved = await world.save_bu({"min_approvers.production": 3, "max_bypass_hours": None}, 1)
        assert saved.guardrail_set.values == {"min_approvers.production": 3}

    async def test_a_bu_admin_lists_only_conflicts_of_what_it_may_read(
        self, world: GuardrailsWorld
    ) -> None:
        await world.save_bu({"max_bypass_hours": 12}, 0)
        await world.save_core({"max_bypass_hours": 6}, 0)
        listed = await queries.conflicts(world.reader(authorizer=OnlyIn(world.other_bu.id)))
        assert {c.layer.layer.source for c in listed} == {"profile:critical"}
