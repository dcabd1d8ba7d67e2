"""Concurrent activations: real transactions on the `database` fixture, committed, fresh keys.

The pipeline row lock (PostgreSQL) or BEGIN IMMEDIATE (SQLite) serializes reviewers; a review
that read a version before another activated it fails on the version column. Either way a
pipeline never has two active versions.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

from sqlalchemy import select

from domain.kernel.clock import FixedClock
from domain.kernel.db import Database
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization.models import Person
from domain.pipelines import definition_commands as cmd
from domain.pipelines import definitions
from domain.pipelines.definition_models import DefinitionVersion
from tests.domain.pipelines.test_definition_world import V1, V2, V3
from tests.world import World, actor_of, unit_of_work


def racing(database: Database, clock: FixedClock, person: Person) -> UnitOfWork:
    """A unit of work of `person` in a transaction of its own."""
    return unit_of_work(database.write_session(), actor_of(person), clock=clock)


async def setup(database: Database, now: datetime) -> tuple[uuid.UUID, list[Person]]:
    async with database.write_session() as session:
        world = World(session, now)
        team = await world.add.team((await world.add.bu("Race")).id, "racers", name="Racers")
        people = [await world.add.person(f"racer{n}") for n in range(3)]
        await session.commit()
    return team.id, people


async def proposed(
    database: Database, clock: FixedClock, team_id: uuid.UUID, people: list[Person]
) -> list[uuid.UUID]:
    """A pipeline with V1 active and V2, V3 proposed (all by the first person)."""
    author, reviewer = people[0], people[1]
    async with racing(database, clock, author) as uow:
        pipeline = await definitions.create_pipeline(
            uow, cmd.CreatePipeline(team_id=team_id, key="deploy", name="Deploy")
        )
        versions = [
            (
                await definitions.register_definition(uow, cmd.RegisterDefinition(pipeline.id, s))
            ).version.id
            for s in (V1, V2, V3)
        ]
        await uow.commit()
    async with racing(database, clock, reviewer) as uow:
        await definitions.review_definition(uow, cmd.ReviewDefinition(versions[0], "approve"))
        await uow.commit()
    return versions


async def approve(
    database: Database, clock: FixedClock, person: Person, version_id: uuid.UUID
) -> str:
    try:
        async with racing(database, clock, person) as uow:
            await definitions.review_definition(uow, cmd.ReviewDefinition(version_id, "approve"))
            await uow.commit()
            return "approved"
    except DomainError as exc:
        return str(exc.code)


async def statuses(database: Database, ids: list[uuid.UUID]) -> list[str]:
    async with database.read_session() as session:
        rows = await session.scalars(select(DefinitionVersion).where(DefinitionVersion.id.in_(ids)))
        by_id = {v.id: v.status for v in rows}
    return [by_id[i] for i in ids]


class TestConcurrentActivations:
    async def test_two_reviewers_approving_the_same_version_activate_it_once(
        self, database: Database, now: datetime
    ) -> None:
        clock = FixedClock(now)
        team_id, people = await setup(database, now)
        v1, v2, _ = await proposed(database, clock, team_id, people)
        results = await asyncio.gather(
            approve(database, clock, people[1], v2), approve(database, clock, people[2], v2)
        )
        assert results.count("approved") == 1
        (loser,) = [r for r in results if r != "approved"]
        assert loser in {"VERSION_CONFLICT", "DEFINITION_NOT_PROPOSED"}
        assert await statuses(database, [v1, v2]) == ["superseded", "active"]

    async def test_two_versions_approved_at_once_leave_exactly_one_active(
        self, database: Database, now: datetime
    ) -> None:
        clock = FixedClock(now)
        team_id, people = await setup(database, now)
        v1, v2, v3 = await proposed(database, clock, team_id, people)
        await asyncio.gather(
            approve(database, clock, people[1], v2), approve(database, clock, people[2], v3)
        )
        found = await statuses(database, [v1, v2, v3])
        assert found.count("active") == 1
        assert found[0] == "superseded"
