"""N+1 cannot hide in trains: trains → departures → boarded releases, and features →
dependencies, cost the same number of statements at any size."""

from __future__ import annotations

import itertools

from tests.api.conftest import Api, unique
from tests.api.governance_support import new_bu, release
from tests.api.test_query_cost import counting
from tests.api.test_trains_api import (
    depend,
    feature,
    monday,
    train,
)

TRAINS = """
query($bu: ID!, $first: Int) {
  trains(filter: {businessUnitId: $bu}, first: $first) { nodes { key businessUnit { key }
    cadence { kind } cadenceHistory { seq changedBy { username } }
    programIncrements { seq departures(first: 3) { nodes { code } } }
    departures(first: 50) { nodes { code programIncrement { seq }
      boardedReleases { title } integrationStatus { passed reason }
      integrationWindow { teams { key } results { suite } } } } } }
}"""
FEATURES = """
query($train: ID!, $first: Int) {
  features(filter: {trainId: $train}, first: $first) { nodes { title team { key }
    train { key } programIncrement { seq } departure { code }
    dependsOn { title team { key } } dependents { title dependsOn { title } } } }
}"""


async def _team(api: Api, bu: str) -> str:
    data = await api.ok(
        "mutation($i: TeamCreateInput!) { teamCreate(input: $i) { team { id } errors { code } } }",
        {"i": {"businessUnitId": bu, "key": unique("t"), "name": "T"}},
    )
    return data["teamCreate"]["team"]["id"]  # type: ignore[no-any-return]


async def _seed(api: Api, count: int) -> tuple[str, str]:
    bu = await new_bu(api)
    teams = [await _team(api, bu) for _ in range(3)]
    last = None
    for _ in range(count):
        ctx = await train(api, bu=bu, starts_on=monday(2), pis=1)
        rel = await release(api, bu, as_user="rmo")
        await api.ok(
            "mutation($i: DepartureBoardInput!) { departureBoard(input: $i) { errors { code } } }",
            {"i": {"departureId": ctx["departures"][0]["id"], "releaseId": rel["id"]}},
        )
        last = ctx
    assert last is not None
    pi = last["pis"][0]["id"]
    made = [
        await feature(api, teams[n % 3], pi, f"F{n}", departureId=last["departures"][0]["id"])
        for n in range(count)
    ]
    for a, b in itertools.pairwise(made):
        await depend(api, b, a)
    return bu, last["train"]["id"]


class TestNestedTrainQueriesCostConstantStatements:
    async def test_statement_count_does_not_grow_with_trains_or_features(self, api: Api) -> None:
        bu, train_id = await _seed(api, 5)
        for query, small_vars, large_vars, root in (
            (TRAINS, {"bu": bu, "first": 1}, {"bu": bu, "first": 50}, "trains"),
            (
                FEATURES,
                {"train": train_id, "first": 1},
                {"train": train_id, "first": 50},
                "features",
            ),
        ):
            await api.ok(query, small_vars)  # warm: token, person and grant lookups are cached
            with counting(api) as small:
                await api.ok(query, small_vars)
            with counting(api) as large:
                data = await api.ok(query, large_vars)
            assert len(data[root]["nodes"]) == 5
            # Batches may merge differently (fewer at size), never more statements.
            assert len(large) <= len(small), (root, len(small), len(large))
            assert len(large) <= 20, root
