"""Every role against every pipeline-definition mutation and query, per authz/PERMISSIONS.md.

As in test_environments_permissions: the demo users hold their roles in payments (rmo and
auditor org-wide); each mutation is tried in payments and must run exactly where the matrix
ticks. Reporting a run is `evidence/create`. Versions to review are registered by `ci`, which
may not approve, so no approver is ever the author and the domain's own rules never decide.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.api.conftest import Api, unique
from tests.api.test_permission_matrix import USERS, expected, outcome
from tests.api.test_pipeline_definitions_support import (
    V1,
    canonical_hash,
    pipeline,
    register,
    service,
    started,
    team,
)

Fixture = Callable[[Api], Awaitable[dict[str, Any]]]


async def _team(api: Api) -> dict[str, Any]:
    return {"team": (await team(api))["id"], "service": await service(api, "card-gateway")}


async def _pipeline(api: Api) -> dict[str, Any]:
    return {"pipeline": (await pipeline(api, as_user="rmo"))["id"]}


async def _proposed(api: Api) -> dict[str, Any]:
    ctx = await _pipeline(api)
    version = (await register(api, ctx["pipeline"], V1, as_user="ci"))["definitionVersion"]
    return {**ctx, "version": version["id"]}


def _m(name: str, input_type: str) -> str:
    return f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ errors {{ code }} }} }}"


MUTATIONS: list[tuple[str, str, str, Fixture, str, Callable[[Api, dict[str, Any]], Any]]] = [
    (
        "pipelineCreate",
        "pipeline_definition",
        "create",
        _team,
        _m("pipelineCreate", "PipelineCreateInput"),
        lambda api, c: {
            "teamId": c["team"],
            "key": unique("p"),
            "name": "P",
            "serviceIds": [c["service"]],
        },
    ),
    (
        "pipelineDefinitionRegister",
        "pipeline_definition",
        "create",
        _pipeline,
        _m("pipelineDefinitionRegister", "PipelineDefinitionRegisterInput"),
        lambda api, c: {"pipelineId": c["pipeline"], "source": V1},
    ),
    (
        "pipelineDefinitionReview",
        "pipeline_definition",
        "approve",
        _proposed,
        _m("pipelineDefinitionReview", "PipelineDefinitionReviewInput"),
        lambda api, c: {"versionId": c["version"], "verdict": "APPROVE"},
    ),
    (
        "pipelineRunReport",
        "evidence",
        "create",
        _pipeline,
        _m("pipelineRunReport", "PipelineRunReportInput"),
        lambda api, c: {
            "pipelineId": c["pipeline"],
            "runId": unique("run"),
            "definitionHash": canonical_hash(V1),
            "status": "RUNNING",
            "startedAt": started(api),
        },
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", MUTATIONS, ids=[m[0] for m in MUTATIONS])
async def test_pipeline_definitions_mutation_is_allowed_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    name, resource, action, fixture, mutation, make_input = case
    ctx = await fixture(api)
    body = await api.gql(mutation, {"i": make_input(api, ctx)}, as_user=USERS[role])
    assert outcome(body) is expected(role, resource, action, org_level=False), (name, role, body)


QUERIES = [
    (
        "pipelines",
        "{ pipelines(first: 1) { nodes { id } } }",
        lambda d: d["pipelines"]["nodes"],
    ),
    (
        "versions and runs",
        "{ pipelines(first: 500) { nodes { versions(first: 1) { nodes { id } } "
        "runs(first: 1) { nodes { id } } } } }",
        lambda d: [
            x for n in d["pipelines"]["nodes"] for x in n["versions"]["nodes"] + n["runs"]["nodes"]
        ],
    ),
]


@pytest.mark.parametrize("role", list(USERS))
@pytest.mark.parametrize("case", QUERIES, ids=[q[0] for q in QUERIES])
async def test_pipeline_definitions_query_shows_data_exactly_where_the_matrix_says(
    api: Api, case: tuple[Any, ...], role: str
) -> None:
    _, query, rows = case
    ctx = await _proposed(api)
    await api.ok(
        "mutation($i: PipelineRunReportInput!) { pipelineRunReport(input: $i) { errors { code } } }",
        {
            "i": {
                "pipelineId": ctx["pipeline"],
                "runId": unique("run"),
                "definitionHash": canonical_hash(V1),
                "status": "RUNNING",
                "startedAt": started(api),
            }
        },
    )
    body = await api.gql(query, as_user=USERS[role])
    visible = False if body.get("errors") else bool(rows(body["data"]))
    assert visible is expected(role, "pipeline_definition", "read", org_level=False), (role, body)
