"""Registering a definition whose stage names an environment by key: a production-only gate is
refused there unless that environment is a production one (GATE_PRODUCTION_ONLY)."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.api.environments_support import environment
from tests.api.test_pipeline_definitions_support import REGISTER, pipeline


def keyed(env_key: str, gate: str) -> str:
    return f"stages:\n  - name: ship\n    environment: {env_key}\n    gates: [approvals, {gate}]\n"


class TestAStageByKeyListingAProductionOnlyGate:
    async def test_is_refused_when_the_environment_is_not_production(self, api: Api) -> None:
        made = await pipeline(api)
        staging = await environment(api)
        body = await api.gql(
            REGISTER,
            {"i": {"pipelineId": made["id"], "source": keyed(staging["key"], "sign_offs")}},
            as_user="engineer",
        )
        payload = body["data"]["pipelineDefinitionRegister"]
        (error,) = payload["errors"]
        assert (error["code"], error["field"]) == ("GATE_PRODUCTION_ONLY", "source")
        assert "sign_offs" in error["message"] and "staging" in error["message"]
        assert payload["definitionVersion"] is None

    async def test_is_accepted_when_the_environment_is_production(self, api: Api) -> None:
        made = await pipeline(api)
        production = await environment(api, kind="PRODUCTION", region="eu-west-1")
        body = await api.ok(
            REGISTER,
            {"i": {"pipelineId": made["id"], "source": keyed(production["key"], "sign_offs")}},
            as_user="engineer",
        )
        payload = body["pipelineDefinitionRegister"]
        assert payload["errors"] == [], payload
        assert payload["definitionVersion"]["status"] == "PROPOSED"


DEPRECATED = """
mutation($i: PipelineDefinitionRegisterInput!) { pipelineDefinitionRegister(input: $i) {
  definitionVersion { status warnings stages { name gates } document }
  outcome warnings errors { code field message } } }"""


class TestTheDeprecatedReadinessGate:
    async def test_is_accepted_with_a_warning_and_judged_as_release_status(self, api: Api) -> None:
        made = await pipeline(api)
        source = (
            "stages:\n  - name: ship\n    environment_kind: production\n    gates: [readiness]\n"
        )
        body = await api.ok(
            DEPRECATED, {"i": {"pipelineId": made["id"], "source": source}}, as_user="engineer"
        )
        payload = body["pipelineDefinitionRegister"]
        assert payload["errors"] == [] and payload["outcome"] == "REGISTERED"
        (warning,) = payload["warnings"]
        assert warning.startswith("$.stages[0].gates[0]: gate 'readiness' is deprecated")
        version = payload["definitionVersion"]
        assert version["warnings"] == payload["warnings"]
        assert version["stages"] == [{"name": "ship", "gates": ["release_status"]}]
        assert version["document"]["stages"][0]["gates"] == ["readiness"]

    async def test_a_definition_without_it_has_no_warning(self, api: Api) -> None:
        made = await pipeline(api)
        source = "stages:\n  - name: ship\n    environment_kind: production\n    gates: [freeze]\n"
        body = await api.ok(
            DEPRECATED, {"i": {"pipelineId": made["id"], "source": source}}, as_user="engineer"
        )
        payload = body["pipelineDefinitionRegister"]
        assert payload["warnings"] == [] and payload["definitionVersion"]["warnings"] == []
