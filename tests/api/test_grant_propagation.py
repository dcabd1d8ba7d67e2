"""Several server processes on one PostgreSQL: a grant made in one is enforced by the others
within seconds (LISTEN/NOTIFY), without a restart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from tests.api.conftest import Api, ids, settings_for, unique

TEAM_CREATE = """
mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { key } errors { code } } }"""


@pytest.fixture
async def second_process(migrated_url: str, api: Api) -> AsyncIterator[Api]:
    # The same data directory: both "processes" trust the same local issuer key.
    issuer = api.runtime.settings.data_dir
    app = create_app(settings_for(migrated_url, Path(issuer)))
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://b"
        ) as http,
    ):
        yield Api(app=app, http=http, runtime=app.state.runtime)


@pytest.mark.postgres_only
class TestGrantsReachEveryProcess:
    async def test_a_grant_in_one_process_is_enforced_by_another(
        self, api: Api, second_process: Api
    ) -> None:
        bu = (await ids(api))["payments"]
        made = await api.ok(
            "mutation($i: PersonCreateInput!) { personCreate(input: $i) { person { id username } errors { code } } }",
            {"i": {"username": unique("p"), "displayName": "P"}},
        )
        person = made["personCreate"]["person"]
        token = second_process.token(person["username"])

        async def may_create_team() -> bool:
            body = await second_process.gql(
                TEAM_CREATE,
                {"i": {"businessUnitId": bu, "key": unique("t"), "name": "T"}},
                token=token,
            )
            return not body.get("errors") and body["data"]["teamCreate"]["errors"] == []

        assert not await may_create_team()
        await api.ok(
            "mutation($i: RoleGrantCreateInput!) { roleGrantCreate(input: $i) { errors { code } } }",
            {"i": {"personId": person["id"], "role": "BU_ADMIN", "businessUnitId": bu}},
        )
        for _ in range(100):  # bounded: up to 10 s
            if await may_create_team():
                break
            await asyncio.sleep(0.1)
        assert await may_create_team()
