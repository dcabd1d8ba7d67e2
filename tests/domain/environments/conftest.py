"""Environment fixtures: two BUs, a team and people as rows; use cases through units of work.

Every test runs in a rolled-back transaction on SQLite and PostgreSQL, except the race test,
which needs real concurrent transactions on the `database` fixture.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import catalog, reservations, snapshots
from domain.environments import commands as cmd
from domain.environments.models import Environment
from tests.world import World, unique

HOUR = timedelta(hours=1)


class EnvironmentsWorld(World):
    bu: uuid.UUID
    other_bu: uuid.UUID
    team: uuid.UUID

    async def environment(self, **kw: Any) -> Environment:
        values: dict[str, Any] = {
            "key": unique("env"),
            "name": "Staging",
            "kind": "staging",
            "bu_id": self.bu,
        }
        values.update(kw)
        return await self.run(catalog.create_environment, cmd.CreateEnvironment(**values))

    async def reserve(
        self, env: Environment, start: datetime, end: datetime, who: str = "rita", **kw: Any
    ) -> reservations.ReservationResult:
        values: dict[str, Any] = {
            "environment_id": env.id,
            "holder_kind": "train",
            "holder_id": uuid.uuid4(),
            "mode": "exclusive",
            "starts_at": start,
            "ends_at": end,
        }
        values.update(kw)
        request = cmd.RequestReservation(**values)
        result = await self.run(reservations.request_reservation, request, who=who)
        # Requests a moment apart, so FIFO order is the order of the calls.
        self.clock.advance(timedelta(seconds=1))
        return result

    async def release(self, reservation_id: uuid.UUID, version: int, **kw: Any) -> Any:
        release = cmd.ReleaseReservation(reservation_id, version, **kw)
        return await self.run(reservations.release_reservation, release)

    async def cancel(self, reservation_id: uuid.UUID, version: int) -> Any:
        return await self.run(reservations.cancel_reservation, reservation_id, version)

    async def report(self, env: Environment, **kw: Any) -> snapshots.ReportedSnapshot:
        report = cmd.ReportSnapshot(environment_id=env.id, **kw)
        found = await self.run(snapshots.report_snapshot, report)
        self.clock.advance(timedelta(seconds=1))
        return found


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> EnvironmentsWorld:
    world = EnvironmentsWorld(session, now)
    org = await world.add.org("rita", "bob")
    world.bu, world.other_bu, world.team = org.bu.id, org.other_bu.id, org.team.id
    return world
