"""Pipeline definitions through GraphQL: the issue's scenario (a hash mismatch reported as drift),
peer review, idempotent registration, diffs, node ids and scope."""

from __future__ import annotations

from tests.api.conftest import Api, unique
from tests.api.test_pipeline_definitions_support import (
    REGISTER,
    REVIEW,
    V1,
    V2,
    V3,
    approve,
    canonical_hash,
    pipeline,
    register,
    report,
    team,
)

PIPELINE = """
query($id: ID!) { node(id: $id) { ... on Pipeline {
  key drift activeVersion { number status }
  latestRun { runId drift }
  versions(first: 10) { nodes { number status } }
  runs(first: 10) { nodes { runId drift } } } } }"""


class TestAHashMismatchIsReportedAsDrift:
    async def test_ci_running_a_definition_other_than_the_active_one_shows_drift(
        self, api: Api
    ) -> None:
        made = await pipeline(api)
        v1 = (await register(api, made["id"], V1))["definitionVersion"]
        assert (v1["number"], v1["status"]) == (1, "PROPOSED")
        assert v1["contentHash"] == canonical_hash(V1)
        assert (await approve(api, v1["id"]))["status"] == "ACTIVE"

        matching = await report(api, made["id"], canonical_hash(V1))
        assert matching["data"]["pipelineRunReport"]["run"]["drift"] == "MATCHES"

        v2 = (await register(api, made["id"], V2))["definitionVersion"]
        drifted = (await report(api, made["id"], canonical_hash(V2)))["data"]["pipelineRunReport"]
        assert drifted["errors"] == []
        run = drifted["run"]
        assert (run["drift"], run["matchedVersion"], run["activeVersion"]) == (
            "DRIFT",
            {"number": v2["number"]},
            {"number": 1},
        )
        assert "version 2 (proposed)" in run["driftReason"]

        seen = (await api.ok(PIPELINE, {"id": made["id"]}))["node"]
        assert seen["drift"] == "DRIFT"
        assert seen["activeVersion"] == {"number": 1, "status": "ACTIVE"}
        assert seen["latestRun"]["runId"] == run["runId"]
        assert [v["status"] for v in seen["versions"]["nodes"]] == ["ACTIVE", "PROPOSED"]
        assert [r["drift"] for r in seen["runs"]["nodes"]] == ["MATCHES", "DRIFT"]

    async def test_a_hash_never_registered_is_unknown(self, api: Api) -> None:
        made = await pipeline(api)
        await approve(api, (await register(api, made["id"]))["definitionVersion"]["id"])
        body = await report(api, made["id"], canonical_hash(V3))
        assert body["data"]["pipelineRunReport"]["run"]["drift"] == "UNKNOWN"

    async def test_ci_may_name_the_pipeline_by_team_and_key(self, api: Api) -> None:
        key = unique("deploy")
        made = await pipeline(api, key=key)
        body = await report(api, None, canonical_hash(V1), teamKey="acquiring", pipelineKey=key)
        assert body["data"]["pipelineRunReport"]["run"]["pipeline"] == {"key": made["key"]}

    async def test_reporting_a_run_again_updates_it(self, api: Api) -> None:
        made = await pipeline(api)
        first = await report(api, made["id"], canonical_hash(V1), runId="ci-42")
        again = await report(api, made["id"], canonical_hash(V1), runId="ci-42", status="SUCCEEDED")
        assert (
            again["data"]["pipelineRunReport"]["run"]["id"]
            == first["data"]["pipelineRunReport"]["run"]["id"]
        )
        assert again["data"]["pipelineRunReport"]["run"]["status"] == "SUCCEEDED"


class TestPeerReview:
    async def test_the_author_cannot_activate_their_own_version(self, api: Api) -> None:
        made = await pipeline(api)
        version = (await register(api, made["id"], as_user="engineer"))["definitionVersion"]
        body = await api.gql(
            REVIEW, {"i": {"versionId": version["id"], "verdict": "APPROVE"}}, as_user="engineer"
        )
        (error,) = body["data"]["pipelineDefinitionReview"]["errors"]
        assert error["code"] == "DEFINITION_REVIEW_BY_AUTHOR"

    async def test_a_rejection_is_kept_with_its_comment(self, api: Api) -> None:
        made = await pipeline(api)
        version = (await register(api, made["id"]))["definitionVersion"]
        body = await api.ok(
            REVIEW,
            {"i": {"versionId": version["id"], "verdict": "REJECT", "comment": "No scan."}},
            as_user="payments-admin",
        )
        found = body["pipelineDefinitionReview"]["definitionVersion"]
        assert found["status"] == "REJECTED"
        assert found["reviews"] == [
            {"verdict": "REJECT", "comment": "No scan.", "reviewerName": "payments-admin"}
        ]

    async def test_approving_a_second_version_supersedes_the_first(self, api: Api) -> None:
        made = await pipeline(api)
        v1 = (await register(api, made["id"], V1))["definitionVersion"]
        await approve(api, v1["id"])
        v2 = (await register(api, made["id"], V2))["definitionVersion"]
        await approve(api, v2["id"], as_user="rmo")
        seen = (await api.ok(PIPELINE, {"id": made["id"]}))["node"]
        assert [v["status"] for v in seen["versions"]["nodes"]] == ["SUPERSEDED", "ACTIVE"]


