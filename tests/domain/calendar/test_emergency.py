"""The emergency path during a freeze: a hotfix's window and its exception in one step."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.calendar import commands as cmd
from domain.calendar import emergency, exceptions, queries, scheduling
from domain.calendar.models import DeploymentWindow, Freeze, FreezeException
from domain.calendar.rules import ConflictKind, ConflictsFound, Severity
from domain.governance import commands as release_commands
from domain.governance.errors import Frozen
from domain.governance.models import Release
from domain.guardrails import sets
from domain.guardrails.commands import SaveBusinessUnitSet
from domain.kernel.errors import DomainError
from tests.domain.calendar.conftest import CalendarWorld, at

SLOT = (at(20, 10), at(20, 12))


async def hotfix(world: CalendarWorld, release_type: str = "hotfix") -> uuid.UUID:
    made = await world.add.release(
        world.bu,
        owner="rita",
        title="Card authorization fix",
        release_type=release_type,
        status="approved",
        services=[world.services["api"]],
    )
    return made.id


async def holiday(world: CalendarWorld) -> Freeze:
    return await world.freeze(
        title="Holiday freeze", scope="bu", bu_id=world.bu, starts_at=at(19), ends_at=at(23)
    )


def in_freeze(
    world: CalendarWorld, release_id: uuid.UUID, freeze: Freeze, **kw: object
) -> cmd.PlanInFreeze:
    window = cmd.PlanWindow(
        bu_id=world.bu,
        kind="release",
        title="Card authorization fix",
        starts_at=SLOT[0],
        ends_at=SLOT[1],
        release_id=release_id,
        service_ids=[world.services["api"]],
    )
    values: dict[str, object] = {"justification": "Card declines in production", **kw}
    return cmd.PlanInFreeze(window=window, freeze_id=freeze.id, **values)  # type: ignore[arg-type]


async def schedule(world: CalendarWorld, release_id: uuid.UUID) -> str:
    release = await world.session.get_one(Release, release_id)
    c = release_commands.ScheduleRelease(release_id, release.version, SLOT[0], SLOT[1])
    return (await world.run(scheduling.schedule_release, c)).status


async def rows_of(world: CalendarWorld, release_id: uuid.UUID) -> tuple[int, int]:
    windows = await world.session.scalar(
        select(func.count()).where(DeploymentWindow.release_id == release_id)
    )
    excepted = await world.session.scalar(
        select(func.count()).where(FreezeException.release_id == release_id)
    )
    return windows or 0, excepted or 0


class TestAHotfixGoesThroughAFreezeInOneStep:
    async def test_the_window_and_the_exception_are_made_together(
        self, world: CalendarWorld
    ) -> None:
        rel, freeze = await hotfix(world), await holiday(world)
        done = await world.run(emergency.plan_hotfix_in_freeze, in_freeze(world, rel, freeze))
        assert done.window.release_id == rel and done.window.kind == "release"
        assert (done.exception.window_id, done.exception.freeze_id) == (done.window.id, freeze.id)
        assert done.exception.status == "requested"
        assert done.exception.expires_at == SLOT[1]
        [conflict] = done.conflicts
        assert (conflict.kind, conflict.severity) == (ConflictKind.FREEZE, Severity.BLOCKING)
        assert conflict.freeze_id == freeze.id
        assert await world.audit_actions(done.window.id) == ["deployment_window.plan"]
        assert await world.audit_actions(done.exception.id) == ["freeze_exception.request"]

    async def test_the_freeze_binds_until_someone_else_approves_then_it_is_scheduled(
        self, world: CalendarWorld
    ) -> None:
        rel, freeze = await hotfix(world), await holiday(world)
        done = await world.run(emergency.plan_hotfix_in_freeze, in_freeze(world, rel, freeze))
        with pytest.raises(Frozen):
            await schedule(world, rel)
        with pytest.raises(DomainError) as refused:
            await world.run(
                exceptions.decide_exception, cmd.DecideException(done.exception.id, True)
            )
        assert refused.value.code == "SELF_APPROVAL"
        await world.run(
            exceptions.decide_exception, cmd.DecideException(done.exception.id, True), who="carol"
        )
        assert await schedule(world, rel) == "scheduled"

    async def test_it_is_listed_for_review_once_its_window_ended(
        self, world: CalendarWorld
    ) -> None:
        rel, freeze = await hotfix(world), await holiday(world)
        done = await world.run(emergency.plan_hotfix_in_freeze, in_freeze(world, rel, freeze))
        await world.run(
            exceptions.decide_exception, cmd.DecideException(done.exception.id, True), who="bob"
        )
        world.clock.advance(SLOT[1] - world.clock.now() + timedelta(minutes=1))
        due = await queries.exceptions_for_review(
            world.reader(), now=world.clock.now(), first=500, after=None
        )
        assert done.exception.id in [r.id for r in due.items]


class TestOnlyAHotfixTakesTheEmergencyPath:
    async def test_a_standard_release_is_refused_and_nothing_is_planned(
        self, world: CalendarWorld
    ) -> None:
        rel, freeze = await hotfix(world, "standard"), await holiday(world)
        with pytest.raises(DomainError) as refused:
            await world.run(emergency.plan_hotfix_in_freeze, in_freeze(world, rel, freeze))
        assert (refused.value.code, refused.value.field) == ("NOT_A_HOTFIX", "releaseId")
        assert await rows_of(world, rel) == (0, 0)

    async def test_another_blocking_conflict_still_refuses(self, world: CalendarWorld) -> None:
        rel = await hotfix(world)
        await world.plan(
            service_ids=[world.services["api"]], starts_at=at(20, 11), ends_at=at(20, 13)
        )
        freeze = await holiday(world)
        with pytest.raises(ConflictsFound) as refused:
            await world.run(emergency.plan_hotfix_in_freeze, in_freeze(world, rel, freeze))
        assert {c.kind for c in refused.value.conflicts} == {
            ConflictKind.SAME_SERVICE,
            ConflictKind.FREEZE,
        }


class TestARefusalHalfWayLeavesNeitherWindowNorException:
    async def test_guardrails_forbidding_exceptions_undo_the_planned_window(
        self, world: CalendarWorld
    ) -> None:
        rel, freeze = await hotfix(world), await holiday(world)
        no_exceptions = SaveBusinessUnitSet(
            world.bu, {"freeze_exceptions_allowed": False}, 0, "Peak season: no exceptions"
        )
        await world.run(sets.save_business_unit_set, no_exceptions)
        with pytest.raises(DomainError) as refused:
            async with world.uow() as uow:
                await emergency.plan_hotfix_in_freeze(uow, in_freeze(world, rel, freeze))
        assert refused.value.code == "FREEZE_EXCEPTIONS_NOT_ALLOWED"
        assert await rows_of(world, rel) == (0, 0)

    async def test_a_bad_expiry_undoes_the_planned_window(self, world: CalendarWorld) -> None:
        rel, freeze = await hotfix(world), await holiday(world)
        late = in_freeze(world, rel, freeze, expires_at=SLOT[1] + timedelta(days=8))
        with pytest.raises(DomainError) as refused:
            async with world.uow() as uow:
                await emergency.plan_hotfix_in_freeze(uow, late)
        assert refused.value.code == "INVALID_EXPIRY"
        assert await rows_of(world, rel) == (0, 0)
