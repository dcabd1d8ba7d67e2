"""The two scenarios of the issue, end to end through the use cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.calendar import commands as cmd
from domain.calendar import exceptions, queries
from domain.calendar.freezes import blocking_freezes
from domain.calendar.rules import ConflictKind, ConflictsFound, Severity
from domain.kernel.errors import DomainError
from tests.domain.calendar.conftest import CalendarWorld, at

AMS = ZoneInfo("Europe/Amsterdam")
QUARTER_END = "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1"


def local(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=AMS).astimezone(UTC)


class TestADependentServiceConflictWithANextFreeSlotAvoidingTheQuarterEndFreeze:
    async def test_the_conflict_is_found_and_the_slots_skip_the_freeze(
        self, world: CalendarWorld
    ) -> None:
        # The last three business days of every quarter, whole days in Amsterdam.
        await world.freeze(
            title="Quarter-end close",
            scope="tier",
            tiers=["critical", "customer_facing"],
            starts_at=local(2026, 9, 28),
            ends_at=local(2026, 9, 29),
            tzid="Europe/Amsterdam",
            rrule=QUARTER_END,
        )
        api, web = world.services["api"], world.services["web"]
        await world.plan(
            title="API upgrade", service_ids=[api], starts_at=at(28, 8), ends_at=at(28, 18)
        )

        # web depends on api: planning web alongside is allowed, with a warning.
        planned = await world.plan(
            title="Web release", service_ids=[web], starts_at=at(28, 9), ends_at=at(28, 13)
        )
        [conflict] = planned.conflicts
        assert (conflict.kind, conflict.severity) == (ConflictKind.DEPENDENCY, Severity.WARNING)

        # Next free 4-hour slots for web: after the api window, then not before the freeze ends.
        reader = world.reader()
        slots = await queries.window_suggestions(
            reader,
            cmd.SuggestSlots(
                bu_id=world.bu,
                service_ids=[web],
                duration=timedelta(hours=4),
                after=at(28, 8),
                before=at(10, 0, month=1, year=2027),
                count=2,
            ),
        )
        assert [(s.starts_at, s.ends_at) for s in slots] == [
            (at(28, 18), at(28, 22)),
            (local(2027, 1, 1), local(2027, 1, 1, 4)),
        ]
        # Dec 29, 30 and 31 are frozen: planning there is refused as blocking.
        with pytest.raises(ConflictsFound) as refused:
            await world.plan(
                service_ids=[web],
                starts_at=local(2026, 12, 30, 10),
                ends_at=local(2026, 12, 30, 12),
            )
        assert {c.kind for c in refused.value.conflicts} == {ConflictKind.FREEZE}


class TestAnExceptionLetsOneReleaseThroughAFreezeExpiresAndIsReviewed:
    async def test_the_whole_life_of_an_exception(self, world: CalendarWorld) -> None:
        lucky, other = await world.release("Card fix"), await world.release("Rewards")
        env = ["production"]
        lucky_window = await world.plan(
            release_id=lucky, environment="production", starts_at=at(20, 10), ends_at=at(20, 12)
        )
        await world.plan(
            release_id=other, environment="production", starts_at=at(20, 10), ends_at=at(20, 12)
        )
        freeze = await world.freeze(
            title="Holiday freeze", scope="bu", bu_id=world.bu, starts_at=at(19), ends_at=at(23)
        )

        async def blocked(release, now):  # type: ignore[no-untyped-def]
            return await blocking_freezes(
                world.session,
                bu_id=world.bu,
                service_ids=[],
                environments=env,
                tiers=[],
                starts_at=at(20, 10),
                ends_at=at(20, 12),
                release_id=release,
                now=now,
            )

        assert [h.freeze_id for h in await blocked(lucky, world.clock.now())] == [freeze.id]

        uow = world.uow("rita")
        requested = await exceptions.request_exception(
            uow, cmd.RequestException(freeze.id, lucky_window.window.id, "Card scheme mandate")
        )
        await uow.commit()
        assert requested.expires_at == at(20, 12)
        with pytest.raises(DomainError) as refused:
            await exceptions.decide_exception(
                world.uow("rita"), cmd.DecideException(requested.id, True)
            )
        assert refused.value.code == "SELF_APPROVAL"
        uow = world.uow("carol")
        await exceptions.decide_exception(uow, cmd.DecideException(requested.id, True))
        await uow.commit()

        # Through for the one release, not for the other.
        assert await blocked(lucky, world.clock.now()) == []
        assert len(await blocked(other, world.clock.now())) == 1

        reader = world.reader()
        due = await queries.exceptions_for_review(
            reader, now=world.clock.now(), first=500, after=None
        )
        assert requested.id not in [r.id for r in due.items]

        # Expired: it lets nothing through any more, and waits for its review.
        world.clock.advance(at(20, 12) - world.clock.now() + timedelta(minutes=1))
        assert len(await blocked(lucky, world.clock.now())) == 1
        due = await queries.exceptions_for_review(
            reader, now=world.clock.now(), first=500, after=None
        )
        assert requested.id in [r.id for r in due.items]

        uow = world.uow("bob")
        await exceptions.review_exception(
            uow, cmd.ReviewException(requested.id, "Deployed, no incident.")
        )
        await uow.commit()
        due = await queries.exceptions_for_review(
            reader, now=world.clock.now(), first=500, after=None
        )
        assert requested.id not in [r.id for r in due.items]
        actions = [r.action for r in await world.audit(requested.id)]
        assert actions == [
            "freeze_exception.request",
            "freeze_exception.approve",
            "freeze_exception.review",
        ]
