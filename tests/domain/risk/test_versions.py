"""Core model versions and BU mapping versions: immutable, checked, audited, tighten-only."""

from __future__ import annotations

import pytest

from domain.guardrails.vocabulary import RiskLevel
from domain.kernel.errors import DomainError, Forbidden, NotFound, VersionConflict
from domain.risk import commands as cmd
from domain.risk import queries, versions
from domain.risk.model import DEFAULT_MODEL, Factor, Requirement, Weight
from tests.domain.risk.conftest import RiskWorld
from tests.world import OnlyIn

L = RiskLevel


class TestTheCoreModel:
    async def test_a_save_adds_the_next_version_keeping_what_is_not_given(
        self, world: RiskWorld
    ) -> None:
        before = await versions.current_model(world.session)
        saved = await world.save_model(weights={Factor.SIZE: Weight(2, 10)}, note="Size matters")
        assert saved.model.version == before.version + 1
        assert saved.model.weights[Factor.SIZE] == Weight(2, 10)
        assert saved.model.weights[Factor.SERVICES] == before.weights[Factor.SERVICES]
        current = await versions.current_model(world.session)
        assert current == saved.model
        (record,) = await world.audit(saved.row.id)
        assert record.action == "risk_model.update"
        assert record.bu_id is None

    async def test_a_stale_expected_version_is_a_conflict(self, world: RiskWorld) -> None:
        current = await versions.current_model(world.session)
        await world.save_model(note="first")
        with pytest.raises(VersionConflict):
            await world.save_model(expected_version=current.version, note="second")

    async def test_an_invalid_model_is_refused_and_nothing_is_saved(self, world: RiskWorld) -> None:
        current = await versions.current_model(world.session)
        with pytest.raises(DomainError) as e:
            await world.save_model(thresholds={L.HIGH: 40})
        assert e.value.code == "RISK_THRESHOLDS_NOT_ASCENDING"
        assert (await versions.current_model(world.session)).version == current.version

    async def test_only_org_scope_changes_it(self, world: RiskWorld) -> None:
        uow = world.uow(authorizer=OnlyIn(world.bu.id))
        with pytest.raises(Forbidden):
            await versions.update_core_model(uow, cmd.UpdateRiskModel(expected_version=0))

    async def test_a_core_change_that_makes_an_overlay_looser_is_reported(
        self, world: RiskWorld
    ) -> None:
        await world.save_mapping(thresholds={L.HIGH: 15})
        saved = await world.save_model(thresholds={L.HIGH: 12})
        mine = [c for c in saved.conflicts if c.bu_id == world.bu.id]
        assert [(c.looser.path, c.looser.value, c.looser.bound) for c in mine] == [
            ("thresholds.high", 15, 12)
        ]
        (record,) = await world.audit(saved.row.id)
        assert {"bu": world.bu.key, "path": "thresholds.high", "value": 15, "bound": 12} in (
            record.after["overlay_conflicts"]
        )


class TestABusinessUnitMapping:
    async def test_a_stricter_overlay_is_saved_and_takes_effect(self, world: RiskWorld) -> None:
        row = await world.save_mapping(
            thresholds={L.HIGH: 14},
            requirements={L.MEDIUM: {Requirement.PEER_REVIEW: True}},
        )
        assert row.version == 1
        view = await queries.mapping_of_bu(world.reader(), world.bu.id)
        assert view.overlay_version == 1
        eff = view.effective
        assert eff.mapping.thresholds[L.HIGH] == 14
        assert eff.mapping.requirements[L.MEDIUM].peer_review
        assert eff.sources["requirements.medium.peerReview"].source == f"bu:{world.bu.key}"
        (record,) = await world.audit(row.id)
        assert (record.action, record.bu_id) == ("risk_mapping.update", world.bu.id)

    async def test_a_looser_value_is_refused_naming_value_and_bound(self, world: RiskWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.save_mapping(requirements={L.CRITICAL: {Requirement.CANARY_MINUTES: 30}})
        assert e.value.code == "RISK_MAPPING_LOOSER_THAN_CORE"
        assert e.value.field == "requirements.critical.canaryMinutes"
        assert "30" in e.value.message and "240" in e.value.message

    async def test_thresholds_must_still_ascend_once_combined(self, world: RiskWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.save_mapping(thresholds={L.HIGH: 6})
        assert e.value.code == "RISK_THRESHOLDS_NOT_ASCENDING"

    async def test_a_stale_expected_version_is_a_conflict(self, world: RiskWorld) -> None:
        await world.save_mapping(thresholds={L.HIGH: 16})
        with pytest.raises(VersionConflict):
            await world.save_mapping(thresholds={L.HIGH: 15}, expected_version=0)

    async def test_another_bu_is_not_found(self, world: RiskWorld) -> None:
        uow = world.uow(authorizer=OnlyIn(world.bu.id))
        with pytest.raises(NotFound):
            await versions.update_bu_mapping(
                uow, cmd.UpdateRiskMapping(bu_id=world.other_bu.id, expected_version=0)
            )

    async def test_assessments_use_the_bus_mapping(self, world: RiskWorld) -> None:
        svc = await world.service(tier="customer_facing", data="public", regions=[])
        await world.release([svc], status="deployed")
        release = await world.release([svc], ["config"])  # 8 + 1 + 1 = 10: medium by core
        await world.save_mapping(thresholds={L.HIGH: 10})
        row = await world.assess(release)
        assert (row.level, row.mapping_version) == ("high", 1)
        assert (
            row.requirements["min_approvals"]
            == DEFAULT_MODEL.mapping.requirements[L.HIGH].min_approvals
        )
