"""A change that changes nothing writes nothing: no new version, no audit record."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import audit_actions

pytestmark = pytest.mark.fault
PERSON_CREATE = """
mutation($input: PersonCreateInput!) {
  personCreate(input: $input) { person { id version } errors { code } }
}"""
PERSON_UPDATE = """
mutation($input: PersonUpdateInput!) {
  personUpdate(input: $input) { person { version displayName } errors { code } }
}"""
TEAM_CREATE = """
mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id version } errors { code } } }"""
TEAM_UPDATE = """
mutation($input: TeamUpdateInput!) {
  teamUpdate(input: $input) { team { version name } errors { code } }
}"""


class TestANoOpUpdateRecordsNothing:
    async def test_renaming_a_person_to_their_own_name(self, api: Api) -> None:
        name = unique("same")
        made = await api.ok(PERSON_CREATE, {"input": {"username": name, "displayName": "A"}})
        person = made["personCreate"]["person"]
        renamed = await api.ok(
            PERSON_UPDATE,
            {"input": {"id": person["id"], "version": person["version"], "displayName": "B"}},
        )
        version = renamed["personUpdate"]["person"]["version"]
        again = await api.ok(
            PERSON_UPDATE, {"input": {"id": person["id"], "version": version, "displayName": "B"}}
        )
        assert again["personUpdate"]["person"] == {"version": version, "displayName": "B"}
        assert await audit_actions(api, person["id"]) == ["person.create", "person.update"]

    async def test_renaming_a_team_to_its_own_name(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        made = await api.ok(
            TEAM_CREATE, {"input": {"businessUnitId": bu, "key": unique("t"), "name": "T"}}
        )
        team = made["teamCreate"]["team"]
        again = await api.ok(
            TEAM_UPDATE, {"input": {"id": team["id"], "version": team["version"], "name": "T"}}
        )
        assert again["teamUpdate"]["team"] == {"version": team["version"], "name": "T"}
        assert await audit_actions(api, team["id"]) == ["team.create"]
