"""Free texts are bounded by the use cases themselves, whatever transport calls them."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from authz.authorizer import CasbinAuthorizer
from domain.kernel.access import SYSTEM_ACTOR
from domain.kernel.errors import DomainError
from domain.kernel.rules import TEXT_MAX
from domain.organization import commands as cmd
from domain.organization import service
from tests.world import World
from tests.world.world import unit_of_work


@pytest.fixture
def world(session: AsyncSession, now: datetime) -> World:
    return World(session, now)


class TestDescriptionsAreBounded:
    async def test_a_business_unit_described_past_the_limit_is_refused(self, world: World) -> None:
        uow = unit_of_work(
            world.session, SYSTEM_ACTOR, clock=world.clock, authorizer=CasbinAuthorizer()
        )
        key = f"bu{uuid.uuid4().hex[:8]}"
        long = cmd.CreateBusinessUnit(key=key, name="Big", description="x" * (TEXT_MAX + 1))
        with pytest.raises(DomainError) as caught:
            await service.create_business_unit(uow, long)
        assert (caught.value.code, caught.value.field) == ("BAD_USER_INPUT", "description")
        fits = cmd.CreateBusinessUnit(key=key, name="Big", description=" " + "x" * TEXT_MAX)
        bu = await service.create_business_unit(uow, fits)
        assert bu.description == "x" * TEXT_MAX
