"""Production support rotations through GraphQL: setting one up, its shifts at local hand-over
time, who is on shift, swaps with a reason, a production release's watchers (and the guardrail
that sets the secondary's hours), fairness, and the shifts in the iCalendar feed."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from api.graphql.relay import from_global_id
from tests.api.conftest import Api, unique
from tests.api.governance_support import audit_actions, new_bu, release
from tests.api.support_rotations_support import (
    ASSIGN,
    SHIFTS,
    SWAP,
    UPDATE,
    codes,
    days_ago,
    grant,
    person_of,
    production_release,
    rotation,
    swap,
    team_with_service,
    username_of,
)
from tests.api.test_calendar_feed import make_feed

ROTATIONS = "query($t: ID) { supportRotations(filter: {teamId: $t}) { nodes { id } } }"
ON_SHIFT = """query($t: ID, $s: ID) { supportOnShift(teamId: $t, serviceId: $s) {
  number member { id } rotation { id } } }"""
FAIRNESS = """query($r: ID!, $from: DateTime!, $to: DateTime!) {
  supportFairness(rotationId: $r, from: $from, to: $to) {
    member { id } shifts hoursOnShift releasePrimaries releaseSecondaries } }"""
WATCHERS = """query($id: ID!) { node(id: $id) { ... on Release { watchers {
  primary { id } secondary { id } secondaryHours secondaryUntil startsAt secondaryWatching } } } }"""
BU_GUARDRAILS = """mutation($i: GuardrailBusinessUnitUpdateInput!) {
  guardrailBusinessUnitUpdate(input: $i) { guardrailSet { version } errors { code } } }"""


async def _members(api: Api, count: int, bu: str = "payments") -> list[str]:
    bu_id = bu if ":" in bu else (await _bu_ids(api))[bu]
    return [await grant(api, bu_id) for _ in range(count)]


async def _bu_ids(api: Api) -> dict[str, str]:
    from tests.api.conftest import ids

    return await ids(api)


def _create_input(team: str, members: list[str], **kw: object) -> dict[str, object]:
    return {
        "teamId": team,
        "name": "Payments on call",
        "memberIds": members,
        "handoverTime": "09:00",
        "timeZone": "Europe/Zurich",
        "shiftLengthDays": 7,
        "startsOn": "2026-03-02",
        **kw,
    }


CREATE_ERRORS = """mutation($i: SupportRotationCreateInput!) { supportRotationCreate(input: $i) {
  supportRotation { id } errors { code field } } }"""


class TestSettingUpARotation:
    async def test_it_keeps_its_members_in_order_and_is_audited(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 3)
        made = await rotation(api, team, members, as_user="release-manager")
        assert [m["id"] for m in made["members"]] == members
        assert (made["handoverTime"], made["timeZone"], made["version"]) == ("00:00", "UTC", 1)
        assert "support_rotation.create" in await audit_actions(api, made["id"])

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"timeZone": "Mars/Olympus_Mons"}, "UNKNOWN_ZONE"),
            ({"handoverTime": "25:00"}, "INVALID_HANDOVER"),
            ({"shiftLengthDays": 0}, "INVALID_SHIFT_LENGTH"),
            ({"startsOn": "2026-02-30"}, "INVALID_START"),
            ({"memberIds": []}, "NO_MEMBERS"),
            ({"name": "  "}, "INVALID_NAME"),
        ],
    )
    async def test_bad_input_is_refused_and_nothing_is_stored(
        self, api: Api, change: dict[str, object], code: str
    ) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 2)
        body = await api.gql(CREATE_ERRORS, {"i": _create_input(team, members, **change)})
        assert codes(body) == [code]
        listed = await api.ok(ROTATIONS, {"t": team})
        assert listed["supportRotations"]["nodes"] == []

    async def test_a_member_outside_the_teams_business_unit_is_refused(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        outsider = await grant(api, (await _bu_ids(api))["retail"])
        inside = await _members(api, 1)
        body = await api.gql(CREATE_ERRORS, {"i": _create_input(team, [*inside, outsider])})
        assert codes(body) == ["MEMBER_NOT_IN_TEAM"]
        assert (await api.ok(ROTATIONS, {"t": team}))["supportRotations"]["nodes"] == []

    async def test_a_member_appears_once(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        [m] = await _members(api, 1)
        body = await api.gql(CREATE_ERRORS, {"i": _create_input(team, [m, m])})
        assert codes(body) == ["DUPLICATE_MEMBER"]

    async def test_a_team_has_one_rotation(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 2)
        await rotation(api, team, members)
        body = await api.gql(CREATE_ERRORS, {"i": _create_input(team, members)})
        assert codes(body) == ["ROTATION_EXISTS"]

    async def test_an_update_changes_the_hand_over_and_a_stale_version_conflicts(
        self, api: Api
    ) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 2)
        made = await rotation(api, team, members)
        changed = await api.ok(
            UPDATE, {"i": {"id": made["id"], "version": 1, "handoverTime": "08:30"}}
        )
        assert changed["supportRotationUpdate"]["supportRotation"]["handoverTime"] == "08:30"
        assert changed["supportRotationUpdate"]["supportRotation"]["version"] == 2
        stale = await api.gql(UPDATE, {"i": {"id": made["id"], "version": 1, "name": "X"}})
        assert codes(stale) == ["VERSION_CONFLICT"]
        assert "support_rotation.update" in await audit_actions(api, made["id"])


class TestShifts:
    async def test_hand_overs_stay_at_local_time_across_daylight_saving(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 3)
        made = await rotation(
            api, team, members, starts_on="2026-03-02", days=7, handover="09:00", tz="Europe/Zurich"
        )
        data = await api.ok(
            SHIFTS,
            {"r": made["id"], "from": "2026-03-20T00:00:00Z", "to": "2026-04-10T00:00:00Z"},
        )
        found = data["supportShifts"]
        assert [s["number"] for s in found] == [2, 3, 4, 5]
        assert [s["startsAt"] for s in found[1:3]] == [
            "2026-03-23T08:00:00+00:00",  # 09:00 CET
            "2026-03-30T07:00:00+00:00",  # 09:00 CEST
        ]
        assert [s["member"]["id"] for s in found] == [members[n % 3] for n in (2, 3, 4, 5)]

    async def test_a_range_over_a_year_is_refused(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        made = await rotation(api, team, await _members(api, 1))
        body = await api.gql(
            SHIFTS, {"r": made["id"], "from": "2026-01-01T00:00:00Z", "to": "2027-06-01T00:00:00Z"}
        )
        assert body["errors"][0]["extensions"]["reason"] == "INVALID_RANGE"

    async def test_who_is_on_shift_now_for_the_team_and_for_its_service(self, api: Api) -> None:
        team, service = await team_with_service(api)
        members = await _members(api, 3)
        made = await rotation(api, team, members)  # daily from ten days ago: shift 10 now
        for variables in ({"t": team}, {"s": service}):
            found = (await api.ok(ON_SHIFT, variables))["supportOnShift"]
            assert (found["number"], found["member"]["id"]) == (10, members[10 % 3])
            assert found["rotation"]["id"] == made["id"]


class TestSwaps:
    async def test_a_swap_gives_the_shift_to_the_member_covering_it_and_says_why(
        self, api: Api
    ) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 3)
        made = await rotation(api, team, members)
        body = await swap(
            api, made["id"], 12, members[2], "Parental leave", as_user="release-manager"
        )
        assert codes(body) == []
        day = api.runtime.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        shifts = await api.ok(
            SHIFTS,
            {
                "r": made["id"],
                "from": (day + timedelta(days=2)).isoformat(),
                "to": (day + timedelta(days=3)).isoformat(),
            },
        )
        [shift] = shifts["supportShifts"]
        assert (shift["number"], shift["member"]["id"], shift["scheduledMember"]["id"]) == (
            12,
            members[2],
            members[0],
        )
        assert shift["swap"]["reason"] == "Parental leave"
        assert shift["swap"]["gaveAway"]["id"] == members[0]
        assert shift["swap"]["swappedBy"]["id"] == await person_of(api, "release-manager")
        assert "support_rotation.swap" in await audit_actions(api, made["id"])
        again = await swap(api, made["id"], 12, members[1], "Again")
        assert codes(again) == ["SHIFT_ALREADY_SWAPPED"]

    @pytest.mark.parametrize(
        ("number", "covering", "code"),
        [
            (3, 1, "PAST_SHIFT"),
            (12, None, "NOT_A_MEMBER"),
            (12, 0, "SAME_MEMBER"),
        ],
    )
    async def test_a_swap_that_cannot_be_is_refused_and_nothing_changes(
        self, api: Api, number: int, covering: int | None, code: str
    ) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 3)
        made = await rotation(api, team, members)
        other = members[covering] if covering is not None else (await _members(api, 1))[0]
        body = await swap(api, made["id"], number, other, "Because")
        assert codes(body) == [code]
        assert "support_rotation.swap" not in await audit_actions(api, made["id"])

    async def test_an_exchange_swaps_two_shifts_in_one_step(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 3)
        made = await rotation(api, team, members)
        giver = await username_of(api, members[0])
        # members[0] gives shift 12 to members[1] and takes members[1]'s shift 13 in return.
        exchange = {
            "rotationId": made["id"],
            "shiftNumber": 12,
            "coveringMemberId": members[1],
            "returnShiftNumber": 13,
            "reason": "Exchange for a wedding",
        }
        assert codes(await api.gql(SWAP, {"i": exchange}, as_user=giver)) == []
        day = api.runtime.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        found = await api.ok(
            SHIFTS,
            {
                "r": made["id"],
                "from": (day + timedelta(days=2)).isoformat(),
                "to": (day + timedelta(days=4)).isoformat(),
            },
        )
        assert [
            (s["number"], s["member"]["id"], s["swap"]["reason"]) for s in found["supportShifts"]
        ] == [
            (12, members[1], "Exchange for a wedding"),
            (13, members[0], "Exchange for a wedding"),
        ]
        assert (await audit_actions(api, made["id"])).count("support_rotation.swap") == 2
        # The shift given back must be the covering member's: nothing is stored otherwise.
        wrong = {**exchange, "shiftNumber": 15, "returnShiftNumber": 17}
        assert codes(await api.gql(SWAP, {"i": wrong}, as_user=giver)) == [
            "RETURN_SHIFT_NOT_THEIRS"
        ]
        assert (await audit_actions(api, made["id"])).count("support_rotation.swap") == 2

    async def test_a_new_order_voids_a_swap_it_no_longer_matches_and_a_new_one_replaces_it(
        self, api: Api
    ) -> None:
        team, _ = await team_with_service(api)
        a, b, c = await _members(api, 3)
        made = await rotation(api, team, [a, b, c])
        assert codes(await swap(api, made["id"], 12, c, "Holiday")) == []  # a's shift
        await api.ok(UPDATE, {"i": {"id": made["id"], "version": 1, "memberIds": [b, a, c]}})
        day = api.runtime.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        window = {
            "r": made["id"],
            "from": (day + timedelta(days=2)).isoformat(),
            "to": (day + timedelta(days=3)).isoformat(),
        }
        [voided] = (await api.ok(SHIFTS, window))["supportShifts"]
        assert (voided["member"]["id"], voided["swap"]) == (b, None)  # now b's, no swap
        assert codes(await swap(api, made["id"], 12, c, "Covering b instead")) == []
        [swapped] = (await api.ok(SHIFTS, window))["supportShifts"]
        assert (swapped["member"]["id"], swapped["swap"]["gaveAway"]["id"]) == (c, b)
        assert swapped["swap"]["reason"] == "Covering b instead"

    async def test_a_member_swaps_only_a_shift_they_give_away_or_take(self, api: Api) -> None:
        team, _ = await team_with_service(api)
        members = await _members(api, 3)
        made = await rotation(api, team, members)
        first = await username_of(api, members[1])
        # Shift 12 is members[0]'s: members[1] may take it, but not hand it to members[2].
        not_theirs = await swap(api, made["id"], 12, members[2], "Trade", as_user=first)
        assert codes(not_theirs) == ["NOT_YOUR_SHIFT"]
        taken = await swap(api, made["id"], 12, members[1], "Trade", as_user=first)
        assert codes(taken) == []


class TestReleaseWatchers:
    async def _world(self, api: Api) -> tuple[str, str, str, list[str], dict[str, object]]:
        bu = await new_bu(api)
        team, service = await team_with_service(api, bu)
        members = [await grant(api, bu) for _ in range(3)]
        made = await rotation(api, team, members)
        return bu, team, service, members, made

    async def test_the_member_on_shift_and_the_least_loaded_author_watch(self, api: Api) -> None:
        bu, _, service, members, made = await self._world(api)
        ann = await grant(api, bu, name=unique("Ann"))
        bob = await grant(api, bu, name=unique("Bob"))
        day = api.runtime.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        opens = day + timedelta(days=2, hours=12)  # shift 12
        first = await production_release(api, bu, service, opens, authors=[bob, ann])
        assigned = await api.ok(ASSIGN, {"i": {"releaseId": first["id"]}})
        watch = assigned["releaseWatchersAssign"]["releaseWatchers"]
        assert watch["primary"]["id"] == members[12 % 3]
        assert watch["secondary"]["id"] == ann  # no assignments yet: by name
        assert watch["rotation"]["id"] == made["id"]
        assert datetime.fromisoformat(watch["secondaryUntil"]) == opens + timedelta(hours=24)
        second = await production_release(
            api, bu, service, opens + timedelta(hours=3), authors=[bob, ann]
        )
        assigned = await api.ok(ASSIGN, {"i": {"releaseId": second["id"]}})
        assert assigned["releaseWatchersAssign"]["releaseWatchers"]["secondary"]["id"] == bob
        shown = await api.ok(WATCHERS, {"id": second["id"]})
        assert shown["node"]["watchers"]["primary"]["id"] == members[12 % 3]
        assert shown["node"]["watchers"]["secondaryWatching"] is False  # not open yet
        assert await audit_actions(api, watch["id"]) == ["release_watch.assign"]
        twice = await api.gql(ASSIGN, {"i": {"releaseId": second["id"]}})
        assert codes(twice) == ["WATCHERS_ASSIGNED"]
        loads = await api.ok(
            FAIRNESS,
            {"r": made["id"], "from": day.isoformat(), "to": (day + timedelta(days=7)).isoformat()},
        )
        by_member = {m["member"]["id"]: m for m in loads["supportFairness"]}
        assert by_member[members[0]]["releasePrimaries"] == 2
        # Shifts 10 to 16 start that week: 12 and 15 are members[0]'s, 10, 13 and 16 members[1]'s.
        assert {m: by_member[m]["shifts"] for m in members} == {
            members[0]: 2,
            members[1]: 3,
            members[2]: 2,
        }
        assert by_member[ann]["releaseSecondaries"] == by_member[bob]["releaseSecondaries"] == 1

    async def test_the_secondary_watches_for_the_first_hours_after_the_window_opens(
        self, api: Api
    ) -> None:
        bu, _, service, members, _ = await self._world(api)
        author = await grant(api, bu)
        now = api.runtime.clock.now()
        opened = await production_release(
            api, bu, service, now - timedelta(hours=2), authors=[author]
        )
        long_ago = await production_release(
            api, bu, service, now - timedelta(hours=30), authors=[author]
        )
        for rel in (opened, long_ago):
            await api.ok(ASSIGN, {"i": {"releaseId": rel["id"]}})
        shown = (await api.ok(WATCHERS, {"id": opened["id"]}))["node"]["watchers"]
        assert (shown["secondary"]["id"], shown["secondaryWatching"]) == (author, True)
        assert shown["primary"]["id"] == members[(10 if now.hour >= 2 else 9) % 3]
        over = (await api.ok(WATCHERS, {"id": long_ago["id"]}))["node"]["watchers"]
        assert over["secondaryWatching"] is False  # 24 hours are over

    async def test_the_guardrail_lengthens_the_secondarys_watch(self, api: Api) -> None:
        bu, _, service, _, _ = await self._world(api)
        author = await grant(api, bu)
        opens = api.runtime.clock.now().replace(microsecond=0) + timedelta(days=3)
        before = await production_release(api, bu, service, opens, authors=[author])
        after = await production_release(api, bu, service, opens, authors=[author])

        async def assign(rel: dict[str, object]) -> dict[str, object]:
            data = await api.ok(ASSIGN, {"i": {"releaseId": rel["id"]}})
            return data["releaseWatchersAssign"]["releaseWatchers"]  # type: ignore[no-any-return]

        default = await assign(before)
        saved = await api.ok(
            BU_GUARDRAILS,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {"release_secondary_hours": 72},
                    "version": 0,
                    "note": "Longer watch",
                }
            },
        )
        assert saved["guardrailBusinessUnitUpdate"]["guardrailSet"]["version"] == 1
        tightened = await assign(after)
        assert (default["secondaryHours"], tightened["secondaryHours"]) == (24, 72)
        assert datetime.fromisoformat(str(tightened["secondaryUntil"])) == opens + timedelta(
            hours=72
        )
        looser = await api.gql(
            BU_GUARDRAILS,
            {
                "i": {
                    "businessUnitId": bu,
                    "values": {"release_secondary_hours": 12},
                    "version": 1,
                    "note": "Shorter",
                }
            },
        )
        assert "GUARDRAIL_LOOSER_THAN_CORE" in codes(looser)

    async def test_a_release_that_is_not_a_production_one_is_refused(self, api: Api) -> None:
        bu, _, service, _, _ = await self._world(api)
        opens = api.runtime.clock.now() + timedelta(days=1)
        draft = await release(
            api,
            bu,
            service_ids=[service],
            as_user="rmo",
            environments=["production"],
            plannedStart=opens.isoformat(),
            plannedEnd=(opens + timedelta(hours=1)).isoformat(),
        )
        assert codes(await api.gql(ASSIGN, {"i": {"releaseId": draft["id"]}})) == ["RELEASE_CLOSED"]
        staging = await release(
            api,
            bu,
            service_ids=[service],
            as_user="rmo",
            environments=["staging"],
        )
        assert codes(await api.gql(ASSIGN, {"i": {"releaseId": staging["id"]}})) == [
            "NOT_PRODUCTION"
        ]

    async def test_a_release_of_a_team_without_rotation_is_refused(self, api: Api) -> None:
        bu = await new_bu(api)
        _, service = await team_with_service(api, bu)
        opens = api.runtime.clock.now() + timedelta(days=1)
        rel = await production_release(api, bu, service, opens)
        assert codes(await api.gql(ASSIGN, {"i": {"releaseId": rel["id"]}})) == ["NO_ROTATION"]


class TestTheFeed:
    async def test_shifts_are_events_at_local_hand_over_time_with_swaps_named(
        self, api: Api
    ) -> None:
        bu = await new_bu(api)
        team, _ = await team_with_service(api, bu)
        members = [await grant(api, bu, name=unique(n)) for n in ("Ann", "Bob")]
        zurich = ZoneInfo("Europe/Zurich")
        made = await rotation(
            api,
            team,
            members,
            starts_on=days_ago(api, 20),
            days=7,
            handover="09:00",
            tz="Europe/Zurich",
        )
        assert codes(await swap(api, made["id"], 5, members[0], "Conference")) == []
        # A reader of that BU only: the feed holds its rotation's shifts and nothing else's.
        reader = await username_of(api, await grant(api, bu, role="VIEWER"))
        feed = await make_feed(api, reader)
        response = await api.http.get(feed.path)
        assert response.status_code == 200
        events = {
            str(e["UID"]): e
            for e in icalendar.Calendar.from_ical(response.content).events
            if str(e["UID"]).startswith("support-shift-")
        }
        rotation_id = from_global_id(made["id"])
        assert f"support-shift-{rotation_id}-0@signalbox" in events
        for e in events.values():
            start = e.decoded("DTSTART")
            assert e["DTSTART"].params["TZID"] == "Europe/Zurich"
            assert start.astimezone(zurich).time() == time(9, 0)
            assert e.decoded("DTEND") - start in (
                timedelta(days=7),
                timedelta(days=7, hours=1),
                timedelta(days=7, hours=-1),
            )
        swapped = events[f"support-shift-{rotation_id}-5@signalbox"]
        names = await api.ok(
            "query($a: ID!, $b: ID!) { a: node(id: $a) { ... on Person { displayName } } "
            "b: node(id: $b) { ... on Person { displayName } } }",
            {"a": members[0], "b": members[1]},
        )
        ann, bob = names["a"]["displayName"], names["b"]["displayName"]
        assert str(swapped["SUMMARY"]).startswith(f"On shift: {ann}")
        assert f"covers for {bob}. Why: Conference" in str(swapped["DESCRIPTION"])
        last = max(events.values(), key=lambda e: e.decoded("DTSTART"))
        assert last.decoded("DTSTART") <= api.runtime.clock.now() + timedelta(days=91)
