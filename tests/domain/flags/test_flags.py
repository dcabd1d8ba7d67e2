"""Flag use cases on the database: production flips, approval, the kill switch, stale flags,
and the snapshot cache (revision checks, batching of last-evaluated times)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.flags import changes, flags, queries
from domain.flags import commands as cmd
from domain.flags.definitions import EnvironmentState
from domain.flags.evaluation import evaluate
from domain.flags.events import FlagFlipped, FlagsChanged
from domain.flags.models import FlagEvaluation
from domain.flags.snapshots import SnapshotCache
from domain.flags.targeting import context_from
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from tests.domain.flags.conftest import FlagsWorld

ON = EnvironmentState(True)


class Recorder:
    def __init__(self, world: FlagsWorld) -> None:
        self.world = world
        self.events: list[object] = []

    def uow(self, who: str = "rita") -> UnitOfWork:
        return self.world.uow(who, after_commit=self.heard)

    async def heard(self, events: list[object]) -> None:
        self.events.extend(events)

    async def run(self, use_case: Any, who: str = "rita") -> Any:
        uow = self.uow(who)
        result = await use_case(uow)
        await uow.commit()
        return result

    async def flag(self, service: str = "cache", kind: str = "release") -> Any:
        expiry = self.world.clock.now() + timedelta(days=30)
        c = cmd.CreateFlag(
            service_id=self.world.services[service],
            key=f"f-{uuid.uuid4().hex[:8]}",
            name="Flag",
            kind=kind,
            value_type="boolean",
            expires_at=expiry if kind in ("release", "experiment") else None,
        )
        return await self.run(lambda uow: flags.create_flag(uow, c))

    async def set(self, flag: Any, environment: str, who: str = "rita", **kw: Any) -> Any:
        c = cmd.SetState(flag.id, environment, kw.pop("state", ON), **kw)
        return await self.run(lambda uow: changes.set_state(uow, c), who)


@pytest.fixture
def rec(world: FlagsWorld) -> Recorder:
    return Recorder(world)


class TestProductionFlips:
    async def test_a_production_change_announces_a_flip_and_staging_does_not(
        self, rec: Recorder
    ) -> None:
        flag = await rec.flag()
        await rec.set(flag, "staging")
        changed = FlagsChanged((flag.key,))
        assert rec.events == [changed, changed]  # created, then set: evaluation must see both
        await rec.set(flag, "production-eu")
        flips = [e for e in rec.events if isinstance(e, FlagFlipped)]
        assert [(f.environment, f.enabled, f.production) for f in flips] == [
            ("production-eu", True, True)
        ]

    async def test_a_critical_service_waits_and_flips_on_approval(self, rec: Recorder) -> None:
        flag = await rec.flag(service="api")
        asked = await rec.set(flag, "production")
        created = [FlagsChanged((flag.key,))]  # a pending change changes no evaluation
        assert (asked.change.status, asked.state, rec.events) == ("pending", None, created)
        with pytest.raises(DomainError) as own:
            await rec.run(
                lambda uow: changes.decide_change(uow, cmd.DecideChange(asked.change.id, True))
            )
        assert own.value.code == "SELF_APPROVAL"
        done = await rec.run(
            lambda uow: changes.decide_change(uow, cmd.DecideChange(asked.change.id, True)), "bob"
        )
        assert done.state.enabled and done.change.status == "applied"
        assert [type(e) for e in rec.events] == [FlagsChanged, FlagFlipped, FlagsChanged]

    async def test_an_outdated_change_is_not_applied(self, rec: Recorder) -> None:
        flag = await rec.flag(service="api")
        first = await rec.set(flag, "production")
        second = await rec.set(flag, "production", state=EnvironmentState(False))
        await rec.run(
            lambda uow: changes.decide_change(uow, cmd.DecideChange(second.change.id, True)), "bob"
        )
        with pytest.raises(DomainError) as outdated:
            await rec.run(
                lambda uow: changes.decide_change(uow, cmd.DecideChange(first.change.id, True)),
                "bob",
            )
        assert outdated.value.code == "CHANGE_OUTDATED"


class TestKill:
    async def test_turns_everything_off_without_approval_and_flips_production(
        self, rec: Recorder, world: FlagsWorld
    ) -> None:
        flag = await rec.flag(service="api")
        await rec.set(flag, "staging")
        asked = await rec.set(flag, "production")
        await rec.run(
            lambda uow: changes.decide_change(uow, cmd.DecideChange(asked.change.id, True)), "bob"
        )
        rec.events.clear()
        killed = await rec.run(lambda uow: flags.kill_flag(uow, cmd.KillFlag(flag.id, "Errors")))
        assert killed.killed_at is not None
        flip, changed = rec.events
        assert isinstance(flip, FlagFlipped) and (flip.environment, flip.enabled) == (
            "production",
            False,
        )
        assert changed == FlagsChanged((flag.key,))
        audit = [r.action for r in await world.audit(flag.id)]
        assert audit[-1] == "flag.kill" and "flag.change_approve" in audit


class TestStaleFlags:
    async def test_reports_expired_and_unused_flags(self, rec: Recorder, world: FlagsWorld) -> None:
        flag = await rec.flag()
        reader = world.reader()
        later = world.clock.now() + timedelta(days=40)
        found = await queries.stale_flags(
            reader, now=later, rolled_out_days=14, unevaluated_days=30
        )
        mine = next(s for s in found if s.flag.id == flag.id)
        assert mine.reasons == ["expired", "not_evaluated"]


def sessions(session: AsyncSession) -> Any:
    @asynccontextmanager
    async def factory() -> AsyncIterator[AsyncSession]:
        yield session

    return factory


class TestSnapshotCache:
    async def test_an_unknown_environment_is_not_kept_until_the_catalog_knows_it(
        self, rec: Recorder, world: FlagsWorld
    ) -> None:
        flag = await rec.flag()
        await rec.set(flag, "staging")
        catalog: set[str] = set()

        async def catalogued(_session: AsyncSession, environment: str) -> bool:
            return environment in catalog

        cache = SnapshotCache(sessions(world.session), rec.run, catalogued=catalogued, ttl=3600)
        for _ in range(2):
            unknown = await cache.snapshot("qa-7")
            assert not unknown.known and unknown.flags == {}
        assert cache.builds == 2  # asked again each time: never kept
        catalog.add("qa-7")
        known = await cache.snapshot("qa-7")
        assert known.known and flag.key in known.flags
        assert await cache.snapshot("qa-7") is known and cache.builds == 3
        assert (await cache.snapshot("staging")).known  # named by a flag state

    async def test_rebuilds_when_the_revision_moves_and_batches_evaluations(
        self, rec: Recorder, world: FlagsWorld
    ) -> None:
        flag = await rec.flag()
        await rec.set(flag, "staging")
        cache = SnapshotCache(sessions(world.session), rec.run, ttl=3600)
        first = await cache.snapshot("staging")
        assert await cache.snapshot("staging") is first and cache.builds == 1
        ctx = context_from("u1", {}, world.clock.now())
        assert evaluate(first.flags[flag.key].compiled, ctx).variant == "on"
        await rec.set(flag, "staging", state=EnvironmentState(False), version=1)
        assert await cache.snapshot("staging") is first  # within the TTL, not invalidated
        cache.invalidate()
        second = await cache.snapshot("staging")
        assert (
            second is not first and evaluate(second.flags[flag.key].compiled, ctx).variant == "off"
        )
        for _ in range(1000):
            cache.note([flag.id], "staging")
        assert await cache.flush(world.clock.now()) == 1
        assert await cache.flush(world.clock.now()) == 0
        cache.note([flag.id], "staging")
        assert await cache.flush(world.clock.now()) == 0  # already written this hour
        rows = await world.session.scalar(
            select(func.count())
            .select_from(FlagEvaluation)
            .where(FlagEvaluation.flag_id == flag.id)
        )
        assert rows == 1
