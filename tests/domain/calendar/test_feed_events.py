"""What a feed shows of deployment windows, freeze exceptions and unauthorized changes, on both
dialects: each by its own read permission in the reader's BUs, within the feed's horizon, with
titles of things the reader may not read left out, in a bounded number of statements."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event

from domain.calendar import commands as cmd
from domain.calendar import exceptions
from domain.kernel.access import Resource
from domain.pipelines.unauthorized_models import UnauthorizedChange
from domain.read import calendar_feed as feed_view
from domain.read.calendar_feed_events import feed_events
from tests.domain.calendar.conftest import CalendarWorld, at
from tests.domain.calendar.test_feed import Grants


async def unauthorized(world: CalendarWorld, bu: uuid.UUID, detected_at: datetime) -> uuid.UUID:
    team = await world.add.team(bu)
    service = await world.add.service(team, "ledger")
    env = await world.add.environment(bu)
    change = UnauthorizedChange(
        bu_id=bu,
        service_id=service.id,
        environment_id=env.id,
        artifact_version="9.9.9",
        source="cdevents",
        reason="No allowed promotion of 9.9.9 to production.",
        deployed_by="jenkins",
        detected_at=detected_at,
        alerted=False,
        status="open",
        created_at=detected_at,
        updated_at=detected_at,
    )
    world.session.add(change)
    await world.session.flush()
    return change.id


@pytest.fixture
async def shown(world: CalendarWorld) -> dict[str, Any]:
    """Payments: a release window with a requested exception through a BU freeze, a
    maintenance window, a window long over, a cancelled one, an unauthorized change and an old
    one; Retail: a window and an unauthorized change."""
    release = await world.release("Card fix")
    window = await world.plan(
        release_id=release, environment="production", starts_at=at(20, 10), ends_at=at(20, 12)
    )
    maintenance = await world.plan(
        title="Patch night",
        service_ids=[world.services["db"]],
        starts_at=at(3, 1),
        ends_at=at(3, 3),
    )
    freeze = await world.freeze(
        title="Holiday freeze", scope="bu", bu_id=world.bu, starts_at=at(19), ends_at=at(23)
    )
    uow = world.uow("rita")
    requested = await exceptions.request_exception(
        uow, cmd.RequestException(freeze.id, window.window.id, "Card scheme mandate")
    )
    await uow.commit()
    now = world.clock.now()
    old = await world.plan(starts_at=now - timedelta(days=100), ends_at=now - timedelta(days=99))
    cancelled = await world.plan(starts_at=at(5, 1), ends_at=at(5, 2))
    cancelled.window.status = "cancelled"
    retail = await world.plan(bu_id=world.other_bu, starts_at=at(6, 1), ends_at=at(6, 2))
    await world.session.flush()
    return {
        "window": window.window.id,
        "maintenance": maintenance.window.id,
        "exception": requested.id,
        "old": old.window.id,
        "cancelled": cancelled.window.id,
        "retail": retail.window.id,
        "change": await unauthorized(world, world.bu, now - timedelta(days=2)),
        "old_change": await unauthorized(world, world.bu, now - timedelta(days=91)),
        "retail_change": await unauthorized(world, world.other_bu, now - timedelta(days=1)),
    }


async def read(world: CalendarWorld, reads: dict[Resource, set[uuid.UUID | None]]) -> Any:
    since = world.clock.now() - feed_view.FEED_HORIZON
    return await feed_events(world.reader(authorizer=Grants(reads)), since=since)


def ids(found: Any) -> set[uuid.UUID]:
    return {x.id for x in (*found.windows, *found.exceptions, *found.unauthorized_changes)}


ALL = (
    Resource.DEPLOYMENT_WINDOW,
    Resource.FREEZE_EXCEPTION,
    Resource.UNAUTHORIZED_CHANGE,
    Resource.RELEASE,
    Resource.FREEZE,
    Resource.SERVICE,
)


class TestEachKindByItsOwnPermission:
    async def test_a_payments_reader_sees_payments_planned_and_recent_things_only(
        self, world: CalendarWorld, shown: dict[str, Any]
    ) -> None:
        found = await read(world, {r: {world.bu} for r in ALL})
        mine = set(shown.values())
        assert ids(found) & mine == {
            shown[k] for k in ("window", "maintenance", "exception", "change")
        }

    async def test_an_org_wide_reader_sees_retail_too(
        self, world: CalendarWorld, shown: dict[str, Any]
    ) -> None:
        found = await read(world, {r: {None} for r in ALL})
        assert {shown["retail"], shown["retail_change"]} <= ids(found)
        assert not {shown["old"], shown["cancelled"], shown["old_change"]} & ids(found)

    @pytest.mark.parametrize(
        ("resource", "kind"),
        [
            (Resource.DEPLOYMENT_WINDOW, {"window", "maintenance"}),
            (Resource.FREEZE_EXCEPTION, {"exception"}),
            (Resource.UNAUTHORIZED_CHANGE, {"change"}),
        ],
    )
    async def test_without_a_kinds_permission_it_is_not_shown(
        self, world: CalendarWorld, shown: dict[str, Any], resource: Resource, kind: set[str]
    ) -> None:
        found = await read(world, {r: {world.bu} for r in ALL if r is not resource})
        visible = {"window", "maintenance", "exception", "change"} - kind
        assert ids(found) & set(shown.values()) == {shown[k] for k in visible}

    async def test_titles_and_services_the_reader_may_not_read_are_left_out(
        self, world: CalendarWorld, shown: dict[str, Any]
    ) -> None:
        bu = world.bu
        found = await read(
            world, {Resource.DEPLOYMENT_WINDOW: {bu}, Resource.FREEZE_EXCEPTION: {bu}}
        )
        (exc,) = [e for e in found.exceptions if e.id == shown["exception"]]
        assert (exc.freeze_title, exc.release_title) == (None, None)
        (win,) = [w for w in found.windows if w.id == shown["window"]]
        assert win.release_title is None
        (patch,) = [w for w in found.windows if w.id == shown["maintenance"]]
        assert patch.services == ()
        found = await read(world, {r: {bu} for r in ALL})
        (exc,) = [e for e in found.exceptions if e.id == shown["exception"]]
        assert (exc.freeze_title, exc.release_title) == ("Holiday freeze", "Card fix")
        assert (exc.starts_at, exc.ends_at, exc.status) == (at(20, 10), at(20, 12), "requested")


class TestWhatEachCarries:
    async def test_a_window_names_its_services_and_a_change_its_service_and_environment(
        self, world: CalendarWorld, shown: dict[str, Any]
    ) -> None:
        found = await read(world, {r: {world.bu} for r in ALL})
        (patch,) = [w for w in found.windows if w.id == shown["maintenance"]]
        assert patch.kind == "maintenance" and patch.services[0].startswith("db-")
        (change,) = [c for c in found.unauthorized_changes if c.id == shown["change"]]
        assert change.service_key.startswith("ledger-") and change.environment.startswith("prod")
        assert (change.artifact_version, change.status, change.source) == (
            "9.9.9",
            "open",
            "cdevents",
        )


class TestTheStatementsAreBounded:
    async def test_more_rows_do_not_mean_more_statements(
        self, world: CalendarWorld, shown: dict[str, Any]
    ) -> None:
        async def statements() -> int:
            seen: list[str] = []
            engine = world.session.bind.sync_engine  # type: ignore[union-attr]

            def count(*args: Any) -> None:
                seen.append(args[2])

            event.listen(engine, "before_cursor_execute", count)
            try:
                await read(world, {r: {None} for r in ALL})
            finally:
                event.remove(engine, "before_cursor_execute", count)
            return len(seen)

        before = await statements()
        for day in range(7, 12):
            await world.plan(
                starts_at=at(day, 1), ends_at=at(day, 2), service_ids=[world.services["api"]]
            )
            await unauthorized(world, world.bu, world.clock.now() - timedelta(hours=day))
        assert await statements() == before <= 4


class TestAFeedStatesTheOccurrencesADaylightSavingGapShifts:
    async def test_a_berlin_sunday_night_freeze_carries_its_next_five_spring_nights(
        self, world: CalendarWorld
    ) -> None:
        berlin = ZoneInfo("Europe/Berlin")
        made = await world.freeze(
            starts_at=datetime(2026, 3, 22, 2, 30, tzinfo=berlin),
            ends_at=datetime(2026, 3, 22, 3, 10, tzinfo=berlin),
            tzid="Europe/Berlin",
            rrule="FREQ=WEEKLY;BYDAY=SU",
        )
        content = await feed_view.feed_content(
            world.reader(authorizer=Grants({Resource.FREEZE: {None}})), now=world.clock.now()
        )
        (shown,) = [f for f in content.freezes if f.id == made.id]
        assert [s.recurrence_id for s in shown.shifted] == [
            datetime(2027, 3, 28, 2, 30),
            datetime(2028, 3, 26, 2, 30),
            datetime(2029, 3, 25, 2, 30),
            datetime(2030, 3, 31, 2, 30),
            datetime(2031, 3, 30, 2, 30),
        ]
        first = shown.shifted[0]
        assert first.starts_at.astimezone(berlin) == datetime(2027, 3, 28, 3, 30, tzinfo=berlin)
        assert first.ends_at - first.starts_at == timedelta(minutes=40)
