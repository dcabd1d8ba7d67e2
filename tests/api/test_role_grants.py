"""Role grants through GraphQL: within your BU, never above your own role, effective at once."""

from __future__ import annotations

import pytest

from api.graphql.relay import from_global_id
from domain.kernel.errors import AlreadyExists
from domain.kernel.uow import UnitOfWork
from domain.organization.errors import OrganizationErrorCode
from domain.organization.models import RoleGrant
from tests.api.conftest import Api, ids, unique

PERSON_CREATE = """
mutation($input: PersonCreateInput!) { personCreate(input: $input) { person { id username } errors { code } } }"""
GRANT = """
mutation($input: RoleGrantCreateInput!) {
  roleGrantCreate(input: $input) { roleGrant { id role discipline businessUnit { key } } errors { code field } }
}"""
REVOKE = """
mutation($input: RoleGrantRevokeInput!) { roleGrantRevoke(input: $input) { roleGrant { id } errors { code } } }"""
TEAM_CREATE = """
mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { key } errors { code } } }"""


def refused(body: dict, field: str = "teamCreate") -> str:
    """The refusal code, top-level (FORBIDDEN) or in the payload (NOT_FOUND: outside your scope)."""
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    return body["data"][field]["errors"][0]["code"]


async def _person(api: Api) -> dict:
    name = unique("user")
    data = await api.ok(PERSON_CREATE, {"input": {"username": name, "displayName": name.title()}})
    return data["personCreate"]["person"]


