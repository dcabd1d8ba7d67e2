"""Every role against every trains mutation and query family, per authz/PERMISSIONS.md.

As in test_calendar_permissions: the demo users hold their roles in payments (rmo and auditor
org-wide); each mutation is tried in payments and must run exactly where the matrix ticks.
Fixtures are made by the RMO, fresh per case, so versions and the domain's own rules (a PI
still to come, a window already open) never decide here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.api.conftest import Api, ids, unique
from tests.api.test_calendar_api import release
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_trains_api import (
    depend,
    feature,
    monday,
    payments_teams,
    train,
)

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _payments(api: Api) -> dict[str, Any]:
    return {"bu": (await ids(api))["payments"]}


async def _train(api: Api) -> dict[str, Any]:
    ctx = await train(api, starts_on=monday(2), pis=2)
    teams = list((await payments_teams(api)).values())
    return {**ctx, "teams": teams, "departure": ctx["departures"][0]["id"]}


async def _boarded(api: Api) -> dict[str, Any]:
    ctx = await _train(api)
    rel = await release(api)
    await api.ok(
        "mutation($i: DepartureBoardInput!) { departureBoard(input: $i) { errors { code } } }",
        {"i": {"departureId": ctx["departure"], "releaseId": rel}},
    )
    return {**ctx, "release": rel}


async def _feature(api: Api) -> dict[str, Any]:
    ctx = await _train(api)
    pi = ctx["pis"][0]["id"]
    return {
        **ctx,
        "feature": await feature(api, ctx["teams"][0], pi, "Consumer"),
        "other": await feature(api, ctx["teams"][1], pi, "Provider"),
    }


async def _dependency(api: Api) -> dict[str, Any]:
    ctx = await _feature(api)
    await depend(api, ctx["feature"], ctx["other"])
    return ctx


async def _window(api: Api) -> dict[str, Any]:
    """An integration window open now, for a departure next week or later."""
    ctx = await train(api, starts_on=monday(-1), pis=2)
    now = api.runtime.clock.now()
    departure = next(
        d for d in ctx["departures"] if d["departsAt"] > (now + timedelta(days=3)).isoformat()
    )
    made = await api.ok(
        """mutation($i: IntegrationWindowScheduleInput!) { integrationWindowSchedule(input: $i) {
          integrationWindow { id } errors { code } } }""",
        {
            "i": {
                "departureId": departure["id"],
                "startsAt": (now - timedelta(hours=1)).isoformat(),
                "endsAt": (now + timedelta(days=1)).isoformat(),
            }
        },
    )
    return {**ctx, "window": made["integrationWindowSchedule"]["integrationWindow"]["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


def _before(at: str, *, days: int) -> str:
    return (datetime.fromisoformat(at) - timedelta(days=days)).isoformat()


def _cadence(kind: str = "WEEKLY") -> dict[str, Any]:
    return {"kind": kind, "departureTime": "09:00", "timeZone": "Europe/London"}


MUTATIONS: list[tuple[str, str, str, Fixture, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    (
        "trainCreate",
        "train",
        "create",
        _payments,
        lambda c: {
            "businessUnitId": c["bu"],
            "key": unique("perm"),
            "name": "T",
            "productDomain": "cards",
            "cadence": _cadence(),
        },
    ),
    (
        "trainUpdate",
        "train",
        "update",
        _train,
        lambda c: {"id": c["train"]["id"], "version": c["train"]["version"], "name": "Renamed"},
    ),
    (
        "trainCadenceChange",
        "train",
        "update",
        _train,
        lambda c: {
            "trainId": c["train"]["id"],
            "version": c["train"]["version"],
            "cadence": _cadence("MONTHLY"),
            "effectiveFromPiId": c["pis"][1]["id"],
            "reason": "OPERATIONAL_SUPPORT_CAPACITY",
        },
    ),
    (
        "trainPiCreate",
        "train",
        "update",
        _train,
        lambda c: {"trainId": c["train"]["id"], "iterations": 4, "iterationWeeks": 2},
    ),
    (
        "trainDeparturesGenerate",
        "train",
        "update",
        _train,
        lambda c: {"trainId": c["train"]["id"], "fromPiId": c["pis"][0]["id"]},
    ),
    (
        "departureBoard",
        "train",
        "update",
        _train,
        lambda c: {"departureId": c["departure"], "releaseId": c["release"]},
    ),
    (
        "departureAlight",
        "train",
        "update",
        _boarded,
        lambda c: {"departureId": c["departure"], "releaseId": c["release"]},
    ),
    ("departureDepart", "train", "update", _train, lambda c: {"id": c["departure"], "version": 1}),
    ("departureCancel", "train", "delete", _train, lambda c: {"id": c["departure"], "version": 1}),
    (
        "featureCreate",
        "feature",
        "create",
        _train,
        lambda c: {"teamId": c["teams"][0], "piId": c["pis"][0]["id"], "title": "F"},
    ),
    (
        "featureUpdate",
        "feature",
        "update",
        _feature,
        lambda c: {"id": c["feature"], "version": 1, "piId": c["pis"][1]["id"]},
    ),
    ("featureDelete", "feature", "delete", _feature, lambda c: {"id": c["feature"], "version": 1}),
    (
        "featureDependencyAdd",
        "feature",
        "update",
        _feature,
        lambda c: {"featureId": c["feature"], "dependsOnId": c["other"]},
    ),
    (
        "featureDependencyRemove",
        "feature",
        "update",
        _dependency,
        lambda c: {"featureId": c["feature"], "dependsOnId": c["other"]},
    ),
    (
        "integrationWindowSchedule",
        "integration_window",
        "create",
        _train,
        lambda c: {
            "departureId": c["departures"][-1]["id"],
            "startsAt": _before(c["departures"][-1]["departsAt"], days=2),
            "endsAt": _before(c["departures"][-1]["departsAt"], days=1),
        },
    ),
    (
        "integrationWindowReschedule",
        "integration_window",
        "create",
        _window,
        lambda c: {
            "id": c["window"],
            "version": 1,
            "startsAt": c["pis"][0]["startsAt"],
            "endsAt": c["pis"][0]["planningBoundaryAt"],
        },
    ),
    (
        "integrationResultRecord",
        "integration_window",
        "update",
        _window,
        lambda c: {"windowId": c["window"], "suite": "e2e", "passed": True},
    ),
]
INPUT_TYPES = {
    "departureAlight": "DepartureBoardInput",
    "departureDepart": "DepartureStatusInput",
    "departureCancel": "DepartureStatusInput",
    "featureDependencyAdd": "FeatureDependencyInput",
    "featureDependencyRemove": "FeatureDependencyInput",
}


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_trains_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, make_input = case
    ctx = await fixture(api)
    if name == "departureBoard":
        ctx["release"] = await release(api)
    input_type = INPUT_TYPES.get(name, name[0].upper() + name[1:] + "Input")
    body = await api.gql(_m(name, input_type), {"i": make_input(ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


QUERIES = [
    ("train", "{ trains(first: 1) { nodes { id } } }", lambda d: d["trains"]["nodes"]),
    ("feature", "{ features(first: 1) { nodes { id } } }", lambda d: d["features"]["nodes"]),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_trains_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    resource, query, rows = case
    await _feature(api)
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, resource, "read", org_level=False), (resource, role, body)
