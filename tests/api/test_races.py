"""50-way races on one object: exactly one winner, the others typed refusals, one audit record.

Run on PostgreSQL, where the requests really overlap on separate connections (SQLite takes the
write lock up front, so its writers never race).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from api.graphql.relay import from_global_id
from domain.compliance.models import AuditRecord
from domain.compliance.repository import sealed
from tests.api.conftest import Api, ids, unique
from tests.api.governance_support import audit_actions, given_sign_off

pytestmark = [pytest.mark.postgres_only, pytest.mark.fault]
RACERS = 50
TOKEN_CREATE = """
mutation($input: ApiTokenCreateInput!) {
  apiTokenCreate(input: $input) { secret apiToken { id } errors { code } }
}"""
TOKEN_REVOKE = """
mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { apiToken { id } errors { code } } }"""
PERSON_CREATE = """
mutation($input: PersonCreateInput!) { personCreate(input: $input) { person { id } errors { code } } }"""
GRANT = """
mutation($input: RoleGrantCreateInput!) { roleGrantCreate(input: $input) { roleGrant { id } errors { code } } }"""


async def _all(api: Api, query: str, variables: dict[str, Any], as_user: str) -> list[dict]:
    """The same request sent RACERS times at once; each answer's body (bounded wait)."""
    async with asyncio.timeout(120):
        return await asyncio.gather(
            *(api.gql(query, variables, as_user=as_user) for _ in range(RACERS))
        )


async def _viewer_grant_input(api: Api) -> dict[str, Any]:
    """roleGrantCreate's variables: VIEWER in payments for a new person."""
    bu = (await ids(api))["payments"]
    name = unique("racer")
    person = await api.ok(PERSON_CREATE, {"input": {"username": name, "displayName": name}})
    person_id = person["personCreate"]["person"]["id"]
    return {"input": {"personId": person_id, "role": "VIEWER", "businessUnitId": bu}}


async def _audit_count(api: Api, action: str, entity_id: str) -> int:
    async with api.runtime.db.read_session() as session:
        await sealed(session)  # the racers' audit entries are journaled on PostgreSQL
        count = await session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.action == action, AuditRecord.entity_id == entity_id)
        )
    return int(count or 0)


async def _one_winner(
    api: Api, query: str, variables: dict[str, Any], as_user: str, field: str, refusal: str
) -> list[dict]:
    """Race RACERS identical requests: one succeeds, every other is refused with `refusal`."""
    bodies = await _all(api, query, variables, as_user)
    codes = _codes(bodies, field)
    assert codes.count("ok") == 1, codes
    assert codes.count(refusal) == RACERS - 1, codes
    return bodies


def _codes(bodies: list[dict], field: str) -> list[str]:
    """One entry per answer: "ok", a payload error's code, or a top-level error's code."""
    out = []
    for body in bodies:
        if body.get("errors"):
            out.append(body["errors"][0]["extensions"]["code"])
        elif body["data"][field]["errors"]:
            out.append(body["data"][field]["errors"][0]["code"])
        else:
            out.append("ok")
    return out


class TestConcurrentRevocationsOfOneToken:
    async def test_one_revocation_is_recorded_and_the_others_are_told_it_is_done(
        self, api: Api
    ) -> None:
        bu = (await ids(api))["payments"]
        made = await api.ok(
            TOKEN_CREATE,
            {
                "input": {
                    "name": unique("race"),
                    "scopes": [{"role": "ENGINEER", "businessUnitId": bu}],
                }
            },
            as_user="engineer",
        )
        token_id = made["apiTokenCreate"]["apiToken"]["id"]
        await _one_winner(
            api,
            TOKEN_REVOKE,
            {"i": {"id": token_id}},
            "engineer",
            "apiTokenRevoke",
            "TOKEN_ALREADY_REVOKED",
        )
        entity = str(from_global_id(token_id))
        assert await _audit_count(api, "api_token.revoke", entity) == 1


class TestConcurrentIdenticalGrants:
    async def test_one_grant_is_made_and_the_others_are_grant_exists(self, api: Api) -> None:
        grant = await _viewer_grant_input(api)
        bodies = await _one_winner(
            api, GRANT, grant, "payments-admin", "roleGrantCreate", "GRANT_EXISTS"
        )
        (won,) = [b for b in bodies if b["data"]["roleGrantCreate"]["roleGrant"]]
        grant_id = str(from_global_id(won["data"]["roleGrantCreate"]["roleGrant"]["id"]))
        assert await _audit_count(api, "role_grant.grant", grant_id) == 1


SIGN_OFF_REVOKE = """
mutation($i: SignOffRevokeInput!) { signOffRevoke(input: $i) { signOff { id } errors { code } } }"""
FEED_CREATE = """
mutation($i: CalendarFeedCreateInput!) { calendarFeedCreate(input: $i) { calendarFeed { id } errors { code } } }"""
FEED_REVOKE = """
mutation($i: CalendarFeedRevokeInput!) { calendarFeedRevoke(input: $i) { calendarFeed { id } errors { code } } }"""


class TestConcurrentRevocationsOfOneCalendarFeed:
    async def test_one_revocation_is_recorded(self, api: Api) -> None:
        made = await api.ok(FEED_CREATE, {"i": {"revokeOthers": False}}, as_user="viewer")
        feed_id = made["calendarFeedCreate"]["calendarFeed"]["id"]
        await _one_winner(
            api,
            FEED_REVOKE,
            {"i": {"id": feed_id}},
            "viewer",
            "calendarFeedRevoke",
            "FEED_ALREADY_REVOKED",
        )
        entity = str(from_global_id(feed_id))
        assert await _audit_count(api, "calendar_feed.revoke", entity) == 1


class TestConcurrentRevocationsOfOneSignOff:
    async def test_one_revocation_is_recorded(self, api: Api) -> None:
        sign_off_id = (await given_sign_off(api))["signOff"]["id"]
        await _one_winner(
            api,
            SIGN_OFF_REVOKE,
            {"i": {"id": sign_off_id}},
            "rmo",
            "signOffRevoke",
            "SIGN_OFF_ALREADY_REVOKED",
        )
        assert await audit_actions(api, sign_off_id) == ["sign_off.give", "sign_off.revoke"]


REVOKE_GRANT = """
mutation($input: RoleGrantRevokeInput!) { roleGrantRevoke(input: $input) { roleGrant { id } errors { code } } }"""


class TestConcurrentRevocationsOfOneGrant:
    async def test_one_revocation_is_recorded_and_the_others_find_it_gone(self, api: Api) -> None:
        granted = await api.ok(GRANT, await _viewer_grant_input(api), as_user="payments-admin")
        grant_id = granted["roleGrantCreate"]["roleGrant"]["id"]
        await _one_winner(
            api,
            REVOKE_GRANT,
            {"input": {"id": grant_id}},
            "payments-admin",
            "roleGrantRevoke",
            "NOT_FOUND",
        )
        entity = str(from_global_id(grant_id))
        assert await _audit_count(api, "role_grant.revoke", entity) == 1
