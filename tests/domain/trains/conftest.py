"""Trains fixtures: two BUs with teams, people, a fixed clock and units of work."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.trains import commands as cmd
from domain.trains import trains
from domain.trains.cadence import Cadence
from domain.trains.models import ProgramIncrement, Train
from tests.world import World


class TrainsWorld(World):
    bu: uuid.UUID
    other_bu: uuid.UUID
    teams: dict[str, uuid.UUID]

    async def train(
        self, starts_on: date = date(2026, 12, 7), pis: int = 2, bu: uuid.UUID | None = None
    ) -> tuple[Train, list[ProgramIncrement]]:
        uow = self.uow()
        train = await trains.create_train(
            uow,
            cmd.CreateTrain(
                bu_id=bu or self.bu,
                key=f"t-{uuid.uuid4().hex[:8]}",
                name="Train",
                product_domain="payments",
                cadence=Cadence("weekly", "17:00", "Europe/Amsterdam", weekday=4),
            ),
        )
        made = await trains.create_pis(
            uow, cmd.CreatePi(train.id, 2, 2, starts_on=starts_on, count=pis)
        )
        await trains.generate_departures(
            uow, cmd.GenerateDepartures(train.id, made[0].id, made[-1].id)
        )
        await uow.commit()
        return train, made


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> TrainsWorld:
    """BUs payments (teams a, b, c) and retail (team r); rita; the clock at `now`."""
    world = TrainsWorld(session, now)
    payments, retail = await world.add.bu("Payments"), await world.add.bu("Retail")
    world.bu, world.other_bu = payments.id, retail.id
    world.teams = {
        key: (await world.add.team(bu, key, name=key)).id
        for key, bu in (
            ("a", payments.id),
            ("b", payments.id),
            ("c", payments.id),
            ("r", retail.id),
        )
    }
    await world.add.person("rita")
    return world