class TestGrantingWithinYourUnit:
    async def test_a_bu_admin_grants_engineer_in_its_unit_and_it_works_at_once(
        self, api: Api
    ) -> None:
        bu = (await ids(api))["payments"]
        person = await _person(api)
        before = await api.gql(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu, "key": unique("t"), "name": "x"}},
            as_user=person["username"],
        )
        assert refused(before) == "NOT_FOUND"
        granted = await api.ok(
            GRANT,
            {"input": {"personId": person["id"], "role": "BU_ADMIN", "businessUnitId": bu}},
            as_user="payments-admin",
        )
        assert granted["roleGrantCreate"]["roleGrant"]["businessUnit"]["key"] == "payments"
        after = await api.ok(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu, "key": unique("t"), "name": "x"}},
            as_user=person["username"],
        )
        assert after["teamCreate"]["errors"] == []
        revoked = await api.ok(
            REVOKE,
            {"input": {"id": granted["roleGrantCreate"]["roleGrant"]["id"]}},
            as_user="payments-admin",
        )
        assert revoked["roleGrantRevoke"]["errors"] == []
        again = await api.gql(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu, "key": unique("t"), "name": "x"}},
            as_user=person["username"],
        )
        assert refused(again) == "NOT_FOUND"

    async def test_a_bu_admin_cannot_grant_in_another_unit(self, api: Api) -> None:
        bu = (await ids(api))["retail"]
        person = await _person(api)
        body = await api.gql(
            GRANT,
            {"input": {"personId": person["id"], "role": "VIEWER", "businessUnitId": bu}},
            as_user="payments-admin",
        )
        assert body["data"]["roleGrantCreate"]["errors"][0]["code"] == "NOT_FOUND"

    async def test_nobody_grants_above_their_own_role(self, api: Api) -> None:
        person = await _person(api)
        org_wide = await api.gql(
            GRANT,
            {"input": {"personId": person["id"], "role": "ORG_ADMIN"}},
            as_user="payments-admin",
        )
        assert org_wide["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        bu = (await ids(api))["payments"]
        auditor = await api.gql(
            GRANT,
            {"input": {"personId": person["id"], "role": "AUDITOR", "businessUnitId": bu}},
            as_user="payments-admin",
        )
        assert auditor["data"]["roleGrantCreate"]["errors"][0]["code"] in {
            "ROLE_ORG_ONLY",
            "ROLE_ABOVE_YOUR_OWN",
        }

    async def test_approvers_carry_a_discipline_and_others_do_not(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        person = await _person(api)
        missing = await api.gql(
            GRANT, {"input": {"personId": person["id"], "role": "APPROVER", "businessUnitId": bu}}
        )
        assert missing["data"]["roleGrantCreate"]["errors"] == [
            {"code": "DISCIPLINE_REQUIRED", "field": "discipline"}
        ]
        ok = await api.ok(
            GRANT,
            {
                "input": {
                    "personId": person["id"],
                    "role": "APPROVER",
                    "businessUnitId": bu,
                    "discipline": "LEGAL",
                }
            },
        )
        assert ok["roleGrantCreate"]["roleGrant"]["discipline"] == "LEGAL"
        twice = await api.gql(
            GRANT,
            {
                "input": {
                    "personId": person["id"],
                    "role": "APPROVER",
                    "businessUnitId": bu,
                    "discipline": "LEGAL",
                }
            },
        )
        assert twice["data"]["roleGrantCreate"]["errors"][0]["code"] == "GRANT_EXISTS"

    async def test_nobody_grants_themselves(self, api: Api) -> None:
        data = await api.ok("{ viewer { person { id } } }", as_user="payments-admin")
        bu = (await ids(api))["payments"]
        body = await api.gql(
            GRANT,
            {
                "input": {
                    "personId": data["viewer"]["person"]["id"],
                    "role": "ENGINEER",
                    "businessUnitId": bu,
                }
            },
            as_user="payments-admin",
        )
        assert body["data"]["roleGrantCreate"]["errors"][0]["code"] == "SELF_GRANT"

    async def test_a_viewer_cannot_grant_anything(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        person = await _person(api)
        body = await api.gql(
            GRANT,
            {"input": {"personId": person["id"], "role": "VIEWER", "businessUnitId": bu}},
            as_user="viewer",
        )
        assert refused(body, "roleGrantCreate") == "NOT_FOUND"


PERSON_UPDATE = """
mutation($input: PersonUpdateInput!) { personUpdate(input: $input) { person { active version } errors { code field } } }"""


class TestDeactivatingPeople:
    async def test_a_deactivated_person_is_locked_out_at_once_and_back_when_reactivated(
        self, api: Api
    ) -> None:
        person = await _person(api)
        token = api.token(person["username"])
        assert (await api.post("{ about { name } }", token=token)).status_code == 200
        off = await api.ok(
            PERSON_UPDATE, {"input": {"id": person["id"], "version": 1, "active": False}}
        )
        assert off["personUpdate"]["person"] == {"active": False, "version": 2}
        assert (await api.post("{ about { name } }", token=token)).status_code == 401
        await api.ok(PERSON_UPDATE, {"input": {"id": person["id"], "version": 2, "active": True}})
        assert (await api.post("{ about { name } }", token=token)).status_code == 200

    async def test_nobody_deactivates_themselves(self, api: Api) -> None:
        me = await api.ok("{ viewer { person { id version } } }")
        body = await api.gql(
            PERSON_UPDATE,
            {
                "input": {
                    "id": me["viewer"]["person"]["id"],
                    "version": me["viewer"]["person"]["version"],
                    "active": False,
                }
            },
        )
        assert body["data"]["personUpdate"]["errors"][0]["field"] == "active"


class TestADuplicateTheDatabaseRefusesIsTyped:
    async def test_a_unit_that_inserts_an_existing_grant_is_refused_with_grant_exists(
        self, api: Api
    ) -> None:
        # What a concurrent request meets when another inserted the grant after its check:
        # the unit of work turns the unique violation into the constraint's typed refusal.
        person = await _person(api)
        person_id = from_global_id(person["id"])

        async def insert(uow: UnitOfWork) -> None:
            uow.session.add(
                RoleGrant(
                    person_id=person_id,
                    role="viewer",
                    domain="*",
                    created_at=uow.clock.now(),
                )
            )
            await uow.session.flush()

        await api.runtime.units.run(insert)
        with pytest.raises(AlreadyExists) as refused:
            await api.runtime.units.run(insert)
        assert refused.value.code == OrganizationErrorCode.GRANT_EXISTS
