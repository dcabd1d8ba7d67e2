"""Quarterly alignment: recorded with its ranking, and used to say which release should move."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.calendar import alignment
from domain.calendar import commands as cmd
from domain.calendar.rules import RankEntry
from domain.kernel.errors import DomainError
from tests.domain.calendar.conftest import CalendarWorld, at


async def record(world: CalendarWorld, quarter: str, *ranked: object) -> None:
    world.clock.advance(timedelta(minutes=1))  # each alignment is newer than the last
    uow = world.uow()
    await alignment.record_alignment(
        uow,
        cmd.RecordAlignment(
            quarter=quarter,
            ranking=[RankEntry(r, i + 1, "why") for i, r in enumerate(ranked)],  # type: ignore[arg-type]
            agreed_by=[world.people["bob"].id],
            bu_id=world.bu,
        ),
    )
    await uow.commit()


class TestTheNewestAlignmentSaysWhoMoves:
    async def test_the_lower_ranked_release_should_move(self, world: CalendarWorld) -> None:
        first, second = await world.release("Payments core"), await world.release("Rewards")
        await record(world, "2026-Q4", second, first)
        await record(world, "2026-Q4", first, second)  # the newest one counts
        await world.plan(
            release_id=first,
            service_ids=[world.services["api"]],
            starts_at=at(5, 10),
            ends_at=at(5, 12),
        )
        planned = await world.plan(
            release_id=second,
            service_ids=[world.services["web"]],
            starts_at=at(5, 11),
            ends_at=at(5, 13),
        )
        [conflict] = planned.conflicts
        assert conflict.should_move == second
        assert conflict.advice == "The 2026-Q4 alignment ranks 'Rewards' lower: it should move."

    async def test_without_a_ranking_of_both_nobody_is_named(self, world: CalendarWorld) -> None:
        first, second = await world.release("A"), await world.release("B")
        await record(world, "2026-Q4", first)
        await world.plan(
            release_id=first,
            service_ids=[world.services["api"]],
            starts_at=at(6, 10),
            ends_at=at(6, 12),
        )
        planned = await world.plan(
            release_id=second,
            service_ids=[world.services["web"]],
            starts_at=at(6, 11),
            ends_at=at(6, 13),
        )
        assert planned.conflicts[0].should_move is None


class TestRecordingAnAlignment:
    async def test_it_is_audited(self, world: CalendarWorld) -> None:
        release = await world.release()
        uow = world.uow()
        made = await alignment.record_alignment(
            uow,
            cmd.RecordAlignment(
                "2026-q4", [RankEntry(release, 1, "Revenue")], [world.people["bob"].id], world.bu
            ),
        )
        await uow.commit()
        assert made.quarter == "2026-Q4"
        assert [r.action for r in await world.audit(made.id)] == ["alignment.record"]

    async def test_a_release_of_another_unit_is_refused(self, world: CalendarWorld) -> None:
        release = await world.release(bu=world.other_bu)
        with pytest.raises(DomainError) as refused:
            await alignment.record_alignment(
                world.uow(),
                cmd.RecordAlignment(
                    "2026-Q4", [RankEntry(release, 1)], [world.people["bob"].id], world.bu
                ),
            )
        assert refused.value.code == "NOT_IN_BUSINESS_UNIT"
