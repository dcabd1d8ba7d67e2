"""The feed's iCalendar text, read back by independent parsers (icalendar and
recurring-ical-events), without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from api.endpoints.ical import looks_like_feed_secret, new_feed_secret, render
from authz.api_tokens import hash_api_token, looks_like_api_token
from domain.read import calendar_feed as feed_view
from domain.read.calendar_feed import FeedContent, FeedFreeze, FeedRelease

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
QUARTER_END = "FREQ=MONTHLY;BYMONTH=3,6,9,12;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-3,-2,-1"


def a_release(**kw: object) -> FeedRelease:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "title": "Card vault 4.2",
        "description": "New tokenisation path.",
        "status": "scheduled",
        "release_type": "standard",
        "bu_key": "payments",
        "bu_name": "Payments",
        "environments": ("production",),
        "starts_at": datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 3, 11, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        "version": 3,
    }
    return FeedRelease(**{**values, **kw})  # type: ignore[arg-type]


def a_freeze(**kw: object) -> FeedFreeze:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "title": "Quarter-end close",
        "reason": "Finance closes the books.",
        "scope": "org",
        "bu_key": None,
        "bu_name": None,
        "tiers": (),
        "environments": (),
        "starts_at": datetime(2026, 12, 29, 18, 0, tzinfo=AMS).astimezone(UTC),
        "ends_at": datetime(2026, 12, 29, 23, 59, tzinfo=AMS).astimezone(UTC),
        "tzid": "Europe/Amsterdam",
        "rrule": QUARTER_END,
        "recur_until": None,
        "updated_at": datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        "version": 2,
    }
    return FeedFreeze(**{**values, **kw})  # type: ignore[arg-type]


def content(
    releases: tuple[FeedRelease, ...] = (), freezes: tuple[FeedFreeze, ...] = ()
) -> FeedContent:
    return FeedContent(
        owner="Victor Hale",
        releases=releases,
        freezes=freezes,
        since=NOW - feed_view.FEED_HORIZON,
        truncated=False,
    )


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def occurrences(body: bytes, start: date, end: date, uid: str) -> list[icalendar.Event]:
    cal = parse(body)
    return [e for e in recurring_ical_events.of(cal).between(start, end) if str(e["UID"]) == uid]


class TestTheQuarterEndFreezeRecursAsAnRrule:
    def test_the_rule_is_kept_not_expanded(self) -> None:
        f = a_freeze()
        cal = parse(render(content(freezes=(f,)), feed_id="f", now=NOW))
        (event,) = [e for e in cal.events if str(e["UID"]) == f"freeze-{f.id}@signalbox"]
        assert event["RRULE"].to_ical().decode() == (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYMONTH=3,6,9,12;BYSETPOS=-3,-2,-1"
        )
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert event["DTEND"].params["TZID"] == "Europe/Amsterdam"

    def test_it_lands_on_the_last_three_weekdays_of_each_quarter_at_local_time(self) -> None:
        f = a_freeze()
        body = render(content(freezes=(f,)), feed_id="f", now=NOW)
        found = occurrences(body, date(2026, 12, 1), date(2027, 7, 1), f"freeze-{f.id}@signalbox")
        starts = [e.start for e in found]
        assert [s.date() for s in starts] == [
            date(2026, 12, 29),
            date(2026, 12, 30),
            date(2026, 12, 31),
            date(2027, 3, 29),
            date(2027, 3, 30),
            date(2027, 3, 31),
            date(2027, 6, 28),
            date(2027, 6, 29),
            date(2027, 6, 30),
        ]
        # 18:00 on the wall clock in winter and in summer alike: UTC moves, local does not.
        assert {(s.hour, s.minute) for s in starts} == {(18, 0)}
        assert {(e.end.hour, e.end.minute) for e in found} == {(23, 59)}
        assert starts[0].astimezone(UTC).hour == 17  # CET
        assert starts[3].astimezone(UTC).hour == 16  # CEST, after 2027-03-28

    def test_a_vtimezone_is_included_for_the_tzid(self) -> None:
        cal = parse(render(content(freezes=(a_freeze(),)), feed_id="f", now=NOW))
        assert [str(tz["TZID"]) for tz in cal.timezones] == ["Europe/Amsterdam"]
        assert cal.get_missing_tzids() == set()

    def test_effective_until_stops_the_recurrence_with_a_utc_until(self) -> None:
        # The 2027-03-31 occurrence starts at 16:00 UTC (18:00 CEST): it counts when the freeze
        # is still effective then, and not when it stops being effective at that very instant.
        for until, last, count in (
            (datetime(2027, 3, 31, 16, 30, tzinfo=UTC), date(2027, 3, 31), 6),
            (datetime(2027, 3, 31, 16, 0, tzinfo=UTC), date(2027, 3, 30), 5),
        ):
            f = a_freeze(recur_until=feed_view.recur_until(QUARTER_END, until))
            body = render(content(freezes=(f,)), feed_id="f", now=NOW)
            assert b";UNTIL=202703" in body and b"Z;" in body
            uid = f"freeze-{f.id}@signalbox"
            found = occurrences(body, date(2026, 12, 1), date(2028, 1, 1), uid)
            assert (found[-1].start.date(), len(found)) == (last, count)


class TestWholeDayFreezes:
    # Changed on purpose: whole-day freezes were floating DATE values, which subscribers in
    # other zones saw shifted; they are now date-times in the freeze's zone (TZID).
    def test_midnight_to_midnight_is_written_in_its_zone(self) -> None:
        f = a_freeze(
            rrule=None,
            starts_at=datetime(2026, 12, 24, tzinfo=AMS).astimezone(UTC),
            ends_at=datetime(2026, 12, 27, tzinfo=AMS).astimezone(UTC),
        )
        body = render(content(freezes=(f,)), feed_id="f", now=NOW)
        (event,) = parse(body).events
        assert event.start == f.starts_at and event.end == f.ends_at
        assert b"DTSTART;TZID=Europe/Amsterdam:20261224T000000" in body
        assert b"VALUE=DATE" not in body
        assert "Whole days in Europe/Amsterdam" in str(event["DESCRIPTION"])

    def test_a_yearly_whole_day_freeze_keeps_its_days_and_a_utc_until(self) -> None:
        f = a_freeze(
            rrule=feed_view.recurrence_rule("RRULE:FREQ=YEARLY"),
            starts_at=datetime(2026, 12, 24, tzinfo=AMS).astimezone(UTC),
            ends_at=datetime(2026, 12, 26, tzinfo=AMS).astimezone(UTC),
            recur_until=feed_view.recur_until(
                "FREQ=YEARLY", datetime(2028, 12, 24, 12, tzinfo=AMS).astimezone(UTC)
            ),
        )
        body = render(content(freezes=(f,)), feed_id="f", now=NOW)
        assert b"RRULE:FREQ=YEARLY;UNTIL=20281224T105959Z\r\n" in body
        found = occurrences(body, date(2026, 1, 1), date(2031, 1, 1), f"freeze-{f.id}@signalbox")
        assert [e.start for e in found] == [
            datetime(y, 12, 24, tzinfo=AMS) for y in (2026, 2027, 2028)
        ]
        assert {e.end - e.start for e in found} == {timedelta(days=2)}


class TestReleaseEvents:
    def test_a_release_carries_the_standard_properties(self) -> None:
        r = a_release()
        (event,) = parse(render(content(releases=(r,)), feed_id="f", now=NOW)).events
        assert str(event["UID"]) == f"release-{r.id}@signalbox"
        assert event.start == r.starts_at and event.end == r.ends_at
        assert event["DTSTAMP"].dt == r.updated_at
        assert event["LAST-MODIFIED"].dt == r.updated_at
        assert event["SEQUENCE"] == 3
        assert str(event["STATUS"]) == "CONFIRMED"
        assert "payments" in event.categories and "Release" in event.categories
        assert "Card vault 4.2" in str(event["SUMMARY"])
        assert "New tokenisation path." in str(event["DESCRIPTION"])

    def test_a_release_not_yet_approved_is_tentative(self) -> None:
        (event,) = parse(
            render(content(releases=(a_release(status="submitted"),)), feed_id="f", now=NOW)
        ).events
        assert str(event["STATUS"]) == "TENTATIVE"


class TestTheCalendar:
    def test_it_names_itself_and_asks_to_be_refreshed(self) -> None:
        cal = parse(render(content(), feed_id="f", now=NOW))
        assert str(cal["X-WR-CALNAME"]) == "Signalbox release calendar"
        assert cal["REFRESH-INTERVAL"].dt == timedelta(hours=1)
        assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
        assert cal["X-PUBLISHED-TTL"] == "PT1H"
        assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//Signalbox")

    def test_the_same_data_renders_the_same_bytes(self) -> None:
        c = content(releases=(a_release(),), freezes=(a_freeze(),))
        assert render(c, feed_id="f", now=NOW) == render(c, feed_id="f", now=NOW + timedelta(1))


class TestFeedSecrets:
    def test_a_secret_is_long_random_and_no_bearer_token(self) -> None:
        secret, digest = new_feed_secret()
        assert looks_like_feed_secret(secret)
        assert not looks_like_api_token(secret)
        assert digest == hash_api_token(secret) and secret not in digest
        assert new_feed_secret()[0] != secret
