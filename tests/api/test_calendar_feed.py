"""The secret iCalendar feed URL end to end: GraphQL to make and revoke it, GET to read it,
and an independent parser (icalendar + recurring-ical-events) to check what a client sees."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import delete, select

from api.graphql.relay import from_global_id
from authz.api_tokens import hash_api_token
from domain.calendar.models import CalendarFeed, Freeze
from domain.compliance.models import AuditRecord
from domain.compliance.repository import sealed
from domain.governance.models import Release
from domain.organization.models import BusinessUnit, Person
from tests.api.conftest import Api, unique

AMS = ZoneInfo("Europe/Amsterdam")
QUARTER_END = "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1"

CREATE = """
mutation($i: CalendarFeedCreateInput!) {
  calendarFeedCreate(input: $i) { url calendarFeed { id active createdAt } errors { code } }
}"""
REVOKE = """
mutation($i: CalendarFeedRevokeInput!) {
  calendarFeedRevoke(input: $i) { calendarFeed { id revokedAt active } errors { code } }
}"""
LIST = "{ calendarFeeds { id createdAt lastUsedAt revokedAt active } }"


@dataclass
class Made:
    url: str
    path: str
    secret: str
    id: str


async def make_feed(api: Api, as_user: str, *, revoke_others: bool = False) -> Made:
    data = await api.ok(CREATE, {"i": {"revokeOthers": revoke_others}}, as_user=as_user)
    payload = data["calendarFeedCreate"]
    path = urlparse(payload["url"]).path
    secret = path.removeprefix("/calendar/").removesuffix(".ics")
    return Made(payload["url"], path, secret, payload["calendarFeed"]["id"])


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in parse(body).events}


@dataclass
class World:
    payments_release: uuid.UUID
    retail_release: uuid.UUID
    cancelled_release: uuid.UUID
    freeze: uuid.UUID
    proposed_freeze: uuid.UUID
    retail_freeze: uuid.UUID

    def uid(self, name: str) -> str:
        kind = "release" if name.endswith("release") else "freeze"
        return f"{kind}-{getattr(self, name)}@signalbox"


@pytest.fixture
async def world(api: Api) -> AsyncIterator[World]:
    """Releases and freezes inserted directly (their use cases are another context's), and
    deleted afterwards so other tests never count them."""
    runtime = api.runtime
    now = runtime.clock.now()
    async with runtime.db.read_session() as session:
        bus = {b.key: b.id for b in (await session.scalars(select(BusinessUnit))).all()}
        rmo = await session.scalar(select(Person.id).where(Person.username == "rmo"))
    assert rmo is not None

    def release(bu: str, **kw: object) -> Release:
        values: dict[str, object] = {
            "bu_id": bus[bu],
            "title": unique(f"{bu} release"),
            "description": "Ships the new ledger.",
            "release_type": "standard",
            "status": "scheduled",
            "owner_id": rmo,
            "environments": ["production"],
            "planned_start": now + timedelta(days=5),
            "planned_end": now + timedelta(days=5, hours=2),
            "created_at": now,
            "updated_at": now,
        }
        return Release(**{**values, **kw})

    def freeze(**kw: object) -> Freeze:
        values: dict[str, object] = {
            "title": unique("Quarter-end close"),
            "reason": "Finance closes the books.",
            "scope": "org",
            "bu_id": None,
            "starts_at": datetime(2026, 12, 29, 18, 0, tzinfo=AMS).astimezone(UTC),
            "ends_at": datetime(2026, 12, 29, 23, 59, tzinfo=AMS).astimezone(UTC),
            "tzid": "Europe/Amsterdam",
            "rrule": QUARTER_END,
            "status": "approved",
            "created_at": now,
            "updated_at": now,
        }
        return Freeze(**{**values, **kw})

    rows: list[Release | Freeze] = [
        release("payments"),
        release("retail"),
        release("payments", status="cancelled"),
        freeze(),
        freeze(status="proposed"),
        freeze(scope="bu", bu_id=bus["retail"], rrule=None),
    ]
    async with runtime.system_unit_of_work() as uow:
        uow.session.add_all(rows)
        await uow.commit()
    yield World(*(r.id for r in rows))
    async with runtime.system_unit_of_work() as uow:
        await uow.session.execute(delete(Release).where(Release.id.in_([r.id for r in rows[:3]])))
        await uow.session.execute(delete(Freeze).where(Freeze.id.in_([r.id for r in rows[3:]])))
        await uow.commit()


class TestReadingTheFeed:
    async def test_a_payments_viewer_sees_payments_releases_and_org_wide_freezes_only(
        self, api: Api, world: World
    ) -> None:
        made = await make_feed(api, "viewer")
        response = await api.http.get(made.path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert response.headers["cache-control"] == "private, max-age=300"
        seen = uids(response.content)
        assert world.uid("payments_release") in seen
        assert world.uid("freeze") in seen
        for hidden in ("retail_release", "cancelled_release", "proposed_freeze", "retail_freeze"):
            assert world.uid(hidden) not in seen, hidden

    async def test_the_rmo_sees_every_bu(self, api: Api, world: World) -> None:
        made = await make_feed(api, "rmo")
        seen = uids((await api.http.get(made.path)).content)
        for shown in ("payments_release", "retail_release", "freeze", "retail_freeze"):
            assert world.uid(shown) in seen, shown
        assert world.uid("cancelled_release") not in seen
        assert world.uid("proposed_freeze") not in seen

    async def test_the_freeze_recurs_on_the_right_days_at_local_time_across_dst(
        self, api: Api, world: World
    ) -> None:
        made = await make_feed(api, "viewer")
        cal = parse((await api.http.get(made.path)).content)
        (event,) = [e for e in cal.events if str(e["UID"]) == world.uid("freeze")]
        assert "RRULE" in event and event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert "Europe/Amsterdam" in {str(tz["TZID"]) for tz in cal.timezones}
        found = [
            e
            for e in recurring_ical_events.of(cal).between(date(2026, 12, 1), date(2027, 4, 30))
            if str(e["UID"]) == world.uid("freeze")
        ]
        assert [e.start.date() for e in found] == [
            date(2026, 12, 29),
            date(2026, 12, 30),
            date(2026, 12, 31),
            date(2027, 3, 29),
            date(2027, 3, 30),
            date(2027, 3, 31),
        ]
        assert {(e.start.hour, e.start.minute, e.end.hour, e.end.minute) for e in found} == {
            (18, 0, 23, 59)
        }
        assert [e.start.utcoffset() for e in found] == [timedelta(hours=1)] * 3 + [
            timedelta(hours=2)
        ] * 3

    async def test_uids_are_stable_and_an_unchanged_feed_answers_304(
        self, api: Api, world: World
    ) -> None:
        made = await make_feed(api, "viewer")
        first = await api.http.get(made.path)
        second = await api.http.get(made.path)
        assert uids(first.content) == uids(second.content)
        etag = first.headers["etag"]
        assert second.headers["etag"] == etag
        cached = await api.http.get(made.path, headers={"if-none-match": etag})
        assert cached.status_code == 304 and cached.content == b""
        assert cached.headers["etag"] == etag
        other = await api.http.get(made.path, headers={"if-none-match": '"stale"'})
        assert other.status_code == 200

    async def test_use_is_recorded_without_a_write_per_fetch(self, api: Api) -> None:
        made = await make_feed(api, "engineer")
        (before,) = [
            f
            for f in (await api.ok(LIST, as_user="engineer"))["calendarFeeds"]
            if f["id"] == made.id
        ]
        assert before["lastUsedAt"] is None
        await api.http.get(made.path)
        (once,) = [
            f
            for f in (await api.ok(LIST, as_user="engineer"))["calendarFeeds"]
            if f["id"] == made.id
        ]
        assert once["lastUsedAt"] is not None
        await api.http.get(made.path)
        (twice,) = [
            f
            for f in (await api.ok(LIST, as_user="engineer"))["calendarFeeds"]
            if f["id"] == made.id
        ]
        assert twice["lastUsedAt"] == once["lastUsedAt"]

    async def test_no_bearer_header_is_needed_but_a_wrong_secret_is_404(self, api: Api) -> None:
        made = await make_feed(api, "viewer")
        assert (await api.http.get(made.path)).status_code == 200
        head = await api.http.head(made.path)
        assert head.status_code == 200 and head.headers["etag"]
        forged = "/calendar/sbx_cal_" + "A" * 43 + ".ics"
        assert (await api.http.get(forged)).status_code == 404
        assert (await api.http.get("/calendar/not-a-secret.ics")).status_code == 404
        # Only the .ics paths are public: the rest of /calendar still needs a token.
        assert (await api.http.get("/calendar/" + made.secret)).status_code == 401


class TestRevokingTheFeed:
    async def test_a_revoked_feed_is_404_at_once(self, api: Api) -> None:
        made = await make_feed(api, "viewer")
        assert (await api.http.get(made.path)).status_code == 200
        data = await api.ok(REVOKE, {"i": {"id": made.id}}, as_user="viewer")
        assert data["calendarFeedRevoke"]["calendarFeed"]["active"] is False
        response = await api.http.get(made.path)
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    async def test_someone_elses_feed_cannot_be_revoked_by_a_non_admin(self, api: Api) -> None:
        made = await make_feed(api, "engineer")
        body = await api.gql(REVOKE, {"i": {"id": made.id}}, as_user="payments-admin")
        assert body["data"]["calendarFeedRevoke"]["errors"] == [{"code": "NOT_FOUND"}]
        assert (await api.http.get(made.path)).status_code == 200

    async def test_the_rmo_may_revoke_anyones_feed(self, api: Api) -> None:
        made = await make_feed(api, "engineer")
        engineer = (await api.ok("{ viewer { person { id } } }", as_user="engineer"))["viewer"]
        listed = await api.ok(
            "query($p: ID) { calendarFeeds(personId: $p) { id } }",
            {"p": engineer["person"]["id"]},
        )
        assert made.id in [f["id"] for f in listed["calendarFeeds"]]
        await api.ok(REVOKE, {"i": {"id": made.id}}, as_user="rmo")
        assert (await api.http.get(made.path)).status_code == 404

    async def test_rotating_revokes_the_old_url(self, api: Api) -> None:
        old = await make_feed(api, "sre")
        new = await make_feed(api, "sre", revoke_others=True)
        assert (await api.http.get(old.path)).status_code == 404
        assert (await api.http.get(new.path)).status_code == 200

    async def test_a_deactivated_persons_feed_is_404(self, api: Api) -> None:
        username = unique("leaver")
        person = (
            await api.ok(
                "mutation($i: PersonCreateInput!) { personCreate(input: $i) { person { id version } errors { code } } }",
                {"i": {"username": username, "displayName": "Leaver"}},
            )
        )["personCreate"]["person"]
        made = await make_feed(api, username)
        assert (await api.http.get(made.path)).status_code == 200
        await api.ok(
            "mutation($i: PersonUpdateInput!) { personUpdate(input: $i) { errors { code } } }",
            {"i": {"id": person["id"], "version": person["version"], "active": False}},
        )
        assert (await api.http.get(made.path)).status_code == 404


class TestTheSecretIsShownOnce:
    async def test_no_listing_holds_the_secret_or_its_hash(self, api: Api) -> None:
        made = await make_feed(api, "approver")
        assert made.url.startswith("http://signalbox.test/calendar/sbx_cal_")
        digest = hash_api_token(made.secret)
        listed = await api.post(
            "{ calendarFeeds { id createdAt lastUsedAt revokedAt active } "
            "viewer { apiTokens { id prefix } } }",
            as_user="approver",
        )
        assert made.id in listed.text
        assert made.secret not in listed.text and digest not in listed.text
        feed_id = str(from_global_id(made.id, "CalendarFeed"))
        trail = await api.post(
            "query($f: AuditRecordFilter) { auditRecords(filter: $f) { nodes { action before after } } }",
            {"f": {"entityType": "calendar_feed", "entityId": feed_id}},
            as_user="auditor",
        )
        assert [n["action"] for n in trail.json()["data"]["auditRecords"]["nodes"]] == [
            "calendar_feed.create"
        ]
        assert made.secret not in trail.text and digest not in trail.text

    async def test_create_and_revoke_are_in_the_audit_trail(self, api: Api) -> None:
        made = await make_feed(api, "release-manager")
        await api.ok(REVOKE, {"i": {"id": made.id}}, as_user="release-manager")
        feed_id = from_global_id(made.id, "CalendarFeed")
        async with api.runtime.db.read_session() as session:
            await sealed(session)  # the writes' audit entries are journaled on PostgreSQL
            records = (
                await session.scalars(
                    select(AuditRecord)
                    .where(
                        AuditRecord.entity_type == "calendar_feed",
                        AuditRecord.entity_id == str(feed_id),
                    )
                    .order_by(AuditRecord.seq)
                )
            ).all()
            stored = await session.get(CalendarFeed, feed_id)
        assert [r.action for r in records] == ["calendar_feed.create", "calendar_feed.revoke"]
        assert {r.actor_username for r in records} == {"release-manager"}
        assert stored is not None and stored.token_hash == hash_api_token(made.secret)
        assert all(stored.token_hash not in str(r.after) + str(r.before) for r in records)

    async def test_an_api_token_cannot_mint_a_feed(self, api: Api) -> None:
        token = await api.ok(
            "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { secret errors { code } } }",
            {"i": {"name": unique("t"), "scopes": [{"role": "ORG_ADMIN"}]}},
        )
        body = await api.gql(
            CREATE, {"i": {}}, as_user=None, token=token["apiTokenCreate"]["secret"]
        )
        assert body["data"]["calendarFeedCreate"]["errors"] == [{"code": "FEED_NEEDS_A_PERSON"}]
        assert body["data"]["calendarFeedCreate"]["url"] is None
