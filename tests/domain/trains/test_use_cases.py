"""Use cases on the database: audit, scoping, versions, codes (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.kernel.errors import DomainError, NotFound, VersionConflict
from domain.trains import commands as cmd
from domain.trains import features, integration, repository, trains
from domain.trains.cadence import Cadence
from domain.trains.integration import integration_gate
from tests.domain.trains.conftest import TrainsWorld
from tests.world import OnlyIn


class TestTrains:
    async def test_creating_a_train_records_its_first_cadence_and_audits(
        self, world: TrainsWorld
    ) -> None:
        train, pis = await world.train()
        history = await repository.cadence_changes(world.session, train.id)
        assert [(h.seq, h.reason, h.effective_from_seq) for h in history] == [(1, None, 0)]
        actions = [r.action for r in await world.audit(train.id)]
        assert actions == ["train.create", "train.departures_generate"]
        assert [p.seq for p in pis] == [1, 2]

    async def test_a_cadence_change_needs_the_current_version(self, world: TrainsWorld) -> None:
        train, pis = await world.train()
        with pytest.raises(VersionConflict):
            await trains.change_cadence(
                world.uow(),
                cmd.ChangeCadence(
                    train.id, train.version + 1, Cadence("monthly"), pis[1].id, "other", "x"
                ),
            )

    async def test_other_needs_a_text(self, world: TrainsWorld) -> None:
        train, pis = await world.train()
        with pytest.raises(DomainError) as caught:
            await trains.change_cadence(
                world.uow(),
                cmd.ChangeCadence(train.id, train.version, Cadence("monthly"), pis[1].id, "other"),
            )
        assert caught.value.code == "REASON_TEXT_REQUIRED"

    async def test_a_train_outside_your_bus_is_not_found(self, world: TrainsWorld) -> None:
        train, _ = await world.train(bu=world.other_bu)
        with pytest.raises(NotFound):
            await trains.update_train(
                world.uow(authorizer=OnlyIn(world.bu)),
                cmd.UpdateTrain(train.id, train.version, name="X"),
            )

    async def test_generating_twice_changes_nothing(self, world: TrainsWorld) -> None:
        train, pis = await world.train()
        uow = world.uow()
        first = await trains.generate_departures(uow, cmd.GenerateDepartures(train.id, pis[0].id))
        again = await trains.generate_departures(uow, cmd.GenerateDepartures(train.id, pis[0].id))
        assert [(d.id, d.departs_at) for d in first] == [(d.id, d.departs_at) for d in again]


class TestFeatures:
    async def test_dependencies_are_between_teams_and_audited(self, world: TrainsWorld) -> None:
        _, pis = await world.train()
        uow = world.uow()
        a = await features.create_feature(uow, cmd.CreateFeature(world.teams["a"], pis[0].id, "A"))
        a2 = await features.create_feature(
            uow, cmd.CreateFeature(world.teams["a"], pis[0].id, "A2")
        )
        b = await features.create_feature(uow, cmd.CreateFeature(world.teams["b"], pis[0].id, "B"))
        with pytest.raises(DomainError) as same:
            await features.add_dependency(uow, a.id, a2.id)
        assert same.value.code == "SAME_TEAM"
        with pytest.raises(DomainError) as itself:
            await features.add_dependency(uow, a.id, a.id)
        assert itself.value.code == "SELF_DEPENDENCY"
        await features.add_dependency(uow, a.id, b.id)
        await uow.commit()
        assert [r.action for r in await world.audit(a.id)] == ["feature.create"]
        deleted = world.uow()
        await features.delete_feature(deleted, b.id, b.version)
        await deleted.commit()
        assert [r.action for r in await world.audit(b.id)] == ["feature.create", "feature.delete"]

    async def test_a_team_plans_on_its_own_bus_trains(self, world: TrainsWorld) -> None:
        _, pis = await world.train()
        with pytest.raises(DomainError) as caught:
            await features.create_feature(
                world.uow(), cmd.CreateFeature(world.teams["r"], pis[0].id, "Retail thing")
            )
        assert caught.value.code == "NOT_IN_BUSINESS_UNIT"


class TestIntegrationGate:
    async def test_the_gate_opens_after_the_window_with_all_suites_passed(
        self, world: TrainsWorld
    ) -> None:
        now = world.clock.now()
        _, pis = await world.train(starts_on=date(2026, 11, 23))
        departures = await repository.departures_of_pis(world.session, [pis[0].id])
        departure = next(d for d in departures if d.departs_at > now + timedelta(days=2))
        uow = world.uow()
        window = await integration.schedule_window(
            uow,
            cmd.ScheduleIntegration(
                departure.id, now - timedelta(hours=2), now + timedelta(hours=1), [world.teams["a"]]
            ),
        )
        await integration.record_result(uow, cmd.RecordResult(window.id, "e2e", True))
        await uow.commit()
        assert not (await integration_gate(world.session, departure.id, now)).passed
        later = await integration_gate(world.session, departure.id, now + timedelta(hours=2))
        assert later.passed and "all 1 suites passed" in later.reason
        assert [r.action for r in await world.audit(window.id)] == ["integration_window.schedule"]
