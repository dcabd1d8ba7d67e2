"""Guardrail fixtures: two BUs with a team each, a service per tier, people, units of work.

Each test starts from a pristine guardrails state (no saved set: built-in defaults at version
0): rows the session-scoped API tests committed are deleted inside the rolled-back
transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import commands as cmd
from domain.guardrails import onboarding, sets
from domain.guardrails.models import GuardrailSet, GuardrailSetVersion, OnboardingCheck
from domain.organization.models import BusinessUnit
from tests.world import World

DAY = timedelta(days=1)


class GuardrailsWorld(World):
    bu: BusinessUnit
    other_bu: BusinessUnit
    team: uuid.UUID
    other_team: uuid.UUID
    services: dict[str, uuid.UUID]

    async def _saved(self, use_case: Any, command: Any) -> Any:
        saved = await self.run(use_case, command)
        self.clock.advance(DAY)
        return saved

    async def save_core(self, values: dict[str, Any], version: int, note: str = "tighten") -> Any:
        return await self._saved(sets.save_core, cmd.SaveCore(values, version, note))

    async def save_bu(
        self, values: dict[str, Any], version: int, bu: uuid.UUID | None = None
    ) -> Any:
        command = cmd.SaveBusinessUnitSet(bu or self.bu.id, values, version, "BU policy")
        return await self._saved(sets.save_business_unit_set, command)

    async def save_profile(self, tier: str, values: dict[str, Any], version: int) -> Any:
        return await self._saved(
            sets.save_profile, cmd.SaveProfile(tier, values, version, "profile")
        )

    async def complete(self, item: str, version: int = 0, team: uuid.UUID | None = None) -> Any:
        command = cmd.CompleteOnboardingItem(
            team or self.team, item, version, evidence_url=f"https://wiki.example/{item}"
        )
        return await self.run(onboarding.complete_item, command)


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> GuardrailsWorld:
    """Payments (team core; services critical, customer_facing, internal) and Retail (a team)."""
    for table in (GuardrailSetVersion, GuardrailSet, OnboardingCheck):
        await session.execute(delete(table))
    world = GuardrailsWorld(session, now)
    org = await world.add.org("rita", "bob")
    world.bu, world.other_bu, world.team = org.bu, org.other_bu, org.team.id
    world.other_team = (await world.add.team(org.other_bu.id)).id
    world.services = {
        tier: (await world.add.service(org.team, tier, tier=tier)).id
        for tier in ("critical", "customer_facing", "internal")
    }
    return world
