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
