"""GraphQL over HTTP: queries over GET, media types by Accept, and the request body's type."""

from __future__ import annotations

import json
from typing import Any

import httpx

from api.graphql.over_http import negotiate
from tests.api.conftest import Api

GRAPHQL_RESPONSE = "application/graphql-response+json"


def _auth(api: Api, **headers: str) -> dict[str, str]:
    return {"authorization": f"Bearer {api.token('rmo')}", **headers}


async def _get(api: Api, params: dict[str, Any], **headers: str) -> httpx.Response:
    return await api.http.get("/graphql", params=params, headers=_auth(api, **headers))


async def _raw(api: Api, content_type: str | None) -> httpx.Response:
    """`{ about { name } }` as a body declared `content_type` (None: undeclared)."""
    headers = {"content-type": content_type} if content_type else {}
    return await api.http.post(
        "/graphql", content=b'{"query": "{ about { name } }"}', headers=_auth(api, **headers)
    )


async def _post(api: Api, body: dict[str, Any], **headers: str) -> httpx.Response:
    return await api.http.post(
        "/graphql",
        content=json.dumps(body).encode(),
        headers=_auth(api, **{"content-type": "application/json", **headers}),
    )


class TestQueriesOverGet:
    async def test_a_query_runs_from_the_url(self, api: Api) -> None:
        response = await _get(api, {"query": "{ about { name } }"})
        assert response.status_code == 200
        assert response.json() == {"data": {"about": {"name": "Signalbox"}}}

    async def test_variables_and_the_operation_name_come_from_the_url(self, api: Api) -> None:
        query = (
            "query A { about { name } } "
            "query B($s: String) { people(search: $s, first: 1) { nodes { username } } }"
        )
        response = await _get(
            api,
            {"query": query, "operationName": "B", "variables": json.dumps({"s": "rmo"})},
        )
        assert response.json()["data"] == {"people": {"nodes": [{"username": "rmo"}]}}

    async def test_a_mutation_over_get_is_405_and_does_nothing(self, api: Api) -> None:
        response = await _get(
            api, {"query": 'mutation { teamCreate(input: {key: "x"}) { errors { message } } }'}
        )
        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_a_get_query_needs_a_token_even_when_a_browser_asks(self, api: Api) -> None:
        response = await api.http.get(
            "/graphql", params={"query": "{ about { name } }"}, headers={"accept": "text/html"}
        )
        assert response.status_code == 401

    async def test_variables_that_are_not_a_json_object_are_400(self, api: Api) -> None:
        for variables in ("[1]", "{nope", '"text"'):
            response = await _get(api, {"query": "{ about { name } }", "variables": variables})
            assert response.status_code == 400, variables
            assert "variables" in response.json()["errors"][0]["message"]

    async def test_a_get_without_a_query_is_400(self, api: Api) -> None:
        response = await api.http.get("/graphql", headers=_auth(api, accept="application/json"))
        assert response.status_code == 400


class TestMediaTypes:
    async def test_graphql_response_json_is_answered_in_kind(self, api: Api) -> None:
        response = await _post(api, {"query": "{ about { name } }"}, accept=GRAPHQL_RESPONSE)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)

    async def test_with_graphql_response_json_a_broken_document_is_400_without_data(
        self, api: Api
    ) -> None:
        for query in ("{ about { name }", "{ nosuchfield }"):
            response = await _post(api, {"query": query}, accept=GRAPHQL_RESPONSE)
            assert response.status_code == 400, query
            body = response.json()
            assert "data" not in body and body["errors"], body

    async def test_with_graphql_response_json_variables_that_do_not_fit_are_400(
        self, api: Api
    ) -> None:
        query = "query($n: Int) { teams(first: $n) { nodes { key } } }"
        response = await _post(
            api, {"query": query, "variables": {"n": "many"}}, accept=GRAPHQL_RESPONSE
        )
        assert response.status_code == 400

    async def test_with_application_json_a_broken_document_stays_200(self, api: Api) -> None:
        for accept in ("application/json", "*/*", None):
            headers = {"accept": accept} if accept else {}
            response = await _post(api, {"query": "{ nosuchfield }"}, **headers)
            assert response.status_code == 200, accept
            assert response.headers["content-type"].startswith("application/json")
            code = response.json()["errors"][0]["extensions"]["code"]
            assert code == "GRAPHQL_VALIDATION_FAILED"

    async def test_execution_errors_stay_200_with_data_in_either_type(self, api: Api) -> None:
        query = '{ about { name } node(id: "bm90aGluZw==") { id } }'
        response = await _post(api, {"query": query}, accept=GRAPHQL_RESPONSE)
        assert response.status_code == 200
        assert response.json()["data"]["about"] == {"name": "Signalbox"}

    async def test_an_unacceptable_accept_is_406(self, api: Api) -> None:
        response = await _post(api, {"query": "{ about { name } }"}, accept="text/csv")
        assert response.status_code == 406

    def test_accept_negotiation(self) -> None:
        assert negotiate(None) == "application/json"
        assert negotiate("*/*") == "application/json"
        assert negotiate(f"{GRAPHQL_RESPONSE}, application/json") == GRAPHQL_RESPONSE
        assert negotiate(f"application/json, {GRAPHQL_RESPONSE};q=0.9") == "application/json"
        assert negotiate(f"application/json;q=0.5, {GRAPHQL_RESPONSE}") == GRAPHQL_RESPONSE
        assert negotiate(f"text/html, {GRAPHQL_RESPONSE};q=0") is None
        assert negotiate("text/html") is None


class TestRequestBodyType:
    async def test_a_text_plain_body_is_415(self, api: Api) -> None:
        response = await _raw(api, "text/plain")
        assert response.status_code == 415
        assert response.headers["accept-post"] == "application/json"
        assert "text/plain" in response.json()["errors"][0]["message"]

    async def test_a_body_without_a_content_type_is_415(self, api: Api) -> None:
        assert (await _raw(api, None)).status_code == 415

    async def test_json_with_a_charset_is_accepted(self, api: Api) -> None:
        assert (await _raw(api, "application/json; charset=utf-8")).status_code == 200