class TestRegistration:
    async def test_registering_the_active_content_again_is_a_no_op_with_a_clear_answer(
        self, api: Api
    ) -> None:
        made = await pipeline(api)
        v1 = (await register(api, made["id"], V1))["definitionVersion"]
        await approve(api, v1["id"])
        again = await register(api, made["id"], "# reformatted\n" + V1, as_user="ci")
        assert again["outcome"] == "ALREADY_ACTIVE"
        assert again["definitionVersion"]["id"] == v1["id"]
        assert "already active" in again["message"]

    async def test_an_unknown_gate_is_refused_with_its_path(self, api: Api) -> None:
        made = await pipeline(api)
        body = await api.gql(
            REGISTER,
            {"i": {"pipelineId": made["id"], "source": V1.replace("approvals", "luck")}},
            as_user="engineer",
        )
        (error,) = body["data"]["pipelineDefinitionRegister"]["errors"]
        assert (error["code"], error["field"]) == ("UNKNOWN_GATE", "source")
        assert "$.stages[1].gates[0]" in error["message"]

    async def test_json_sources_are_accepted(self, api: Api) -> None:
        made = await pipeline(api)
        source = '{"stages": [{"name": "ship", "environment": "payments-prod", "gates": []}]}'
        body = await api.ok(
            REGISTER,
            {"i": {"pipelineId": made["id"], "source": source, "format": "JSON"}},
            as_user="ci",
        )
        assert body["pipelineDefinitionRegister"]["outcome"] == "REGISTERED"


class TestDiffsAndHistory:
    async def test_a_version_diffs_against_another(self, api: Api) -> None:
        made = await pipeline(api)
        v1 = (await register(api, made["id"], V1))["definitionVersion"]
        v2 = (await register(api, made["id"], V2))["definitionVersion"]
        query = """query($id: ID!, $a: ID!) { node(id: $id) { ... on PipelineDefinitionVersion {
          number stages { name environmentKind gates }
          diff(against: $a) { identical unified stagesAdded stagesRemoved
            stagesChanged { stage gatesAdded gatesRemoved } } } } }"""
        node = (await api.ok(query, {"id": v2["id"], "a": v1["id"]}))["node"]
        assert node["stages"][0] == {
            "name": "build",
            "environmentKind": "TEST",
            "gates": ["static_analysis", "security_scan"],
        }
        assert node["diff"]["stagesChanged"] == [
            {"stage": "build", "gatesAdded": ["security_scan"], "gatesRemoved": []}
        ]
        assert "+  - security_scan" in node["diff"]["unified"]
        assert node["diff"]["identical"] is False

    async def test_pipelines_of_a_team_are_listed_and_paged(self, api: Api) -> None:
        acquiring = await team(api)
        made = await pipeline(api)
        for source in (V1, V2, V3):
            await register(api, made["id"], source)
        query = """query($t: ID!) { pipelines(teamId: $t, first: 500) { nodes { id
          versions(first: 2) { nodes { number } pageInfo { hasNextPage endCursor } } } } }"""
        nodes = (await api.ok(query, {"t": acquiring["id"]}))["pipelines"]["nodes"]
        (mine,) = [n for n in nodes if n["id"] == made["id"]]
        assert [v["number"] for v in mine["versions"]["nodes"]] == [1, 2]
        assert mine["versions"]["pageInfo"]["hasNextPage"] is True


class TestScope:
    async def test_another_business_units_pipeline_reads_as_absent(self, api: Api) -> None:
        made = await pipeline(api)
        body = await api.gql(PIPELINE, {"id": made["id"]}, as_user="retail-admin")
        assert body["data"]["node"] is None
        refused = await api.gql(
            REGISTER, {"i": {"pipelineId": made["id"], "source": V1}}, as_user="retail-admin"
        )
        (error,) = refused["data"]["pipelineDefinitionRegister"]["errors"]
        assert (error["code"], error["field"]) == ("NOT_FOUND", "pipelineId")
