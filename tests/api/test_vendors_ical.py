"""Vendor releases in the iCalendar feed: rendered as events naming the services they reach,
read back by an independent parser, and shown only to the people who may read them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import icalendar

from api.endpoints.ical import render
from api.graphql.relay import from_global_id
from domain.read import calendar_feed as feed_view
from domain.read.calendar_feed import FeedContent, FeedImpact, FeedVendorRelease
from tests.api.conftest import Api
from tests.api.test_vendors_api import link, service, vendor, vendor_release

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
CREATE_FEED = (
    """mutation { calendarFeedCreate(input: {revokeOthers: true}) { url errors { code } } }"""
)


def a_vendor_release(**kw: Any) -> FeedVendorRelease:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "title": "Network certificate rotation",
        "release_version": "4.2.0",
        "vendor_name": "Acme Card Networks",
        "description": "Rotates the TLS certificates of the card network.",
        "bu_key": "payments",
        "bu_name": "Payments",
        "starts_at": datetime(2026, 12, 15, 6, 0, tzinfo=UTC),
        "ends_at": datetime(2026, 12, 15, 7, 0, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
        "version": 2,
        "impacted": (
            FeedImpact("card-gateway", "Card Gateway", "payments"),
            FeedImpact("checkout", "Checkout", "retail", via="card-gateway"),
        ),
    }
    return FeedVendorRelease(**{**values, **kw})


def events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).events}


class TestAVendorReleaseIsAnEvent:
    def test_with_its_vendor_version_times_and_the_services_it_reaches(self) -> None:
        v = a_vendor_release()
        content = FeedContent(
            owner="Victor Hale",
            releases=(),
            freezes=(),
            since=NOW - feed_view.FEED_HORIZON,
            truncated=False,
            vendor_releases=(v,),
        )
        event = events(render(content, feed_id="f", now=NOW))[f"vendor-release-{v.id}@signalbox"]
        assert str(event["SUMMARY"]) == (
            "Vendor release: Acme Card Networks 4.2.0, Network certificate rotation [payments]"
        )
        assert (event.start, event.end) == (v.starts_at, v.ends_at)
        assert event["SEQUENCE"] == 2
        text = str(event["DESCRIPTION"])
        assert "Services using the vendor: Card Gateway (card-gateway, payments)" in text
        assert "Services depending on those: Checkout (checkout, retail, through card-gateway)" in (
            text
        )
        assert "Vendor release" in [str(c) for c in event["CATEGORIES"].cats]


class TestTheFeedShowsVendorReleasesToThoseWhoMayReadThem:
    async def test_payments_sees_its_vendors_release_retail_only_once_it_is_reached(
        self, api: Api
    ) -> None:
        v = await vendor(api)
        made = await vendor_release(api, v)
        uid = f"vendor-release-{from_global_id(made['id'])}@signalbox"

        async def seen_by(user: str) -> set[str]:
            data = await api.ok(CREATE_FEED, as_user=user)
            path = data["calendarFeedCreate"]["url"].removeprefix("http://signalbox.test")
            response = await api.http.get(path)
            assert response.status_code == 200
            return set(events(response.content))

        assert uid not in await seen_by("retail-admin")
        assert uid in await seen_by("viewer")
        await link(api, await service(api, bu="retail"), v)
        assert uid in await seen_by("retail-admin")
