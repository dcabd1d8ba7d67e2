"""No 500 from any input: unknown operations and text no store can keep are typed 400s.

PostgreSQL refuses NUL in text where SQLite stores it; both databases answer alike here, because
the edge refuses such text before any store sees it.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.app import create_app
from api.endpoints.alertmanager import parse as parse_alerts
from api.endpoints.cdevents import STRUCTURED, Refused, decode
from api.text_input import first_unstorable, unstorable
from tests.api.conftest import Api, settings_for, unique

pytestmark = pytest.mark.fault
NUL = "\x00"
TEAM_CREATE = """
mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { key } errors { code } } }"""


def _auth(api: Api, user: str = "rmo") -> dict[str, str]:
    return {"authorization": f"Bearer {api.token(user)}"}


async def _post(api: Api, body: dict[str, Any]) -> httpx.Response:
    return await api.http.post(
        "/graphql",
        content=json.dumps(body).encode(),
        headers={**_auth(api), "content-type": "application/json"},
    )


def _code(response: httpx.Response) -> str:
    assert response.headers["content-type"].startswith("application/json"), response.text
    return str(response.json()["errors"][0]["extensions"]["code"])


class TestUnstorableTextIsFound:
    def test_nul_and_lone_surrogates_are_unstorable_and_plain_text_is_not(self) -> None:
        assert unstorable("a\x00b")
        assert unstorable("\ud800")
        assert not unstorable("payments ✓ 支付 😀\t\n")

    def test_the_path_names_the_first_bad_string_keys_included(self) -> None:
        value = {"input": {"name": "ok", "tags": ["fine", "b\x00d"]}}
        assert first_unstorable(value, "variables") == "variables.input.tags[1]"
        assert first_unstorable({"k\x00": 1}, "") == "k\x00"
        assert first_unstorable({"input": {"n": 1, "s": "ok"}}, "") is None


class TestAnUnknownOperationNameIsRefused:
    async def test_an_operation_name_the_document_lacks_is_a_typed_400(self, api: Api) -> None:
        response = await _post(
            api, {"query": "query A { about { name } }", "operationName": "Nope"}
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"
        assert response.json()["errors"][0]["extensions"]["field"] == "operationName"

    async def test_over_get_too(self, api: Api) -> None:
        response = await api.http.get(
            "/graphql",
            params={"query": "query A { about { name } }", "operationName": "Nope"},
            headers=_auth(api),
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_a_document_that_does_not_parse_is_answered_as_the_syntax_error(
        self, api: Api
    ) -> None:
        response = await _post(api, {"query": "query A { about {", "operationName": "A"})
        message = response.json()["errors"][0]["message"]
        assert message.startswith("Syntax Error"), message

    async def test_a_named_operation_still_runs(self, api: Api) -> None:
        response = await _post(
            api,
            {"query": "query A { about { name } } query B { __typename }", "operationName": "A"},
        )
        assert response.json() == {"data": {"about": {"name": "Signalbox"}}}


class TestNulInGraphQLIsRefusedOnEveryDatabase:
    async def test_in_a_mutations_variables(self, api: Api) -> None:
        bu = (await api.ok("{ businessUnits { nodes { id key } } }"))["businessUnits"]["nodes"]
        key = unique("t")
        variables = {"input": {"businessUnitId": bu[0]["id"], "key": key, "name": f"a{NUL}b"}}
        response = await _post(api, {"query": TEAM_CREATE, "variables": variables})
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"
        assert response.json()["errors"][0]["extensions"]["field"] == "variables.input.name"

    async def test_in_a_search_argument_given_as_a_variable(self, api: Api) -> None:
        query = "query($s: String) { people(search: $s, first: 1) { nodes { username } } }"
        response = await _post(api, {"query": query, "variables": {"s": NUL}})
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_in_a_string_literal_as_an_escape(self, api: Api) -> None:
        response = await _post(api, {"query": '{ flag(key: "x\\u0000y") { key } }'})
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"
        assert response.json()["errors"][0]["extensions"]["field"] == "query"

    async def test_in_a_query_over_get(self, api: Api) -> None:
        response = await api.http.get(
            "/graphql",
            params={
                "query": "query($k: String!) { flag(key: $k) { key } }",
                "variables": json.dumps({"k": NUL}),
            },
            headers=_auth(api),
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_a_lone_surrogate_is_refused_too(self, api: Api) -> None:
        body = b'{"query": "{ flag(key: \\"\\ud800\\") { key } }"}'
        response = await api.http.post(
            "/graphql", content=body, headers={**_auth(api), "content-type": "application/json"}
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_ordinary_unicode_still_goes_through(self, api: Api) -> None:
        query = "query($s: String) { people(search: $s, first: 1) { nodes { username } } }"
        response = await _post(api, {"query": query, "variables": {"s": "支付 ✓"}})
        assert response.status_code == 200
        assert response.json() == {"data": {"people": {"nodes": []}}}


class TestNulInMachineEndpointsIsRefused:
    async def test_in_a_query_parameter(self, api: Api) -> None:
        response = await api.http.get(
            "/decisions",
            params={"service": NUL, "environment": "production", "version": "1"},
            headers=_auth(api, "ci"),
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"
        assert response.json()["errors"][0]["extensions"]["field"] == "service"

    async def test_in_the_path(self, api: Api) -> None:
        response = await api.http.post(
            "/ofrep/v1/evaluate/flags/a%00b",
            json={"context": {"targetingKey": "u1"}},
            headers={**_auth(api), "x-signalbox-environment": "production-eu"},
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_in_a_json_body(self, api: Api) -> None:
        response = await api.http.post(
            "/decisions",
            json={"service": f"a{NUL}", "environment": "production", "version": "1"},
            headers=_auth(api, "ci"),
        )
        assert response.status_code == 400
        assert _code(response) == "BAD_USER_INPUT"

    async def test_a_request_without_a_token_is_still_401_first(self, api: Api) -> None:
        response = await api.http.get("/decisions", params={"service": NUL})
        assert response.status_code == 401


@pytest.fixture
async def failing_app(migrated_url: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The real app with one more route whose handler fails as a bug would."""
    from asgi_lifespan import LifespanManager

    app = create_app(settings_for(migrated_url, tmp_path_factory.mktemp("boom")))

    async def boom(request: Request) -> Response:
        raise RuntimeError("secret-token-value must not leak")

    app.router.routes.insert(0, Route("/boom", boom))
    async with LifespanManager(app) as manager:
        yield app, manager.app


