"""Calendar feed use cases on both dialects: secrets, revocation, audit, and what a feed shows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.api_tokens import hash_api_token
from domain.calendar import feed
from domain.calendar.models import CalendarFeed, Freeze
from domain.compliance.models import AuditRecord
from domain.governance.models import Release
from domain.kernel.access import Action, Actor, Resource, Scope
from domain.kernel.clock import FixedClock
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person
from domain.read import calendar_feed as feed_view
from tests.world import Rows, unique
from tests.world import unit_of_work as world_unit_of_work

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
QUARTER_END = "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1"


class Grants:
    """An authorizer: reads per resource in the given BUs (None: org-wide); `admin` may
    revoke role grants org-wide."""

    def __init__(self, reads: dict[Resource, set[uuid.UUID | None]], admin: bool = False) -> None:
        self._reads, self._admin = reads, admin

    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        if action is Action.REVOKE and resource is Resource.ROLE_GRANT:
            return "test: admin" if self._admin else None
        bus = self._reads.get(resource, set()) if action is Action.READ else set()
        return "test: granted" if None in bus or bu_id in bus else None

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        bus = self._reads.get(resource, set()) if action is Action.READ else set()
        return Scope(everywhere=None in bus, bu_ids=frozenset(b for b in bus if b is not None))

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        return frozenset()


def actor_for(person: Person, *, token: bool = False) -> Actor:
    token_id = uuid.uuid4() if token else None
    subjects = (f"person:{person.id}",) + ((f"token:{token_id}",) if token_id else ())
    return Actor(
        person_id=person.id,
        username=person.username,
        display_name=person.display_name,
        subjects=subjects,
        token_id=token_id,
    )


def unit_of_work(session: AsyncSession, actor: Actor, authorizer: Any = None) -> UnitOfWork:
    return world_unit_of_work(
        session, actor, clock=FixedClock(NOW), authorizer=authorizer or Grants({})
    )


async def a_bu(session: AsyncSession, name: str) -> BusinessUnit:
    return await Rows(session, FixedClock(NOW)).bu(name)


async def a_person(session: AsyncSession) -> Person:
    return await Rows(session, FixedClock(NOW)).person(unique("p"))


async def a_release(session: AsyncSession, bu: BusinessUnit, owner: Person, **kw: Any) -> Release:
    values: dict[str, Any] = {
        "bu_id": bu.id,
        "title": f"release {uuid.uuid4().hex[:6]}",
        "release_type": "standard",
        "status": "scheduled",
        "owner_id": owner.id,
        "planned_start": NOW + timedelta(days=3),
        "planned_end": NOW + timedelta(days=3, hours=2),
        "created_at": NOW,
        "updated_at": NOW,
    }
    release = Release(**{**values, **kw})
    session.add(release)
    await session.flush()
    return release


async def a_freeze(session: AsyncSession, **kw: Any) -> Freeze:
    values: dict[str, Any] = {
        "title": f"freeze {uuid.uuid4().hex[:6]}",
        "scope": "org",
        "bu_id": None,
        "starts_at": datetime(2026, 12, 29, 17, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 29, 22, 59, tzinfo=UTC),
        "tzid": "Europe/Amsterdam",
        "rrule": QUARTER_END,
        "status": "approved",
        "created_at": NOW,
        "updated_at": NOW,
    }
    freeze = Freeze(**{**values, **kw})
    session.add(freeze)
    await session.flush()
    return freeze


async def audit_of(session: AsyncSession, feed_id: uuid.UUID) -> list[AuditRecord]:
    stmt = (
        select(AuditRecord)
        .where(AuditRecord.entity_type == "calendar_feed", AuditRecord.entity_id == str(feed_id))
        .order_by(AuditRecord.seq)
    )
    return list((await session.scalars(stmt)).all())


async def create(
    session: AsyncSession, person: Person, *, revoke_others: bool = False
) -> tuple[CalendarFeed, str]:
    secret = f"sbx_cal_{uuid.uuid4().hex}"
    uow = unit_of_work(session, actor_for(person))
    made = await feed.create_feed(
        uow, token_hash=hash_api_token(secret), revoke_others=revoke_others
    )
    await uow.commit()
    return made, secret


class TestCreatingAFeed:
    async def test_a_person_gets_a_feed_and_the_trail_never_holds_the_hash(
        self, session: AsyncSession
    ) -> None:
        person = await a_person(session)
        made, secret = await create(session, person)
        assert made.person_id == person.id and made.revoked_at is None
        (record,) = await audit_of(session, made.id)
        assert record.action == "calendar_feed.create"
        assert record.actor_subject == f"person:{person.id}"
        assert "token_hash" not in (record.after or {})
        assert hash_api_token(secret) not in str(record.after)

    async def test_an_api_token_cannot_mint_a_feed(self, session: AsyncSession) -> None:
        person = await a_person(session)
        uow = unit_of_work(session, actor_for(person, token=True))
        with pytest.raises(DomainError) as refused:
            await feed.create_feed(uow, token_hash="0" * 64, revoke_others=False)
        assert refused.value.code == feed.FeedErrorCode.FEED_NEEDS_A_PERSON

    async def test_active_feeds_per_person_are_capped(self, session: AsyncSession) -> None:
        person = await a_person(session)
        for _ in range(feed.MAX_ACTIVE_FEEDS):
            await create(session, person)
        uow = unit_of_work(session, actor_for(person))
        with pytest.raises(DomainError) as refused:
            await feed.create_feed(uow, token_hash="1" * 64, revoke_others=False)
        assert refused.value.code == feed.FeedErrorCode.TOO_MANY_FEEDS

    async def test_rotating_revokes_the_other_feeds_with_an_audit_record_each(
        self, session: AsyncSession
    ) -> None:
        person = await a_person(session)
        old, _ = await create(session, person)
        new, _ = await create(session, person, revoke_others=True)
        await session.refresh(old)
        assert old.revoked_at == NOW and new.revoked_at is None
        assert [r.action for r in await audit_of(session, old.id)] == [
            "calendar_feed.create",
            "calendar_feed.revoke",
        ]


class TestRevokingAFeed:
    async def test_the_owner_revokes_their_feed_and_it_stops_opening(
        self, session: AsyncSession
    ) -> None:
        person = await a_person(session)
        made, secret = await create(session, person)
        assert await feed.open_feed(session, hash_api_token(secret)) is not None
        uow = unit_of_work(session, actor_for(person))
        revoked = await feed.revoke_feed(uow, made.id)
        await uow.commit()
        assert revoked.revoked_at == NOW
        assert await feed.open_feed(session, hash_api_token(secret)) is None
        records = await audit_of(session, made.id)
        assert [r.action for r in records] == ["calendar_feed.create", "calendar_feed.revoke"]
        assert records[1].before is not None and "token_hash" not in records[1].before
        assert records[1].after is not None and records[1].after["revoked_at"]

    async def test_someone_elses_feed_reads_as_not_found(self, session: AsyncSession) -> None:
        owner, other = await a_person(session), await a_person(session)
        made, _ = await create(session, owner)
        uow = unit_of_work(session, actor_for(other))
        with pytest.raises(NotFound):
            await feed.revoke_feed(uow, made.id)

    async def test_an_admin_revokes_anyones_feed(self, session: AsyncSession) -> None:
        owner, admin = await a_person(session), await a_person(session)
        made, _ = await create(session, owner)
        uow = unit_of_work(session, actor_for(admin), Grants({}, admin=True))
        await feed.revoke_feed(uow, made.id)
        await uow.commit()
        (_, revoke) = await audit_of(session, made.id)
        assert revoke.actor_subject == f"person:{admin.id}" and revoke.rule == "test: admin"

    async def test_revoking_twice_is_refused(self, session: AsyncSession) -> None:
        person = await a_person(session)
        made, _ = await create(session, person)
        for attempt in range(2):
            uow = unit_of_work(session, actor_for(person))
            if attempt == 0:
                await feed.revoke_feed(uow, made.id)
                await uow.commit()
            else:
                with pytest.raises(DomainError) as refused:
                    await feed.revoke_feed(uow, made.id)
                assert refused.value.code == feed.FeedErrorCode.FEED_ALREADY_REVOKED

    async def test_an_unknown_feed_is_not_found(self, session: AsyncSession) -> None:
        person = await a_person(session)
        with pytest.raises(NotFound):
            await feed.revoke_feed(unit_of_work(session, actor_for(person)), uuid.uuid4())


class TestOpeningAFeed:
    async def test_it_reads_as_its_person_through_their_grants_only(
        self, session: AsyncSession
    ) -> None:
        person = await a_person(session)
        _, secret = await create(session, person)
        owner = await feed.open_feed(session, hash_api_token(secret))
        assert owner is not None
        assert owner.actor.subjects == (f"person:{person.id}",)
        assert owner.actor.person_id == person.id and owner.actor.via == "calendar_feed"

    async def test_a_deactivated_person_and_an_unknown_secret_open_nothing(
        self, session: AsyncSession
    ) -> None:
        person = await a_person(session)
        _, secret = await create(session, person)
        person.active = False
        await session.flush()
        assert await feed.open_feed(session, hash_api_token(secret)) is None
        assert await feed.open_feed(session, hash_api_token("sbx_cal_unknown")) is None

    async def test_use_is_recorded_once_per_resolution(self) -> None:
        assert feed.touch_is_due(None, NOW)
        assert not feed.touch_is_due(NOW - feed.LAST_USED_RESOLUTION + timedelta(seconds=1), NOW)
        assert feed.touch_is_due(NOW - feed.LAST_USED_RESOLUTION, NOW)


class TestListingFeeds:
    async def test_you_see_your_own_and_an_admin_may_look_up_anyones(
        self, session: AsyncSession
    ) -> None:
        owner, other = await a_person(session), await a_person(session)
        made, _ = await create(session, owner)
        mine = await feed.feeds(Reader(session, actor_for(owner), Grants({})))
        assert [r.id for r in mine] == [made.id]
        assert "token_hash" not in mine[0]._mapping
        nosy = Reader(session, actor_for(other), Grants({}))
        assert await feed.feeds(nosy, person_id=owner.id) == []
        admin = Reader(session, actor_for(other), Grants({}, admin=True))
        assert [r.id for r in await feed.feeds(admin, person_id=owner.id)] == [made.id]


class TestWhatAFeedShows:
    @pytest.fixture
    async def world(self, session: AsyncSession) -> dict[str, Any]:
        payments, retail = await a_bu(session, "Payments"), await a_bu(session, "Retail")
        owner = await a_person(session)
        return {
            "payments": payments,
            "retail": retail,
            "pay": await a_release(session, payments, owner),
            "ret": await a_release(session, retail, owner),
            "cancelled": await a_release(session, payments, owner, status="cancelled"),
            "rejected": await a_release(session, payments, owner, status="rejected"),
            "unplanned": await a_release(session, payments, owner, planned_start=None),
            "long_ago": await a_release(
                session,
                payments,
                owner,
                planned_start=NOW - timedelta(days=120),
                planned_end=NOW - timedelta(days=91),
            ),
            "recent": await a_release(
                session,
                payments,
                owner,
                planned_start=NOW - timedelta(days=89, hours=1),
                planned_end=NOW - timedelta(days=89),
            ),
            "org_freeze": await a_freeze(session),
            "proposed": await a_freeze(session, status="proposed"),
            "retail_freeze": await a_freeze(session, scope="bu", bu_id=retail.id, rrule=None),
            "payments_freeze": await a_freeze(session, scope="bu", bu_id=payments.id, rrule=None),
            "ended": await a_freeze(
                session, rrule=QUARTER_END, effective_until=NOW - timedelta(days=100)
            ),
            "old_one_off": await a_freeze(
                session,
                rrule=None,
                starts_at=NOW - timedelta(days=101),
                ends_at=NOW - timedelta(days=100),
            ),
        }

    async def shown(
        self, session: AsyncSession, reads: dict[Resource, set[uuid.UUID | None]]
    ) -> set[uuid.UUID]:
        person = await a_person(session)
        content = await feed_view.feed_content(
            Reader(session, actor_for(person), Grants(reads)), now=NOW
        )
        return {r.id for r in content.releases} | {f.id for f in content.freezes}

    async def test_a_payments_reader_sees_payments_and_org_wide_things_only(
        self, session: AsyncSession, world: dict[str, Any]
    ) -> None:
        pay = world["payments"].id
        shown = await self.shown(session, {Resource.RELEASE: {pay}, Resource.FREEZE: {pay}})
        mine = {v.id for k, v in world.items() if k not in ("payments", "retail")}
        assert shown & mine == {
            world[k].id for k in ("pay", "recent", "org_freeze", "payments_freeze")
        }

    async def test_an_org_wide_reader_sees_every_bu(
        self, session: AsyncSession, world: dict[str, Any]
    ) -> None:
        shown = await self.shown(session, {Resource.RELEASE: {None}, Resource.FREEZE: {None}})
        mine = {v.id for k, v in world.items() if k not in ("payments", "retail")}
        assert shown & mine == {
            world[k].id
            for k in ("pay", "ret", "recent", "org_freeze", "retail_freeze", "payments_freeze")
        }

    async def test_a_one_off_freeze_ends_when_it_stops_being_effective(
        self, session: AsyncSession
    ) -> None:
        cut = datetime(2026, 12, 29, 20, 0, tzinfo=UTC)
        made = await a_freeze(session, rrule=None, effective_until=cut)
        person = await a_person(session)
        reader = Reader(session, actor_for(person), Grants({Resource.FREEZE: {None}}))
        content = await feed_view.feed_content(reader, now=NOW)
        (shown,) = [f for f in content.freezes if f.id == made.id]
        assert shown.rrule is None and shown.recur_until is None
        assert (shown.starts_at, shown.ends_at) == (made.starts_at, cut)

    async def test_someone_who_may_read_nothing_sees_nothing(
        self, session: AsyncSession, world: dict[str, Any]
    ) -> None:
        assert await self.shown(session, {}) == set()

    async def test_freezes_need_their_own_read_permission(
        self, session: AsyncSession, world: dict[str, Any]
    ) -> None:
        pay = world["payments"].id
        shown = await self.shown(session, {Resource.RELEASE: {pay}})
        assert world["org_freeze"].id not in shown and world["pay"].id in shown


class TestRecurrenceBounds:
    def test_effective_until_stops_occurrences_that_would_start_at_or_after_it(self) -> None:
        until = datetime(2027, 4, 1, tzinfo=UTC)
        assert feed_view.recur_until(QUARTER_END, until) == until - timedelta(seconds=1)

    def test_a_rule_with_its_own_until_or_count_is_left_alone(self) -> None:
        until = datetime(2027, 4, 1, tzinfo=UTC)
        assert feed_view.recur_until("FREQ=DAILY;COUNT=3", until) is None
        assert feed_view.recur_until("RRULE:FREQ=DAILY;UNTIL=20270101T000000Z", until) is None
        assert feed_view.recur_until(None, until) is None
        assert feed_view.recur_until(QUARTER_END, None) is None

    def test_the_rrule_prefix_is_dropped(self) -> None:
        assert feed_view.recurrence_rule("RRULE:FREQ=DAILY") == "FREQ=DAILY"
        assert feed_view.recurrence_rule("  ") is None
        assert feed_view.recurrence_rule("RRULE: ") is None
