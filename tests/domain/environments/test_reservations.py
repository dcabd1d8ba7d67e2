"""Reservations: contention detection, the FIFO queue, and promotion when holders leave."""

from __future__ import annotations

import uuid

import pytest

from domain.environments import queries
from domain.kernel.errors import DomainError
from tests.domain.environments.conftest import HOUR, EnvironmentsWorld


class TestContention:
    async def test_two_trains_on_one_staging_environment_contend_and_queue(
        self, world: EnvironmentsWorld
    ) -> None:
        staging = await world.environment(kind="staging", capacity=1)
        now = world.clock.now()
        first = await world.reserve(staging, now + HOUR, now + 5 * HOUR, holder_label="Train A")
        second = await world.reserve(
            staging, now + 3 * HOUR, now + 8 * HOUR, holder_label="Train B"
        )
        assert first.reservation.status == "granted" and first.contention == []
        assert second.reservation.status == "queued"
        assert second.queue_position == 1
        (blocker,) = second.contention
        assert (blocker.reservation_id, blocker.reason) == (first.reservation.id, "exclusive")
        assert blocker.holder_label == "Train A"
        assert "Train A" in blocker.message

    async def test_shared_reservations_fill_the_capacity_then_queue(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(capacity=2)
        now = world.clock.now()
        a = await world.reserve(env, now + HOUR, now + 4 * HOUR, mode="shared")
        b = await world.reserve(env, now + 2 * HOUR, now + 5 * HOUR, mode="shared")
        c = await world.reserve(env, now + 3 * HOUR, now + 6 * HOUR, mode="shared")
        d = await world.reserve(env, now + 6 * HOUR, now + 7 * HOUR, mode="shared")
        assert [r.reservation.status for r in (a, b, c, d)] == [
            "granted",
            "granted",
            "queued",
            "granted",
        ]
        assert {x.reason for x in c.contention} == {"capacity"}

    async def test_a_later_request_does_not_jump_the_queue(self, world: EnvironmentsWorld) -> None:
        env = await world.environment(capacity=2)
        now = world.clock.now()
        await world.reserve(env, now + HOUR, now + 3 * HOUR, mode="shared")
        await world.reserve(env, now + HOUR, now + 3 * HOUR, mode="exclusive")
        late = await world.reserve(env, now + 2 * HOUR, now + 3 * HOUR, mode="shared")
        assert late.reservation.status == "queued"
        assert late.queue_position == 2
        assert [x.reason for x in late.contention][-1] == "queued_ahead"

    async def test_a_team_holder_must_exist(self, world: EnvironmentsWorld) -> None:
        env = await world.environment()
        now = world.clock.now()
        with pytest.raises(DomainError) as e:
            await world.reserve(env, now, now + HOUR, holder_kind="team", holder_id=uuid.uuid4())
        assert e.value.code == "NOT_FOUND"
        made = await world.reserve(env, now, now + HOUR, holder_kind="team", holder_id=world.team)
        assert made.reservation.holder_label == "Core"

    async def test_an_org_wide_environment_is_reserved_on_behalf_of_a_bu(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(bu_id=None)
        now = world.clock.now()
        with pytest.raises(DomainError) as e:
            await world.reserve(env, now, now + HOUR)
        assert e.value.code == "BUSINESS_UNIT_REQUIRED"
        made = await world.reserve(env, now, now + HOUR, bu_id=world.bu)
        assert made.reservation.bu_id == world.bu


class TestPromotion:
    async def test_releasing_promotes_the_next_in_line_in_the_same_unit_of_work(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(capacity=1)
        now = world.clock.now()
        held = await world.reserve(env, now, now + 4 * HOUR)
        waiting = await world.reserve(env, now + HOUR, now + 5 * HOUR)
        behind = await world.reserve(env, now + 2 * HOUR, now + 6 * HOUR)
        result = await world.release(held.reservation.id, 1)
        assert result.reservation.status == "released"
        assert [p.id for p in result.promoted] == [waiting.reservation.id]
        assert waiting.reservation.status == "granted"
        assert behind.reservation.status == "queued"
        records = await world.audit(waiting.reservation.id)
        assert [r.action for r in records] == ["reservation.request", "reservation.promote"]
        assert records[-1].rule.startswith("queue promotion after:")
        (released,) = [
            r for r in await world.audit(held.reservation.id) if r.action != "reservation.request"
        ]
        assert released.action == "reservation.release"

    async def test_cancelling_a_queued_request_moves_the_one_behind_up(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(capacity=1)
        now = world.clock.now()
        await world.reserve(env, now, now + 4 * HOUR)
        second = await world.reserve(env, now + HOUR, now + 5 * HOUR)
        third = await world.reserve(env, now + 2 * HOUR, now + 6 * HOUR)
        reader = world.reader()
        ids = [second.reservation.id, third.reservation.id]
        before = await queries.queue_positions(reader, ids, world.clock.now())
        assert before == {second.reservation.id: 1, third.reservation.id: 2}
        result = await world.cancel(second.reservation.id, 1)
        assert result.reservation.status == "cancelled" and result.promoted == []
        after = await queries.queue_positions(reader, ids, world.clock.now())
        assert after == {third.reservation.id: 1}

    async def test_shortening_a_reservation_promotes_what_now_fits(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(capacity=1)
        now = world.clock.now()
        held = await world.reserve(env, now, now + 4 * HOUR)
        later = await world.reserve(env, now + 3 * HOUR, now + 6 * HOUR)
        result = await world.release(held.reservation.id, 1, at=now + 3 * HOUR)
        assert result.reservation.status == "granted"
        assert result.reservation.ends_at == now + 3 * HOUR
        assert [p.id for p in result.promoted] == [later.reservation.id]
        assert [r.action for r in await world.audit(held.reservation.id)][-1] == (
            "reservation.shorten"
        )

    async def test_only_a_granted_reservation_is_released(self, world: EnvironmentsWorld) -> None:
        env = await world.environment(capacity=1)
        now = world.clock.now()
        await world.reserve(env, now, now + HOUR)
        queued = await world.reserve(env, now, now + HOUR)
        with pytest.raises(DomainError) as e:
            await world.release(queued.reservation.id, 1)
        assert e.value.code == "RESERVATION_NOT_GRANTED"