class TestTheLastResort:
    async def test_an_unexpected_error_is_a_masked_json_500_with_the_request_id(
        self, failing_app: Any
    ) -> None:
        app, asgi = failing_app
        token = app.state.runtime.authenticator.local_issuer.mint(
            "rmo",
            username="rmo",
            name="rmo",
            ttl=timedelta(hours=1),
            now=app.state.runtime.clock.now(),
        )
        transport = httpx.ASGITransport(app=asgi, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get(
                "/boom", headers={"authorization": f"Bearer {token}", "x-request-id": "req-42"}
            )
        assert response.status_code == 500
        assert response.headers["content-type"] == "application/json"
        error = response.json()["errors"][0]
        assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
        assert "secret-token-value" not in response.text
        assert "Traceback" not in response.text
        assert response.headers["x-request-id"] == "req-42"


class TestNulInWebhookBodiesIsRefused:
    def test_a_cdevent_holding_a_nul_is_a_typed_400(self) -> None:
        body = json.dumps({"specversion": "1.0", "id": "a\x00", "source": "s", "type": "t"})
        with pytest.raises(Refused) as refused:
            decode({"content-type": STRUCTURED}, body.encode(), "payments")
        assert (refused.value.status, refused.value.code) == (400, "BAD_USER_INPUT")
        assert "body.id" in refused.value.message

    def test_an_alertmanager_webhook_holding_a_nul_is_refused(self) -> None:
        with pytest.raises(ValueError, match="NUL"):
            parse_alerts(json.dumps({"version": "4", "receiver": "a\x00"}).encode())
