"""The freezes binding changes of many releases (`facts.freezes_binding_changes`): each change
loses the freezes an approved exception of its own release lets through, no other's. The value
stream reads it, so a change excepted from a freeze is not counted as waiting for it."""

from __future__ import annotations

import uuid

from domain.calendar import commands as cmd
from domain.calendar import exceptions
from domain.calendar.facts import FreezeTarget, freezes_binding_changes
from tests.domain.calendar.conftest import CalendarWorld, at


class TestEachChangeLosesOnlyItsOwnReleasesExceptions:
    async def test_the_excepted_release_is_through_the_other_and_the_unknown_are_not(
        self, world: CalendarWorld
    ) -> None:
        lucky, other = await world.release("Card fix"), await world.release("Rewards")
        window = await world.plan(
            release_id=lucky, environment="production", starts_at=at(20, 10), ends_at=at(20, 12)
        )
        freeze = await world.freeze(
            title="Holiday freeze", scope="bu", bu_id=world.bu, starts_at=at(19), ends_at=at(23)
        )
        uow = world.uow("rita")
        asked = await exceptions.request_exception(
            uow, cmd.RequestException(freeze.id, window.window.id, "Card scheme mandate")
        )
        await uow.commit()
        uow = world.uow("carol")
        await exceptions.decide_exception(uow, cmd.DecideException(asked.id, True))
        await uow.commit()

        service = uuid.uuid4()
        targets = [
            FreezeTarget(world.bu, service, "production", "tier_1", release)
            for release in (lucky, other, None)
        ]
        hits = await freezes_binding_changes(world.session, targets, at(20, 9), at(20, 11))
        assert [[h.freeze_id for h in found] for found in hits] == [[], [freeze.id], [freeze.id]]
