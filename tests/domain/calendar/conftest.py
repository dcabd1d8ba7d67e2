"""Calendar fixtures: a small organization made of rows, releases as rows, use cases through
units of work.

Releases are inserted as governance rows directly (the governance use cases are another
context's); every test runs in a rolled-back transaction on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import commands as cmd
from domain.calendar import freezes, windows
from domain.calendar.models import Freeze
from tests.world import World

HOUR = timedelta(hours=1)


def at(day: int, hour: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


class CalendarWorld(World):
    bu: uuid.UUID
    other_bu: uuid.UUID
    services: dict[str, uuid.UUID]

    async def release(self, title: str = "Release", bu: uuid.UUID | None = None) -> uuid.UUID:
        made = await self.add.release(bu or self.bu, owner="rita", title=title, status="approved")
        return made.id

    async def plan(self, who: str = "rita", **kw: Any) -> windows.WindowResult:
        values: dict[str, Any] = {"bu_id": self.bu, "kind": "maintenance", "title": "Window"}
        values.update(kw)
        if values.get("release_id") is not None:
            values["kind"] = "release"
        return await self.run(windows.plan_window, cmd.PlanWindow(**values), who=who)

    async def freeze(self, *, approve: bool = True, **kw: Any) -> Freeze:
        values: dict[str, Any] = {
            "title": "Freeze",
            "scope": "org",
            "stakeholder_ids": [self.people["bob"].id],
        }
        values.update(kw)
        freeze = await self.run(freezes.propose_freeze, cmd.ProposeFreeze(**values))
        if approve:
            for person_id in values["stakeholder_ids"]:
                who = next(k for k, p in self.people.items() if p.id == person_id)
                decision = cmd.DecideFreeze(freeze_id=freeze.id, approve=True)
                freeze = await self.run(freezes.decide_freeze, decision, who=who)
        return freeze


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> CalendarWorld:
    """Two BUs; services api, db, web, cache, batch; web → api → db; people rita, bob, carol."""
    world = CalendarWorld(session, now)
    org = await world.add.org("rita", "bob", "carol")
    world.bu, world.other_bu = org.bu.id, org.other_bu.id
    tiers = {"api": "critical", "db": "critical", "web": "customer_facing"}
    world.services = {
        name: (await world.add.service(org.team, name, tier=tiers.get(name, "internal"))).id
        for name in ("api", "db", "web", "cache", "batch")
    }
    for consumer, provider in (("web", "api"), ("api", "db")):
        await world.add.depend(world.services[consumer], world.services[provider])
    return world
