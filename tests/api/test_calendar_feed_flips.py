"""Production flag flips in the iCalendar feed: who flipped, why, what rollout it left, and the
change's id (SQLite and PostgreSQL); only for those who may read the flag."""

from __future__ import annotations

from api.graphql.relay import from_global_id
from tests.api.conftest import Api
from tests.api.test_calendar_feed import make_feed, parse
from tests.api.test_calendar_flag_flips import RAMP
from tests.api.test_flags_api import create_flag, set_state


class TestAFlipIsInTheFeed:
    async def test_the_event_says_who_why_what_rollout_and_links_the_change(self, api: Api) -> None:
        flag = await create_flag(api)
        done = await set_state(
            api, flag["id"], as_user="release-manager", rules=RAMP, reason="Ramp the checkout."
        )
        change_id = done["change"]["id"]
        uid = f"flag-change-{from_global_id(change_id)}@signalbox"
        body = (await api.http.get((await make_feed(api, "viewer")).path)).content
        [event] = [e for e in parse(body).events if str(e["UID"]) == uid]
        assert (
            str(event["SUMMARY"]) == f"Flag environment: {flag['key']} in production-eu [payments]"
        )
        lines = str(event["DESCRIPTION"]).splitlines()
        assert lines[1:] == [
            "Why: Ramp the checkout.",
            "Left it on; rollout: 25%",
            f"Signalbox: FlagChange {change_id}",
        ]
        people = await api.ok("{ people(first: 500) { nodes { username displayName } } }")
        [name] = [
            n["displayName"]
            for n in people["people"]["nodes"]
            if n["username"] == "release-manager"
        ]
        assert lines[0] == f"Flipped by: {name}"
        elsewhere = (await api.http.get((await make_feed(api, "retail-admin")).path)).content
        assert uid not in {str(e["UID"]) for e in parse(elsewhere).events}
