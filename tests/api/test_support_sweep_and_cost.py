"""The housekeeping sweep assigns the watchers of production releases whose window opens within
the hour, and a page of rotations with their members, shift under way and team costs the same
number of statements for two rotations as for six (no N+1)."""

from __future__ import annotations

from datetime import timedelta

from api.graphql.relay import from_global_id
from domain.support import watchers
from tests.api.conftest import Api
from tests.api.governance_support import move, new_bu
from tests.api.support_rotations_support import (
    grant,
    production_release,
    rotation,
    team_with_service,
    username_of,
)
from tests.api.test_query_cost import counting

WATCHERS = """query($id: ID!) { node(id: $id) { ... on Release { watchers {
  primary { id } secondary { id } } } } }"""
PAGE = """{ supportRotations(first: 50) { nodes { id name team { key }
  businessUnit { id } members { id username } onShift { number member { id } swap { reason } } } } }"""


class TestTheSweepAssignsWatchers:
    async def test_a_release_whose_window_opens_within_the_hour_is_watched(self, api: Api) -> None:
        bu = await new_bu(api)
        team, service = await team_with_service(api, bu)
        members = [await grant(api, bu) for _ in range(2)]
        await rotation(api, team, members)
        author = await grant(api, bu)
        now = api.runtime.clock.now()
        soon = await production_release(
            api, bu, service, now + timedelta(minutes=30), authors=[author]
        )
        later = await production_release(
            api, bu, service, now + timedelta(hours=5), authors=[author]
        )
        approver = await username_of(api, await grant(api, bu, role="RELEASE_MANAGER"))
        for rel in (soon, later):
            approved = await move(api, rel, "Approve", as_user=approver)
            assert approved["errors"] == [], approved
        made = await api.runtime.units.run(watchers.assign_due)
        assert from_global_id(soon["id"]) in {w.release_id for w in made}
        assert from_global_id(later["id"]) not in {w.release_id for w in made}
        shown = await api.ok(WATCHERS, {"id": soon["id"]})
        assert shown["node"]["watchers"]["primary"]["id"] in members
        assert shown["node"]["watchers"]["secondary"]["id"] == author
        assert (await api.ok(WATCHERS, {"id": later["id"]}))["node"]["watchers"] is None
        again = await api.runtime.units.run(watchers.assign_due)
        assert from_global_id(soon["id"]) not in {w.release_id for w in again}


class TestNoNPlusOne:
    async def test_a_page_of_rotations_costs_the_same_for_two_and_for_six(self, api: Api) -> None:
        bu = await new_bu(api)
        viewer = await grant(api, bu, role="VIEWER")
        reader = await username_of(api, viewer)
        counts = []
        for wanted in (2, 6):
            while True:
                listed = await api.ok(PAGE, as_user=reader)
                if len(listed["supportRotations"]["nodes"]) >= wanted:
                    break
                team, _ = await team_with_service(api, bu)
                await rotation(api, team, [await grant(api, bu) for _ in range(2)])
            with counting(api) as statements:
                listed = await api.ok(PAGE, as_user=reader)
            assert len(listed["supportRotations"]["nodes"]) == wanted
            counts.append(len(statements))
        assert counts[0] == counts[1], counts
