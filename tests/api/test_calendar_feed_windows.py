"""Deployment windows in the secret iCalendar feed end to end (SQLite and PostgreSQL): planned
through GraphQL, read over HTTP by the feed's person within their grants, and the whole feed
read back by two independent expanders with no event ending before it starts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import icalendar
import recurring_ical_events
from ical.calendar_stream import IcsCalendarStream

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, ids, unique
from tests.api.test_calendar_api import PLAN
from tests.api.test_calendar_feed import make_feed, uids


async def planned_window(api: Api) -> tuple[str, str]:
    """A maintenance window of payments in the coming weeks; (its feed UID, its title)."""
    start = api.runtime.clock.now().replace(minute=0, second=0, microsecond=0) + timedelta(
        days=random.randrange(2, 40), hours=random.randrange(0, 24)
    )
    title = unique("Patch night")
    data = await api.ok(
        PLAN,
        {
            "i": {
                "businessUnitId": (await ids(api))["payments"],
                "kind": "MAINTENANCE",
                "title": title,
                "startsAt": start.isoformat(),
                "endsAt": (start + timedelta(hours=1)).isoformat(),
            }
        },
        as_user="release-manager",
    )
    made = data["deploymentWindowPlan"]
    assert made["errors"] == [], made["errors"]
    window_id = from_global_id(made["deploymentWindow"]["id"], "DeploymentWindow")
    return f"window-{window_id}@signalbox", title


class TestAWindowIsInTheFeed:
    async def test_its_bu_readers_see_it_and_others_do_not(self, api: Api) -> None:
        uid, title = await planned_window(api)
        body = (await api.http.get((await make_feed(api, "viewer")).path)).content
        [event] = [e for e in icalendar.Calendar.from_ical(body).events if str(e["UID"]) == uid]
        assert str(event["SUMMARY"]) == f"Window: {title} [payments]"
        assert "Deployment window" in event.categories and event.end > event.start
        elsewhere = (await api.http.get((await make_feed(api, "retail-admin")).path)).content
        assert uid not in uids(elsewhere)

    async def test_the_whole_feed_reads_cleanly_in_two_expanders(self, api: Api) -> None:
        await planned_window(api)
        body = (await api.http.get((await make_feed(api, "rmo")).path)).content
        now = api.runtime.clock.now()
        span = (now - timedelta(days=90), now + timedelta(days=400))
        cal = icalendar.Calendar.from_ical(body)
        # recurring-ical-events gives every occurrence a DTEND: ask the document which have one.
        with_end = {str(e["UID"]) for e in cal.events if "DTEND" in e}
        seen = recurring_ical_events.of(cal).between(*span)
        kinds = {c for e in seen for c in e.categories}
        assert "Deployment window" in kinds
        for e in seen:
            assert e.end.astimezone(UTC) >= e.start.astimezone(UTC), e["UID"]
            if str(e["UID"]) in with_end:
                assert e.end.astimezone(UTC) > e.start.astimezone(UTC), e["UID"]
        timeline = IcsCalendarStream.calendar_from_ics(body.decode()).timeline_tz(UTC)
        found = list(timeline.overlapping(*span))
        assert len(found) == len(seen)
        assert all(e.end_datetime >= e.start_datetime for e in found)
        assert isinstance(found[0].start_datetime, datetime)
