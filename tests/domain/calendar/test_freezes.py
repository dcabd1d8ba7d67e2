"""Freezes in the database: stakeholder approval, when they bind, what they cover, retiring."""

from __future__ import annotations

import pytest

from domain.calendar import commands as cmd
from domain.calendar import freezes
from domain.calendar.freezes import blocking_freezes
from domain.kernel.errors import DomainError
from tests.domain.calendar.conftest import CalendarWorld, at


async def hits(world: CalendarWorld, **kw: object) -> list[freezes.FreezeHit]:
    values: dict = {
        "bu_id": world.bu,
        "service_ids": [],
        "environments": [],
        "tiers": [],
        "starts_at": at(10, 10),
        "ends_at": at(10, 12),
        "release_id": None,
    }
    values.update(kw)
    return await blocking_freezes(world.session, **values)


async def decide(world: CalendarWorld, who: str, freeze_id: object, approve: bool = True) -> None:
    uow = world.uow(who)
    await freezes.decide_freeze(uow, cmd.DecideFreeze(freeze_id, approve=approve))  # type: ignore[arg-type]
    await uow.commit()


class TestOnlyNamedStakeholdersDecide:
    async def test_someone_not_named_is_refused(self, world: CalendarWorld) -> None:
        freeze = await world.freeze(approve=False, starts_at=at(10), ends_at=at(11))
        with pytest.raises(DomainError) as refused:
            await freezes.decide_freeze(
                world.uow("carol"), cmd.DecideFreeze(freeze.id, approve=True)
            )
        assert refused.value.code == "NOT_A_STAKEHOLDER"

    async def test_a_stakeholder_decides_once(self, world: CalendarWorld) -> None:
        people = [world.people["bob"].id, world.people["carol"].id]
        freeze = await world.freeze(
            approve=False, stakeholder_ids=people, starts_at=at(10), ends_at=at(11)
        )
        await decide(world, "bob", freeze.id)
        with pytest.raises(DomainError) as refused:
            await freezes.decide_freeze(world.uow("bob"), cmd.DecideFreeze(freeze.id, approve=True))
        assert refused.value.code == "ALREADY_DECIDED"


class TestAFreezeBindsOnlyWhenEveryStakeholderApproved:
    async def test_one_approval_of_two_does_not_bind(self, world: CalendarWorld) -> None:
        people = [world.people["bob"].id, world.people["carol"].id]
        freeze = await world.freeze(
            approve=False, stakeholder_ids=people, starts_at=at(10), ends_at=at(11)
        )
        await decide(world, "bob", freeze.id)
        assert await hits(world) == []
        await decide(world, "carol", freeze.id)
        assert [h.freeze_id for h in await hits(world)] == [freeze.id]

    async def test_one_rejection_ends_it(self, world: CalendarWorld) -> None:
        people = [world.people["bob"].id, world.people["carol"].id]
        freeze = await world.freeze(
            approve=False, stakeholder_ids=people, starts_at=at(10), ends_at=at(11)
        )
        await decide(world, "bob", freeze.id, approve=False)
        with pytest.raises(DomainError) as refused:
            await freezes.decide_freeze(
                world.uow("carol"), cmd.DecideFreeze(freeze.id, approve=True)
            )
        assert refused.value.code == "FREEZE_NOT_PROPOSED"
        assert await hits(world) == []

    async def test_a_retired_freeze_stops_binding(self, world: CalendarWorld) -> None:
        freeze = await world.freeze(starts_at=at(10), ends_at=at(11))
        uow = world.uow()
        await freezes.retire_freeze(uow, freeze.id, freeze.version)
        await uow.commit()
        assert await hits(world) == []

    async def test_proposal_and_approval_are_audited(self, world: CalendarWorld) -> None:
        freeze = await world.freeze(starts_at=at(10), ends_at=at(11))
        records = await world.audit(freeze.id)
        assert [r.action for r in records] == ["freeze.propose", "freeze.approve"]
        assert records[1].after["status"] == "approved"
        assert records[1].after["stakeholder_id"] == str(world.people["bob"].id)


class TestWhatAFreezeCovers:
    async def test_a_tier_freeze_covers_its_tiers_only(self, world: CalendarWorld) -> None:
        await world.freeze(scope="tier", tiers=["critical"], starts_at=at(10), ends_at=at(11))
        assert len(await hits(world, tiers=["critical"])) == 1
        assert await hits(world, tiers=["internal"]) == []

    async def test_a_services_freeze_covers_its_services_only(self, world: CalendarWorld) -> None:
        api = world.services["api"]
        await world.freeze(
            scope="services", service_ids=[api], bu_id=world.bu, starts_at=at(10), ends_at=at(11)
        )
        assert len(await hits(world, service_ids=[api])) == 1
        assert await hits(world, service_ids=[world.services["web"]]) == []

    async def test_an_environment_freeze_covers_its_environments_only(
        self, world: CalendarWorld
    ) -> None:
        await world.freeze(
            scope="environments", environments=["Production"], starts_at=at(10), ends_at=at(11)
        )
        assert len(await hits(world, environments=["production"])) == 1
        assert await hits(world, environments=["staging"]) == []

    async def test_a_business_unit_freeze_stays_in_its_unit(self, world: CalendarWorld) -> None:
        await world.freeze(scope="bu", bu_id=world.bu, starts_at=at(10), ends_at=at(11))
        assert len(await hits(world)) == 1
        assert await hits(world, bu_id=world.other_bu) == []

    async def test_a_recurring_freeze_binds_on_each_occurrence(self, world: CalendarWorld) -> None:
        await world.freeze(
            starts_at=at(3, 9), ends_at=at(3, 17), tzid="Europe/Amsterdam", rrule="FREQ=WEEKLY"
        )
        assert len(await hits(world, starts_at=at(10, 10), ends_at=at(10, 11))) == 1
        assert await hits(world, starts_at=at(11, 10), ends_at=at(11, 11)) == []


class TestProposalsAreValidated:
    @pytest.mark.parametrize(
        ("kw", "code"),
        [
            ({"rrule": "FREQ=SOMETIMES"}, "INVALID_RRULE"),
            ({"rrule": "FREQ=WEEKLY", "tzid": "Nowhere/Special"}, "INVALID_TIMEZONE"),
            ({"stakeholder_ids": []}, "NO_STAKEHOLDERS"),
            ({"scope": "services"}, "INVALID_SCOPE"),
            ({"scope": "tier", "tiers": ["legendary"]}, "INVALID_SCOPE"),
            ({"scope": "bu"}, "INVALID_SCOPE"),
        ],
    )
    async def test_a_bad_proposal_is_refused_with_its_code(
        self, world: CalendarWorld, kw: dict, code: str
    ) -> None:
        values = {
            "title": "F",
            "scope": "org",
            "starts_at": at(10),
            "ends_at": at(11),
            "stakeholder_ids": [world.people["bob"].id],
            **kw,
        }
        with pytest.raises(DomainError) as refused:
            await freezes.propose_freeze(world.uow(), cmd.ProposeFreeze(**values))
        assert refused.value.code == code
