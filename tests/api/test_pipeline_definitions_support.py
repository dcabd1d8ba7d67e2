"""Helpers of the pipeline-definition API tests: GraphQL documents and small factories."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from domain.pipelines.definition_rules import canonical_hash
from tests.api.conftest import Api, unique
from tests.domain.pipelines.test_definition_world import V1, V2, V3

__all__ = ["V1", "V2", "V3", "canonical_hash"]

CREATE = """
mutation($i: PipelineCreateInput!) { pipelineCreate(input: $i) {
  pipeline { id key name team { key } businessUnit { key } services { key } }
  errors { code field message } } }"""
REGISTER = """
mutation($i: PipelineDefinitionRegisterInput!) { pipelineDefinitionRegister(input: $i) {
  definitionVersion { id number status contentHash rawHash authorName version }
  outcome message errors { code field message } } }"""
REVIEW = """
mutation($i: PipelineDefinitionReviewInput!) { pipelineDefinitionReview(input: $i) {
  definitionVersion { id number status activatedAt reviews { verdict comment reviewerName } }
  errors { code field message } } }"""
RUN = """
mutation($i: PipelineRunReportInput!) { pipelineRunReport(input: $i) {
  run { id runId status drift driftReason definitionHash
        activeVersion { number } matchedVersion { number } pipeline { key } }
  errors { code field message } } }"""


async def team(api: Api, key: str = "acquiring") -> dict[str, Any]:
    data = await api.ok("{ teams(first: 500) { nodes { id key businessUnit { key } } } }")
    (found,) = [t for t in data["teams"]["nodes"] if t["key"] == key]
    return found  # type: ignore[no-any-return]


async def service(api: Api, key: str) -> str:
    data = await api.ok("{ services(first: 500) { nodes { id key } } }")
    (found,) = [s["id"] for s in data["services"]["nodes"] if s["key"] == key]
    return found  # type: ignore[no-any-return]


async def pipeline(api: Api, as_user: str = "engineer", **kw: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "teamId": (await team(api))["id"],
        "key": unique("deploy"),
        "name": "Deploy the card gateway",
        "serviceIds": [await service(api, "card-gateway")],
    }
    values.update(kw)
    data = await api.ok(CREATE, {"i": values}, as_user=as_user)
    return data["pipelineCreate"]["pipeline"]  # type: ignore[no-any-return]


async def register(
    api: Api, pipeline_id: str, source: str = V1, as_user: str = "engineer"
) -> dict[str, Any]:
    body = await api.ok(
        REGISTER, {"i": {"pipelineId": pipeline_id, "source": source}}, as_user=as_user
    )
    return body["pipelineDefinitionRegister"]  # type: ignore[no-any-return]


async def approve(api: Api, version_id: str, as_user: str = "sre") -> dict[str, Any]:
    body = await api.ok(
        REVIEW, {"i": {"versionId": version_id, "verdict": "APPROVE"}}, as_user=as_user
    )
    return body["pipelineDefinitionReview"]["definitionVersion"]  # type: ignore[no-any-return]


def started(api: Api, minutes: int = 0) -> str:
    return (api.runtime.clock.now() - timedelta(minutes=minutes)).isoformat()


async def report(
    api: Api, pipeline_id: str | None, digest: str, as_user: str = "ci", **kw: Any
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "runId": unique("run"),
        "definitionHash": digest,
        "status": "RUNNING",
        "startedAt": started(api),
    }
    if pipeline_id is not None:
        values["pipelineId"] = pipeline_id
    values.update(kw)
    return await api.gql(RUN, {"i": values}, as_user=as_user)
