"""The feed as subscribers read it, checked with three independent parsers: `icalendar` with
`recurring-ical-events` (what many Python clients use), `ical` (Home Assistant's calendar,
its own RFC 5545 expansion) and `vobject`. Subscribers must see a freeze exactly where
Signalbox enforces it: on daylight-saving days (Europe/Berlin, America/New_York), and for
whole-day freezes seen from other time zones. No database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

from api.endpoints.ical import render
from domain.calendar.recurrence import Timing, occurrences
from domain.read import calendar_feed as feed_view
from domain.read.calendar_feed import FeedContent, FeedFlagFlip, FeedFreeze
from domain.read.calendar_feed_events import (
    FeedEvents,
    FeedException,
    FeedUnauthorizedChange,
    FeedWindow,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
STAMP = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
Span = tuple[datetime, datetime]


def local(tz: ZoneInfo, y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=tz).astimezone(UTC)


def feed_freeze(t: Timing, *, recur_until: datetime | None = None) -> FeedFreeze:
    """A freeze as the feed view makes it, daylight-saving overrides included."""
    return FeedFreeze(
        id=uuid.uuid4(),
        title="Night freeze",
        reason="Batch settlement runs.",
        scope="org",
        bu_key=None,
        bu_name=None,
        tiers=(),
        environments=(),
        starts_at=t.starts_at,
        ends_at=t.ends_at,
        tzid=t.tzid,
        rrule=t.rrule,
        recur_until=recur_until,
        updated_at=STAMP,
        version=2,
        shifted=feed_view.shifted_occurrences(t, NOW - feed_view.FEED_HORIZON, NOW),
    )


def feed(
    freezes: tuple[FeedFreeze, ...] = (), events: FeedEvents | None = None, **kw: object
) -> bytes:
    content = FeedContent(
        owner="Victor Hale",
        releases=(),
        freezes=freezes,
        since=NOW - feed_view.FEED_HORIZON,
        truncated=False,
        events=events or FeedEvents(),
        **kw,  # type: ignore[arg-type]
    )
    return render(content, feed_id="f", now=NOW)


def by_recurring_ical_events(body: bytes, uid: str, start: datetime, end: datetime) -> list[Span]:
    cal = icalendar.Calendar.from_ical(body)
    return sorted(
        (e.start.astimezone(UTC), e.end.astimezone(UTC))
        for e in recurring_ical_events.of(cal).between(start, end)
        if str(e["UID"]) == uid
    )


def by_ical(body: bytes, uid: str, start: datetime, end: datetime) -> list[Span]:
    cal = IcsCalendarStream.calendar_from_ics(body.decode())
    return sorted(
        (e.start_datetime.astimezone(UTC), e.end_datetime.astimezone(UTC))
        for e in cal.timeline_tz(UTC).overlapping(start, end)
        if e.uid == uid
    )


PARSERS = [by_recurring_ical_events, by_ical]


def enforced(t: Timing, start: datetime, end: datetime) -> list[Span]:
    return [(o.starts_at, o.ends_at) for o in occurrences(t, start, end)]


BERLIN_SUNDAY_NIGHT = Timing(
    local(BERLIN, 2026, 3, 1, 2, 30), local(BERLIN, 2026, 3, 1, 3, 10), "Europe/Berlin",
    "FREQ=WEEKLY;BYDAY=SU",
)  # fmt: skip
NEW_YORK_NIGHTLY = Timing(
    local(NEW_YORK, 2026, 3, 1, 2, 15), local(NEW_YORK, 2026, 3, 1, 3, 45), "America/New_York",
    "FREQ=DAILY",
)  # fmt: skip
RANGE = (datetime(2026, 2, 20, tzinfo=UTC), datetime(2027, 4, 20, tzinfo=UTC))


class TestAFreezeStartingInADaylightSavingGap:
    @pytest.mark.parametrize("parser", PARSERS)
    @pytest.mark.parametrize("timing", [BERLIN_SUNDAY_NIGHT, NEW_YORK_NIGHTLY])
    def test_subscribers_see_every_occurrence_where_it_is_enforced(
        self, timing: Timing, parser
    ) -> None:  # type: ignore[no-untyped-def]
        f = feed_freeze(timing)
        seen = parser(feed((f,)), f"freeze-{f.id}@signalbox", *RANGE)
        assert seen == enforced(timing, *RANGE)
        assert len(seen) > 50 and all(end > start for start, end in seen)

    @pytest.mark.parametrize("parser", PARSERS)
    def test_the_gap_night_is_shifted_forward_and_keeps_its_length(self, parser) -> None:  # type: ignore[no-untyped-def]
        f = feed_freeze(BERLIN_SUNDAY_NIGHT)
        body = feed((f,))
        night = (local(BERLIN, 2026, 3, 29), local(BERLIN, 2026, 3, 30))
        [(start, end)] = parser(body, f"freeze-{f.id}@signalbox", *night)
        assert start.astimezone(BERLIN).strftime("%H:%M %Z") == "03:30 CEST"
        assert end - start == timedelta(minutes=40)

    def test_each_shifted_night_is_an_override_of_the_series(self) -> None:
        f = feed_freeze(NEW_YORK_NIGHTLY)
        body = feed((f,))
        assert b"RECURRENCE-ID;TZID=America/New_York:20260308T021500\r\n" in body
        assert b"RECURRENCE-ID;TZID=America/New_York:20270314T021500\r\n" in body
        overrides = [
            e
            for e in icalendar.Calendar.from_ical(body).events
            if "RECURRENCE-ID" in e and str(e["UID"]) == f"freeze-{f.id}@signalbox"
        ]
        # Five years ahead of now (1 February 2026), one spring-forward night a year.
        assert [o.start.year for o in overrides] == [2026, 2027, 2028, 2029, 2030]
        first = overrides[0]
        assert first.start == datetime(2026, 3, 8, 3, 15, tzinfo=NEW_YORK)
        assert first.end == datetime(2026, 3, 8, 4, 45, tzinfo=NEW_YORK)
        assert first["SEQUENCE"] == 2 and first["DTSTAMP"].dt == STAMP

    def test_a_freeze_away_from_the_gap_needs_no_override(self) -> None:
        t = Timing(
            local(BERLIN, 2026, 3, 1, 22), local(BERLIN, 2026, 3, 2, 6), "Europe/Berlin",
            "FREQ=DAILY",
        )  # fmt: skip
        assert b"RECURRENCE-ID" not in feed((feed_freeze(t),))


class TestWholeDayFreezesLandOnTheirDaysInEveryZone:
    CHRISTMAS = Timing(
        local(AMSTERDAM, 2026, 12, 24), local(AMSTERDAM, 2026, 12, 27), "Europe/Amsterdam",
        "FREQ=YEARLY",
    )  # fmt: skip
    FIRST_OF_THE_MONTH = Timing(
        local(AMSTERDAM, 2026, 2, 1), local(AMSTERDAM, 2026, 2, 2), "Europe/Amsterdam",
        "FREQ=MONTHLY",
    )  # fmt: skip

    def test_they_carry_their_time_zone_not_floating_dates(self) -> None:
        until = feed_view.recur_until("FREQ=YEARLY", local(AMSTERDAM, 2028, 12, 24, 12))
        f = feed_freeze(self.CHRISTMAS, recur_until=until)
        body = feed((f,))
        assert b"DTSTART;TZID=Europe/Amsterdam:20261224T000000\r\n" in body
        assert b"DTEND;TZID=Europe/Amsterdam:20261227T000000\r\n" in body
        assert b"VALUE=DATE" not in body
        assert b"RRULE:FREQ=YEARLY;UNTIL=20281224T105959Z\r\n" in body
        seen = by_recurring_ical_events(body, f"freeze-{f.id}@signalbox", *RANGE_YEARS)
        assert [s.astimezone(AMSTERDAM).date() for s, _ in seen] == [
            date(y, 12, 24) for y in (2026, 2027, 2028)
        ]

    @pytest.mark.parametrize("parser", PARSERS)
    @pytest.mark.parametrize("subscriber", [AMSTERDAM, NEW_YORK, TOKYO])
    def test_a_subscriber_anywhere_sees_the_span_that_binds(self, parser, subscriber) -> None:  # type: ignore[no-untyped-def]
        f = feed_freeze(self.CHRISTMAS)
        seen = parser(feed((f,)), f"freeze-{f.id}@signalbox", *RANGE_YEARS)
        assert seen == enforced(self.CHRISTMAS, *RANGE_YEARS)
        first_start, first_end = (t.astimezone(subscriber) for t in seen[0])
        expected = {
            "Europe/Amsterdam": ("2026-12-24 00:00", "2026-12-27 00:00"),
            "America/New_York": ("2026-12-23 18:00", "2026-12-26 18:00"),
            "Asia/Tokyo": ("2026-12-24 08:00", "2026-12-27 08:00"),
        }[str(subscriber)]
        assert (
            first_start.strftime("%Y-%m-%d %H:%M"),
            first_end.strftime("%Y-%m-%d %H:%M"),
        ) == expected

    @pytest.mark.parametrize("parser", PARSERS)
    def test_a_monthly_whole_day_stays_midnight_to_midnight_in_summer_and_winter(
        self, parser
    ) -> None:  # type: ignore[no-untyped-def]
        f = feed_freeze(self.FIRST_OF_THE_MONTH)
        seen = parser(feed((f,)), f"freeze-{f.id}@signalbox", *RANGE)
        assert len(seen) == 14 and seen == enforced(self.FIRST_OF_THE_MONTH, *RANGE)
        for start, end in seen:
            start_there, end_there = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
            assert (start_there.day, start_there.hour, end_there.day, end_there.hour) == (
                1,
                0,
                2,
                0,
            )


RANGE_YEARS = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC))


def every_kind() -> tuple[FeedEvents, FeedFlagFlip]:
    start = datetime(2026, 2, 10, 20, 0, tzinfo=UTC)
    window = FeedWindow(
        id=uuid.uuid4(),
        kind="release",
        title="Card vault go-live",
        environment="production-eu",
        bu_key="payments",
        bu_name="Payments",
        release_title="Card vault 4.2",
        services=("card-vault", "ledger"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        updated_at=STAMP,
        version=3,
    )
    exception = FeedException(
        id=uuid.uuid4(),
        status="requested",
        justification="Card scheme mandate.",
        freeze_title="Quarter-end close",
        release_title="Card vault 4.2",
        window_title="Card vault go-live",
        environment="production-eu",
        bu_key="payments",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        expires_at=start + timedelta(hours=2),
        updated_at=STAMP,
        version=1,
    )
    change = FeedUnauthorizedChange(
        id=uuid.uuid4(),
        status="open",
        service_key="ledger",
        service_name="Ledger",
        environment="production-eu",
        artifact_version="9.9.9",
        bu_key="payments",
        release_title=None,
        source="cdevents",
        reason="No allowed promotion of 9.9.9 to production-eu.",
        deployed_by="jenkins",
        finding="",
        detected_at=datetime(2026, 1, 20, 3, 4, tzinfo=UTC),
        reviewed_at=None,
        updated_at=STAMP,
        version=1,
    )
    flip = FeedFlagFlip(
        id=uuid.uuid4(),
        flag_id=uuid.uuid4(),
        flag_key="new-checkout",
        action="environment",
        environment="production-eu",
        bu_key="payments",
        flipped_by="Rita",
        reason="Ramp.",
        note="",
        enabled=True,
        rollout_percentages=(25,),
        updated_at=datetime(2026, 1, 21, 10, 0, tzinfo=UTC),
        version=1,
    )
    return FeedEvents(
        windows=(window,), exceptions=(exception,), unauthorized_changes=(change,)
    ), flip


class TestWindowsExceptionsAndUnauthorizedChanges:
    def test_each_is_a_vevent_with_stable_uid_categories_stamp_and_sequence(self) -> None:
        events, flip = every_kind()
        body = feed(events=events, flag_flips=(flip,))
        found = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).events}
        (w,), (x,), (c,) = events.windows, events.exceptions, events.unauthorized_changes
        window = found[f"window-{w.id}@signalbox"]
        assert window.start == w.starts_at and window.end == w.ends_at
        assert {"Deployment window", "release", "payments"} <= set(window.categories)
        assert (window["SEQUENCE"], window["DTSTAMP"].dt, window["LAST-MODIFIED"].dt) == (
            3,
            STAMP,
            STAMP,
        )
        assert "Services: card-vault, ledger" in str(window["DESCRIPTION"])
        exception = found[f"freeze-exception-{x.id}@signalbox"]
        assert str(exception["STATUS"]) == "TENTATIVE"
        assert "through Quarter-end close" in str(exception["SUMMARY"])
        assert {"Freeze exception", "payments"} <= set(exception.categories)
        change = found[f"unauthorized-change-{c.id}@signalbox"]
        assert str(change["SUMMARY"]) == (
            "Unauthorized change: ledger 9.9.9 in production-eu [payments]"
        )
        assert {"Unauthorized change", "payments", "open"} <= set(change.categories)
        assert change.start == c.detected_at and "DTEND" not in change
        assert "DTEND" not in found[f"flag-change-{flip.id}@signalbox"]

    def test_an_approved_exception_is_confirmed(self) -> None:
        events, _ = every_kind()
        (x,) = events.exceptions
        approved = FeedEvents(exceptions=(FeedException(**{**_fields(x), "status": "approved"}),))
        (event,) = icalendar.Calendar.from_ical(feed(events=approved)).events
        assert str(event["STATUS"]) == "CONFIRMED"


def _fields(x: object) -> dict[str, object]:
    return {name: getattr(x, name) for name in x.__slots__}  # type: ignore[attr-defined]


class TestEveryParserReadsTheWholeFeed:
    def test_no_event_ends_before_it_starts_for_any_parser(self) -> None:
        events, flip = every_kind()
        freezes = (
            feed_freeze(BERLIN_SUNDAY_NIGHT),
            feed_freeze(NEW_YORK_NIGHTLY),
            feed_freeze(TestWholeDayFreezesLandOnTheirDaysInEveryZone.CHRISTMAS),
        )
        body = feed(freezes, events, flag_flips=(flip,))
        parsed = vobject.readOne(body.decode())
        vevents = parsed.vevent_list
        assert len(vevents) == 3 + 3 + 1 + 5 + 5  # the two night freezes' overrides included
        for v in vevents:
            if hasattr(v, "dtend"):
                assert v.dtend.value.astimezone(UTC) > v.dtstart.value.astimezone(UTC), v.uid.value
        window = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 12, 31, tzinfo=UTC))
        cal = icalendar.Calendar.from_ical(body)
        seen = recurring_ical_events.of(cal).between(*window)
        instants = {"Unauthorized change", "Flag flip"}
        for e in seen:
            start, end = e.start.astimezone(UTC), e.end.astimezone(UTC)
            assert end > start or (end == start and instants & set(e.categories)), e["UID"]
        for e in (
            IcsCalendarStream.calendar_from_ics(body.decode()).timeline_tz(UTC).overlapping(*window)
        ):
            assert e.end_datetime >= e.start_datetime, e.uid


class TestAFreezeProposedInTheSecondPassOfAFold:
    # 01:30 EST on 1 November 2026, the second 01:30 in New York: the wall clock alone reads
    # as 01:30 EDT, an hour earlier than the freeze binds.
    START = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK, fold=1).astimezone(UTC)

    @pytest.mark.parametrize("parser", PARSERS)
    def test_a_weekly_one_starts_when_it_binds_and_recurs_at_the_wall_clock(self, parser) -> None:  # type: ignore[no-untyped-def]
        t = Timing(
            self.START, self.START + timedelta(minutes=20), "America/New_York", "FREQ=WEEKLY"
        )
        f = feed_freeze(t)
        span = (self.START - timedelta(days=1), self.START + timedelta(days=30))
        seen = parser(feed((f,)), f"freeze-{f.id}@signalbox", *span)
        assert seen == enforced(t, *span)
        assert seen[0] == (
            datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
            datetime(2026, 11, 1, 6, 50, tzinfo=UTC),
        )

    @pytest.mark.parametrize("parser", PARSERS)
    def test_a_one_off_is_stated_in_utc(self, parser) -> None:  # type: ignore[no-untyped-def]
        t = Timing(self.START, self.START + timedelta(minutes=20), "America/New_York")
        f = feed_freeze(t)
        body = feed((f,))
        assert b"DTSTART:20261101T063000Z\r\n" in body
        span = (self.START - timedelta(days=1), self.START + timedelta(days=1))
        assert parser(body, f"freeze-{f.id}@signalbox", *span) == enforced(t, *span)
