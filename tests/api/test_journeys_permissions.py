"""Every role against the journeys' mutations and reads, per authz/PERMISSIONS.md: keeping
journeys and their allowed hosts is `journey/create` / `journey/update` (BU admins, SREs, the
RMO); running one now and reporting a result is `journey_run/create` (they and CI); everyone
reads them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, unique
from tests.api.deployments_support import service
from tests.api.test_journeys_api import (
    CREATE,
    DISABLE,
    HOSTS,
    LIST,
    REPORT,
    RUN_NOW,
    UPDATE,
    payments_team,
)
from tests.api.test_permission_matrix import USERS, expected, outcome

HOST = "127.0.0.1"
"""Loopback (allowed outside production): a run now meets a closed port, never the internet."""


def steps() -> list[dict[str, Any]]:
    return [
        {
            "name": "home",
            "method": "GET",
            "url": f"http://{HOST}:9/",
            "assertions": [{"kind": "STATUS", "operator": "EQUALS", "expected": 200}],
        }
    ]


async def definition(api: Api, service_id: str) -> dict[str, Any]:
    return {
        "name": "Home page",
        "ownerTeamId": await payments_team(api, service_id),
        "tier": "CUSTOMER_FACING",
        "intervalMinutes": 60,
        "steps": steps(),
        # Run by an external runner: the built-in one never sends these anywhere.
        "runner": "CHECKLY",
    }


async def journey(api: Api) -> dict[str, Any]:
    svc = await service(api)
    await api.ok(HOSTS, {"i": {"serviceId": svc["id"], "hosts": [HOST]}})
    values = {"serviceId": svc["id"], "key": unique("home"), **await definition(api, svc["id"])}
    made = await api.ok(CREATE, {"i": values})
    return {**made["journeyCreate"]["journey"], "serviceId": svc["id"]}


@pytest.mark.parametrize("role", list(USERS))
async def test_creating_a_journey_is_allowed_exactly_where_the_matrix_says(
    api: Api, role: str
) -> None:
    svc = await service(api)
    await api.ok(HOSTS, {"i": {"serviceId": svc["id"], "hosts": [HOST]}})
    values = {"serviceId": svc["id"], "key": unique("home"), **await definition(api, svc["id"])}
    body = await api.gql(CREATE, {"i": values}, as_user=USERS[role])
    assert outcome(body) is expected(role, "journey", "create", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("mutation", ["update", "disable", "hosts"])
async def test_keeping_journeys_is_allowed_exactly_where_the_matrix_says(
    api: Api, role: str, mutation: str
) -> None:
    j = await journey(api)
    if mutation == "update":
        values = {"id": j["id"], "version": j["version"], **await definition(api, j["serviceId"])}
        body = await api.gql(UPDATE, {"i": values}, as_user=USERS[role])
    elif mutation == "disable":
        values = {"id": j["id"], "version": j["version"]}
        body = await api.gql(DISABLE, {"i": values}, as_user=USERS[role])
    else:
        values = {"serviceId": j["serviceId"], "hosts": [HOST, "shop.example.com"]}
        body = await api.gql(HOSTS, {"i": values}, as_user=USERS[role])
    assert outcome(body) is expected(role, "journey", "update", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("mutation", ["run_now", "report"])
async def test_running_and_reporting_is_allowed_exactly_where_the_matrix_says(
    api: Api, role: str, mutation: str
) -> None:
    j = await journey(api)
    if mutation == "run_now":
        body = await api.gql(RUN_NOW, {"i": {"id": j["id"]}}, as_user=USERS[role])
    else:
        now = api.runtime.clock.now()
        values = {
            "journeyId": j["id"],
            "passed": True,
            "startedAt": (now - timedelta(minutes=2)).isoformat(),
            "finishedAt": (now - timedelta(minutes=1)).isoformat(),
            "runner": "CHECKLY",
            "externalId": unique("chk"),
        }
        body = await api.gql(REPORT, {"i": values}, as_user=USERS[role])
    assert outcome(body) is expected(role, "journey_run", "create", org_level=False), body


@pytest.mark.parametrize("role", list(USERS))
async def test_every_role_reads_the_journeys_of_its_bu(api: Api, role: str) -> None:
    j = await journey(api)
    body = await api.gql(LIST, {"s": j["serviceId"]}, as_user=USERS[role])
    assert "errors" not in body, body
    listed = [x["id"] for x in body["data"]["serviceJourneys"]]
    assert (j["id"] in listed) is expected(role, "journey", "read", org_level=False)
