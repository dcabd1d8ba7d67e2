"""Two writers racing for an environment's last capacity: exactly one wins.

Real concurrent transactions on the `database` fixture (committed, with fresh keys): the
environment row lock (PostgreSQL) or BEGIN IMMEDIATE (SQLite) serializes them.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

from domain.environments import catalog, reservations
from domain.environments import commands as cmd
from domain.environments.models import Environment
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.db import Database
from domain.kernel.uow import UnitOfWork
from tests.domain.environments.conftest import HOUR
from tests.world import World, unit_of_work

RACER = Actor(person_id=None, username="racer", display_name="Racer", subjects=("racer",))


def racing(database: Database, clock: FixedClock) -> UnitOfWork:
    """A unit of work in a transaction of its own."""
    return unit_of_work(database.write_session(), RACER, clock=clock)


class TestRacingForTheLastCapacity:
    async def test_two_concurrent_requests_for_the_last_slot_do_not_both_win(
        self, database: Database, now: datetime
    ) -> None:
        clock = FixedClock(now)
        async with database.write_session() as session:
            bu_id = (await World(session, now).add.bu("Race")).id
            await session.commit()
        async with racing(database, clock) as uow:
            env = await catalog.create_environment(
                uow,
                cmd.CreateEnvironment(
                    key=f"race-{uuid.uuid4().hex[:8]}",
                    name="Race",
                    kind="staging",
                    capacity=2,
                    bu_id=bu_id,
                ),
            )
            await uow.commit()
        env_id = env.id
        shared = {"environment_id": env_id, "mode": "shared", "holder_kind": "train"}
        async with racing(database, clock) as uow:
            await reservations.request_reservation(
                uow,
                cmd.RequestReservation(
                    holder_id=uuid.uuid4(), starts_at=now, ends_at=now + HOUR, **shared
                ),
            )
            await uow.commit()

        async def racer() -> str:
            async with racing(database, clock) as uow:
                result = await reservations.request_reservation(
                    uow,
                    cmd.RequestReservation(
                        holder_id=uuid.uuid4(), starts_at=now, ends_at=now + HOUR, **shared
                    ),
                )
                await uow.commit()
                return result.reservation.status

        statuses = await asyncio.gather(racer(), racer(), racer())
        assert sorted(statuses) == ["granted", "queued", "queued"]
        async with database.read_session() as session:
            assert (await session.get(Environment, env_id)) is not None
