"""What third-party OFREP clients need: an unknown environment is an error, not every flag off;
number flags are floats on the wire and integer flags integers; an API token may come as
OFREP's `X-API-Key` header."""

from __future__ import annotations

import orjson

from tests.api.conftest import Api, unique
from tests.api.environments_support import environment
from tests.api.test_flags_api import ENV, create_flag, ofrep, set_state
from tests.api.test_ofrep import ci_token

NUMBER_VARIANTS = [{"key": "five", "value": 5}, {"key": "half", "value": 2.5}]


class TestAnUnknownEnvironment:
    async def test_single_evaluation_is_invalid_context_naming_the_flag(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        typo = unique("production-ue")
        answer = await ofrep(api, flag["key"], {"targetingKey": "u1"}, environment=typo)
        assert answer.status_code == 400
        body = answer.json()
        assert (body["key"], body["errorCode"]) == (flag["key"], "INVALID_CONTEXT")
        assert typo in body["errorDetails"] and "X-Signalbox-Environment" in body["errorDetails"]

    async def test_bulk_evaluation_is_invalid_context_without_flags(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        answer = await ofrep(api, None, {"targetingKey": "u1"}, environment=unique("nowhere"))
        assert answer.status_code == 400
        assert set(answer.json()) == {"errorCode", "errorDetails"}
        assert answer.json()["errorCode"] == "INVALID_CONTEXT"
        assert "etag" not in answer.headers

    async def test_a_catalogued_environment_without_flag_states_serves_them_disabled(
        self, api: Api
    ) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        fresh = await environment(api)
        single = await ofrep(api, flag["key"], {"targetingKey": "u1"}, environment=fresh["key"])
        assert single.status_code == 200, single.text
        assert (single.json()["value"], single.json()["reason"]) == (False, "DISABLED")
        bulk = await ofrep(api, None, {"targetingKey": "u1"}, environment=fresh["key"])
        assert bulk.status_code == 200
        assert {f["reason"] for f in bulk.json()["flags"]} == {"DISABLED"}

    async def test_an_environment_named_by_a_flag_state_is_known(self, api: Api) -> None:
        flag = await create_flag(api)
        place = unique("edge")
        await set_state(api, flag["id"], place)
        answer = await ofrep(api, flag["key"], {"targetingKey": "u1"}, environment=place)
        assert (answer.status_code, answer.json()["value"]) == (200, True)

    async def test_unknown_names_are_not_kept_in_the_snapshot_cache(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        await ofrep(api, flag["key"], {"targetingKey": "u1"})  # the known one, kept
        kept = dict(api.runtime.flag_snapshots._snapshots)
        for n in range(3):
            await ofrep(api, None, {"targetingKey": "u1"}, environment=unique(f"typo{n}"))
        assert api.runtime.flag_snapshots._snapshots.keys() == kept.keys()


class TestNumberAndIntegerFlags:
    async def test_a_number_flag_serves_a_whole_number_as_a_float(self, api: Api) -> None:
        flag = await create_flag(
            api, kind="OPS", valueType="NUMBER", variants=NUMBER_VARIANTS, expiresAt=None
        )
        await set_state(api, flag["id"], defaultServe={"variant": "five"})
        answer = await ofrep(api, flag["key"], {"targetingKey": "u1"})
        assert b'"value":5.0' in answer.content
        assert isinstance(answer.json()["value"], float)
        bulk = {
            f["key"]: f for f in (await ofrep(api, None, {"targetingKey": "u1"})).json()["flags"]
        }
        assert isinstance(bulk[flag["key"]]["value"], float) and bulk[flag["key"]]["value"] == 5.0

    async def test_an_integer_flag_serves_integers(self, api: Api) -> None:
        variants = [{"key": "few", "value": 3}, {"key": "many", "value": 300}]
        flag = await create_flag(
            api, kind="OPS", valueType="INTEGER", variants=variants, expiresAt=None
        )
        await set_state(api, flag["id"], defaultServe={"variant": "many"})
        answer = await ofrep(api, flag["key"], {"targetingKey": "u1"})
        assert b'"value":300,' in answer.content
        assert orjson.loads(answer.content)["value"] == 300
        assert isinstance(answer.json()["value"], int)


class TestTheApiKeyHeader:
    async def test_an_api_token_as_x_api_key_evaluates_single_and_bulk(self, api: Api) -> None:
        flag = await create_flag(api)
        await set_state(api, flag["id"])
        headers = {"x-api-key": await ci_token(api), "x-signalbox-environment": ENV}
        body = {"context": {"targetingKey": "build-7"}}
        single = await api.http.post(
            f"/ofrep/v1/evaluate/flags/{flag['key']}", json=body, headers=headers
        )
        assert (single.status_code, single.json()["value"]) == (200, True)
        bulk = await api.http.post("/ofrep/v1/evaluate/flags", json=body, headers=headers)
        assert bulk.status_code == 200
        assert flag["key"] in {f["key"] for f in bulk.json()["flags"]}

    async def test_a_jwt_or_an_unknown_key_as_x_api_key_is_401(self, api: Api) -> None:
        body = {"context": {"targetingKey": "u"}}
        for key in (api.token("rmo"), "sbx_" + "0" * 40):
            answer = await api.http.post(
                "/ofrep/v1/evaluate/flags",
                json=body,
                headers={"x-api-key": key, "x-signalbox-environment": ENV},
            )
            assert answer.status_code == 401, key
            assert answer.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    async def test_x_api_key_authenticates_nothing_but_ofrep(self, api: Api) -> None:
        answer = await api.http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"x-api-key": await ci_token(api)}
        )
        assert answer.status_code == 401
