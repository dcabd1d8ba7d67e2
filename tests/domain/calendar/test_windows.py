"""Deployment windows in the database: each conflict kind, half-open edges, moves, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.calendar import commands as cmd
from domain.calendar import windows
from domain.calendar.models import WindowResource, WindowService
from domain.calendar.rules import ConflictKind, ConflictsFound, Severity
from domain.kernel.errors import DomainError, Forbidden, NotFound, VersionConflict
from tests.domain.calendar.conftest import CalendarWorld, at
from tests.world import OnlyIn


def kinds(result: windows.WindowResult) -> set[tuple[str, str]]:
    return {(str(c.kind), str(c.severity)) for c in result.conflicts}


class TestEachConflictKindIsFound:
    async def test_the_same_service_at_the_same_time_blocks(self, world: CalendarWorld) -> None:
        first = await world.plan(
            service_ids=[world.services["api"]], starts_at=at(1, 10), ends_at=at(1, 12)
        )
        with pytest.raises(ConflictsFound) as refused:
            await world.plan(
                service_ids=[world.services["api"]], starts_at=at(1, 11), ends_at=at(1, 13)
            )
        assert refused.value.code == "CONFLICTS"
        [conflict] = refused.value.conflicts
        assert conflict.kind is ConflictKind.SAME_SERVICE
        assert conflict.severity is Severity.BLOCKING
        assert conflict.window_id == first.window.id

    async def test_a_dependent_service_is_a_warning_in_either_direction(
        self, world: CalendarWorld
    ) -> None:
        await world.plan(
            service_ids=[world.services["api"]], starts_at=at(2, 10), ends_at=at(2, 12)
        )
        consumer = await world.plan(
            service_ids=[world.services["web"]], starts_at=at(2, 11), ends_at=at(2, 13)
        )
        provider = await world.plan(
            service_ids=[world.services["db"]], starts_at=at(2, 9), ends_at=at(2, 11)
        )
        assert kinds(consumer) == {("dependency", "warning")}
        assert ("dependency", "warning") in kinds(provider)
        assert consumer.conflicts[0].service_ids == {world.services["api"], world.services["web"]}

    async def test_the_same_environment_is_information(self, world: CalendarWorld) -> None:
        await world.plan(environment="production", starts_at=at(3, 10), ends_at=at(3, 12))
        second = await world.plan(environment="Production", starts_at=at(3, 11), ends_at=at(3, 12))
        assert kinds(second) == {("environment", "info")}

    async def test_a_shared_resource_is_a_warning(self, world: CalendarWorld) -> None:
        await world.plan(resources=["pg-cluster-1"], starts_at=at(4, 10), ends_at=at(4, 12))
        second = await world.plan(
            resources=["PG-cluster-1", "dns"], starts_at=at(4, 11), ends_at=at(4, 12)
        )
        assert kinds(second) == {("shared_resource", "warning")}
        assert second.conflicts[0].resources == {"pg-cluster-1"}

    async def test_an_approved_freeze_blocks_and_a_proposed_one_does_not(
        self, world: CalendarWorld
    ) -> None:
        await world.freeze(approve=False, starts_at=at(5), ends_at=at(6))
        assert (await world.plan(starts_at=at(5, 10), ends_at=at(5, 11))).conflicts == []
        freeze = await world.freeze(starts_at=at(5), ends_at=at(6))
        with pytest.raises(ConflictsFound) as refused:
            await world.plan(starts_at=at(5, 12), ends_at=at(5, 13))
        [conflict] = refused.value.conflicts
        assert (conflict.kind, conflict.freeze_id) == (ConflictKind.FREEZE, freeze.id)


class TestHalfOpenIntervals:
    async def test_touching_windows_do_not_conflict(self, world: CalendarWorld) -> None:
        api = world.services["api"]
        await world.plan(
            service_ids=[api],
            resources=["r"],
            environment="prod",
            starts_at=at(7, 10),
            ends_at=at(7, 12),
        )
        after = await world.plan(
            service_ids=[api],
            resources=["r"],
            environment="prod",
            starts_at=at(7, 12),
            ends_at=at(7, 14),
        )
        before = await world.plan(
            service_ids=[api],
            resources=["r"],
            environment="prod",
            starts_at=at(7, 8),
            ends_at=at(7, 10),
        )
        assert after.conflicts == [] and before.conflicts == []

    async def test_a_window_touching_a_freeze_is_free(self, world: CalendarWorld) -> None:
        await world.freeze(starts_at=at(8), ends_at=at(9))
        assert (await world.plan(starts_at=at(9), ends_at=at(9, 2))).conflicts == []


class TestMovingAWindow:
    async def test_moving_onto_a_busy_service_is_refused_and_changes_nothing(
        self, world: CalendarWorld
    ) -> None:
        api = world.services["api"]
        await world.plan(service_ids=[api], starts_at=at(10, 10), ends_at=at(10, 12))
        mine = await world.plan(service_ids=[api], starts_at=at(11, 10), ends_at=at(11, 12))
        uow = world.uow()
        with pytest.raises(ConflictsFound):
            await windows.move_window(
                uow, cmd.MoveWindow(mine.window.id, 1, at(10, 11), at(10, 13))
            )

    async def test_a_move_keeps_the_service_and_resource_rows_in_step(
        self, world: CalendarWorld
    ) -> None:
        mine = await world.plan(
            service_ids=[world.services["api"]],
            resources=["dns"],
            starts_at=at(12, 10),
            ends_at=at(12, 12),
        )
        uow = world.uow()
        moved = await windows.move_window(
            uow, cmd.MoveWindow(mine.window.id, 1, at(13, 10), at(13, 11))
        )
        await uow.commit()
        assert moved.window.version == 2
        for model in (WindowService, WindowResource):
            row = (
                await world.session.scalars(select(model).where(model.window_id == mine.window.id))
            ).one()
            assert (row.starts_at, row.ends_at) == (at(13, 10), at(13, 11))

    async def test_a_window_does_not_conflict_with_itself_when_moved(
        self, world: CalendarWorld
    ) -> None:
        mine = await world.plan(
            service_ids=[world.services["api"]], starts_at=at(14, 10), ends_at=at(14, 12)
        )
        uow = world.uow()
        moved = await windows.move_window(
            uow, cmd.MoveWindow(mine.window.id, 1, at(14, 11), at(14, 13))
        )
        assert moved.conflicts == []

    async def test_a_stale_version_is_a_conflict(self, world: CalendarWorld) -> None:
        mine = await world.plan(starts_at=at(15, 10), ends_at=at(15, 12))
        with pytest.raises(VersionConflict):
            await windows.move_window(
                world.uow(), cmd.MoveWindow(mine.window.id, 7, at(15, 11), at(15, 13))
            )


class TestCancelling:
    async def test_a_cancelled_window_no_longer_conflicts(self, world: CalendarWorld) -> None:
        api = world.services["api"]
        first = await world.plan(service_ids=[api], starts_at=at(16, 10), ends_at=at(16, 12))
        uow = world.uow()
        await windows.cancel_window(uow, first.window.id, 1)
        await uow.commit()
        assert (
            await world.plan(service_ids=[api], starts_at=at(16, 10), ends_at=at(16, 12))
        ).conflicts == []

    async def test_a_cancelled_window_cannot_move(self, world: CalendarWorld) -> None:
        first = await world.plan(starts_at=at(17, 10), ends_at=at(17, 12))
        uow = world.uow()
        cancelled = await windows.cancel_window(uow, first.window.id, 1)
        await uow.commit()
        with pytest.raises(DomainError) as refused:
            await windows.move_window(
                world.uow(), cmd.MoveWindow(first.window.id, cancelled.version, at(18), at(18, 1))
            )
        assert refused.value.code == "WINDOW_CANCELLED"


class TestInputIsValidated:
    @pytest.mark.parametrize(
        ("kw", "code"),
        [
            ({"starts_at": at(20, 12), "ends_at": at(20, 12)}, "INVALID_INTERVAL"),
            ({"starts_at": at(1), "ends_at": at(20)}, "INVALID_INTERVAL"),
            ({"kind": "party"}, "INVALID_KIND"),
            ({"environment": "Prod Env!"}, "INVALID_ENVIRONMENT"),
            ({"title": "  "}, "INVALID_TITLE"),
        ],
    )
    async def test_bad_input_is_refused_with_its_code(
        self, world: CalendarWorld, kw: dict, code: str
    ) -> None:
        values = {"starts_at": at(20, 10), "ends_at": at(20, 11), **kw}
        with pytest.raises(DomainError) as refused:
            await windows.plan_window(
                world.uow(),
                cmd.PlanWindow(bu_id=world.bu, **{"kind": "maintenance", "title": "W", **values}),
            )
        assert refused.value.code == code

    async def test_a_release_of_another_unit_is_refused(self, world: CalendarWorld) -> None:
        release = await world.release(bu=world.other_bu)
        with pytest.raises(DomainError) as refused:
            await world.plan(release_id=release, starts_at=at(21, 10), ends_at=at(21, 11))
        assert refused.value.code == "NOT_IN_BUSINESS_UNIT"


class TestBusinessUnitsStayApart:
    async def test_planning_in_another_unit_reads_as_not_found(self, world: CalendarWorld) -> None:
        uow = world.uow(authorizer=OnlyIn(world.other_bu))
        with pytest.raises(NotFound):
            await windows.plan_window(
                uow,
                cmd.PlanWindow(
                    bu_id=world.bu,
                    kind="maintenance",
                    title="W",
                    starts_at=at(22),
                    ends_at=at(22, 1),
                ),
            )

    async def test_moving_another_units_window_reads_as_not_found(
        self, world: CalendarWorld
    ) -> None:
        mine = await world.plan(starts_at=at(22, 10), ends_at=at(22, 11))
        with pytest.raises(NotFound):
            await windows.move_window(
                world.uow(authorizer=OnlyIn(world.other_bu)),
                cmd.MoveWindow(mine.window.id, 1, at(23), at(23, 1)),
            )

    async def test_a_conflict_with_an_unreadable_window_hides_its_title(
        self, world: CalendarWorld
    ) -> None:
        await world.plan(
            title="Secret retail launch",
            environment="prod",
            starts_at=at(24, 10),
            ends_at=at(24, 12),
        )
        from domain.calendar import queries
        from domain.kernel.reader import Reader

        reader = Reader(world.session, world.uow().actor, OnlyIn(world.other_bu))
        found = await queries.window_conflicts(
            reader,
            cmd.CheckWindow(
                bu_id=world.other_bu, environment="prod", starts_at=at(24, 11), ends_at=at(24, 13)
            ),
            now=world.clock.now(),
        )
        assert [c.kind for c in found] == [ConflictKind.ENVIRONMENT]
        assert "Secret" not in found[0].message


class TestEveryChangeIsAudited:
    async def test_plan_move_and_cancel_each_leave_a_record(self, world: CalendarWorld) -> None:
        mine = await world.plan(
            service_ids=[world.services["batch"]], starts_at=at(25, 10), ends_at=at(25, 11)
        )
        uow = world.uow()
        await windows.move_window(uow, cmd.MoveWindow(mine.window.id, 1, at(25, 12), at(25, 13)))
        await uow.commit()
        uow = world.uow()
        await windows.cancel_window(uow, mine.window.id, 2)
        await uow.commit()
        records = await world.audit(mine.window.id)
        assert [r.action for r in records] == [
            "deployment_window.plan",
            "deployment_window.move",
            "deployment_window.cancel",
        ]
        assert records[0].after["service_ids"] == [str(world.services["batch"])]
        assert records[1].before["starts_at"].startswith("2026-12-25T10:00")
        assert records[2].after["status"] == "cancelled"


class TestPermissionIsChecked:
    async def test_without_the_permission_planning_is_forbidden(self, world: CalendarWorld) -> None:
        class ReadOnly(OnlyIn):
            def check(self, actor, action, resource, bu_id):  # type: ignore[no-untyped-def]
                return "read" if action == "read" else None

        with pytest.raises(Forbidden):
            await windows.plan_window(
                world.uow(authorizer=ReadOnly(world.bu)),
                cmd.PlanWindow(
                    bu_id=world.bu,
                    kind="maintenance",
                    title="W",
                    starts_at=at(26),
                    ends_at=at(26, 1),
                ),
            )
