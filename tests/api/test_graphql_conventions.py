"""Limits, error codes, masking, idempotency keys and production hardening of /graphql."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager
from cryptography.fernet import Fernet

from api.app import create_app
from api.graphql.relay import from_global_id
from api.graphql.user_errors import CALENDAR, TRAINS, user_errors
from demo.organization import load_demo
from domain.calendar.errors import CalendarErrorCode
from domain.kernel import idempotency
from domain.kernel.errors import DomainError
from tests.api.conftest import Api, ids, serving, settings_for, unique
from tests.api.test_guardrails_api import business_unit

TEAM_CREATE = """
mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id key } errors { code } } }"""


class TestQueryLimits:
    async def test_a_query_nested_too_deep_is_refused(self, api: Api) -> None:
        inner = "key"
        for _ in range(8):
            inner = f"teams {{ nodes {{ businessUnit {{ {inner} }} }} }}"
        deep = "{ " + inner + " }"
        body = await api.gql(deep)
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "depth" in body["errors"][0]["message"]

    async def test_too_many_aliases_are_refused(self, api: Api) -> None:
        query = "{ " + " ".join(f"a{i}: about {{ name }}" for i in range(40)) + " }"
        body = await api.gql(query)
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_an_oversized_body_is_413(self, api: Api) -> None:
        response = await api.http.post(
            "/graphql",
            content=b'{"query": "' + b" " * 2_000_000 + b'{ about { name } }"}',
            headers={
                "authorization": f"Bearer {api.token('rmo')}",
                "content-type": "application/json",
            },
        )
        assert response.status_code == 413

    async def test_a_body_that_is_not_graphql_json_is_400(self, api: Api) -> None:
        response = await api.http.post(
            "/graphql",
            content=b"[1, 2]",
            headers={
                "authorization": f"Bearer {api.token('rmo')}",
                "content-type": "application/json",
            },
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_page_size_is_bounded(self, api: Api) -> None:
        body = await api.gql("{ teams(first: 100000) { nodes { key } } }")
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    async def test_a_forged_cursor_is_bad_user_input(self, api: Api) -> None:
        body = await api.gql('{ teams(after: "%%%") { nodes { key } } }')
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


class TestPagination:
    async def test_pages_follow_each_other_without_overlap(self, api: Api) -> None:
        seen: list[str] = []
        after = None
        for _ in range(50):
            data = await api.ok(
                "query($a: String) { services(first: 7, after: $a) { nodes { key } pageInfo { hasNextPage endCursor } } }",
                {"a": after},
            )
            page = data["services"]
            seen += [n["key"] for n in page["nodes"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        assert len(seen) == len(set(seen)) >= 30
        assert seen == sorted(seen)


class TestUnexpectedErrorsAreMasked:
    async def test_a_bug_is_logged_and_hidden_behind_a_request_id(
        self, api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        from domain.organization import queries

        async def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("secret internals: password=hunter2")

        monkeypatch.setattr(queries, "vendors", broken)
        response = await api.post(
            "{ vendors { nodes { name } } }", headers={"x-request-id": "req-123"}
        )
        error = response.json()["errors"][0]
        assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-123"}
        assert "hunter2" not in response.text
        assert response.headers["x-request-id"] == "req-123"
        assert any("unexpected error" in r.getMessage() for r in caplog.records)


class TestVariablesThatDoNotFitAreTheCallersInput:
    async def test_a_missing_required_input_field_is_bad_user_input_not_a_bug(
        self, api: Api, caplog: pytest.LogCaptureFixture
    ) -> None:
        body = await api.gql(
            "mutation($i: GoNoGoCloseInput!) { goNoGoClose(input: $i) { errors { code } } }",
            {"i": {"id": "R29Ob0dvU2Vzc2lvbjox"}},
        )
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT"}
        assert "version" in error["message"]
        assert not any("unexpected error" in r.getMessage() for r in caplog.records)


TYPED_ERRORS = "errors { __typename code field ... on %s { errorCode } }"
GUARDRAILS_UPDATE = """mutation($i: GuardrailBusinessUnitUpdateInput!) {
  guardrailBusinessUnitUpdate(input: $i) { guardrailSet { version } %s } }""" % (
    TYPED_ERRORS % "GuardrailError"
)


class TestRefusalsCarryTheirContextsTypedCode:
    async def test_a_taken_key_is_an_organization_error_with_its_enum_value(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        query = "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { %s } }" % (
            TYPED_ERRORS % "OrganizationError"
        )
        variables = {"input": {"businessUnitId": bu, "key": unique("typed"), "name": "T"}}
        await api.ok(query, variables)
        body = await api.gql(query, variables)
        assert body["data"]["teamCreate"]["errors"] == [
            {
                "__typename": "OrganizationError",
                "code": "KEY_TAKEN",
                "field": "key",
                "errorCode": "KEY_TAKEN",
            }
        ]

    async def test_a_refusal_naming_several_problems_is_one_typed_error_each(
        self, api: Api
    ) -> None:
        bu = await business_unit(api)
        values = {"min_approvers.mars": 1, "max_bypass_hours": 500}
        body = await api.gql(
            GUARDRAILS_UPDATE,
            {"i": {"businessUnitId": bu, "values": values, "version": 0, "note": "typo"}},
        )
        errors = body["data"]["guardrailBusinessUnitUpdate"]["errors"]
        assert [(e["__typename"], e["errorCode"], e["field"]) for e in errors] == [
            ("GuardrailError", "UNKNOWN_GUARDRAIL", "min_approvers.mars"),
            ("GuardrailError", "INVALID_GUARDRAIL_VALUE", "max_bypass_hours"),
        ]
        assert [e["code"] for e in errors] == [e["errorCode"] for e in errors]

    async def test_the_kernels_generic_codes_come_in_the_payloads_context_type(
        self, api: Api
    ) -> None:
        bu = await business_unit(api)
        change = {"businessUnitId": bu, "values": {"max_bypass_hours": 4}, "note": "x"}
        await api.ok(GUARDRAILS_UPDATE, {"i": {**change, "version": 0}})
        body = await api.gql(GUARDRAILS_UPDATE, {"i": {**change, "version": 0}})
        assert body["data"]["guardrailBusinessUnitUpdate"]["errors"] == [
            {
                "__typename": "GuardrailError",
                "code": "VERSION_CONFLICT",
                "field": "version",
                "errorCode": "VERSION_CONFLICT",
            }
        ]


class TestALowerContextsCodeKeepsItsType:
    def test_a_code_the_payloads_context_also_owns_takes_the_payloads_type(self) -> None:
        refusal = DomainError("Bad rule.", code=CalendarErrorCode.INVALID_RRULE, field="rrule")
        (error,) = user_errors(refusal, TRAINS)
        assert isinstance(error, TRAINS.type)
        assert error.error_code == TRAINS.enum["INVALID_RRULE"]  # type: ignore[attr-defined]

    def test_a_code_only_the_lower_context_owns_keeps_that_contexts_type(self) -> None:
        refusal = DomainError("Too many.", code=CalendarErrorCode.TOO_MANY_OCCURRENCES)
        (error,) = user_errors(refusal, TRAINS)
        assert isinstance(error, CALENDAR.type)
        assert error.code == "TOO_MANY_OCCURRENCES"
        assert error.error_code == CALENDAR.enum["TOO_MANY_OCCURRENCES"]  # type: ignore[attr-defined]


class TestOneDecoderOfOptionalIds:
    def test_no_resolver_module_decodes_an_optional_id_by_hand(self) -> None:
        by_hand = re.compile(r"from_global_id\([^()]*\)\s+if\b")
        modules = (Path(__file__).resolve().parents[2] / "api" / "graphql").glob("*.py")
        offenders = [m.name for m in modules if by_hand.search(m.read_text())]
        assert offenders == [], "use relay.from_optional_global_id"


class TestIdempotencyKeys:
    async def test_the_same_key_and_body_replays_the_first_answer(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        variables = {"input": {"businessUnitId": bu, "key": unique("idem"), "name": "Once"}}
        headers = {"idempotency-key": unique("k")}
        first = await api.post(TEAM_CREATE, variables, headers=headers)
        second = await api.post(TEAM_CREATE, variables, headers=headers)
        assert first.status_code == second.status_code == 200
        assert second.headers.get("idempotent-replayed") == "true"
        assert first.json() == second.json()
        assert first.json()["data"]["teamCreate"]["errors"] == []

    async def test_the_same_key_with_another_body_is_refused(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        headers = {"idempotency-key": unique("k")}
        await api.post(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu, "key": unique("a"), "name": "A"}},
            headers=headers,
        )
        other = await api.post(
            TEAM_CREATE,
            {"input": {"businessUnitId": bu, "key": unique("b"), "name": "B"}},
            headers=headers,
        )
        assert other.status_code == 422
        assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"

    async def test_keys_belong_to_their_caller(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        headers = {"idempotency-key": unique("k")}
        variables = {"input": {"businessUnitId": bu, "key": unique("c"), "name": "C"}}
        mine = await api.post(TEAM_CREATE, variables, headers=headers, as_user="rmo")
        theirs = await api.post(TEAM_CREATE, variables, headers=headers, as_user="payments-admin")
        assert "idempotent-replayed" not in theirs.headers
        assert theirs.json()["data"]["teamCreate"]["errors"] == [{"code": "KEY_TAKEN"}]
        assert mine.json()["data"]["teamCreate"]["errors"] == []

    async def test_concurrent_retries_create_one_team(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        key = unique("race")
        headers = {"idempotency-key": unique("k")}
        variables = {"input": {"businessUnitId": bu, "key": key, "name": "Race"}}
        responses = await asyncio.gather(
            *(api.post(TEAM_CREATE, variables, headers=headers) for _ in range(5))
        )
        created = [
            r
            for r in responses
            if r.status_code == 200 and r.json()["data"]["teamCreate"]["errors"] == []
        ]
        assert {r.status_code for r in responses} <= {200, 409}
        data = await api.ok(
            "query($f: TeamFilter) { teams(filter: $f, first: 500) { nodes { key } } }",
            {"f": {"businessUnitId": bu}},
        )
        assert [n["key"] for n in data["teams"]["nodes"]].count(key) == 1
        assert created


@pytest.fixture
async def production(migrated_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    # Production refuses to start without a secret key and an identity provider (api.startup).
    settings = settings_for(
        migrated_url,
        tmp_path,
        env="production",
        secret_key=Fernet.generate_key().decode(),
        allow_local_issuer=True,
    )
    async with serving(settings) as api:
        yield api


class TestProductionHardening:
    async def test_introspection_is_off(self, production: Api) -> None:
        body = await production.gql("{ __schema { types { name } } }")
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_field_suggestions_are_off(self, production: Api) -> None:
        body = await production.gql("{ teamz { nodes { key } } }")
        assert "Did you mean" not in body["errors"][0]["message"]

    async def test_graphiql_is_not_served(self, production: Api) -> None:
        response = await production.http.get("/graphql", headers={"accept": "text/html"})
        assert response.status_code in (401, 405)

    async def test_development_offers_suggestions_and_graphiql(self, api: Api) -> None:
        body = await api.gql("{ teamz { nodes { key } } }")
        assert "Did you mean" in body["errors"][0]["message"]
        page = await api.http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "graphiql" in page.text.lower()


class TestDeadlines:
    async def test_a_request_past_its_deadline_is_cut_off(
        self, migrated_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from domain.organization import queries

        async def slow(*args: object, **kwargs: object) -> None:
            await asyncio.sleep(30)

        monkeypatch.setattr(queries, "vendors", slow)
        app = create_app(settings_for(migrated_url, tmp_path, execution_timeout_seconds=0.2))
        async with (
            LifespanManager(app) as manager,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=manager.app), base_url="http://t"
            ) as http,
        ):
            api = Api(app=app, http=http, runtime=app.state.runtime)
            await load_demo(api.runtime)
            async with asyncio.timeout(10):
                response = await api.post("{ vendors { nodes { name } } }")
        assert response.status_code == 504
        assert response.json()["errors"][0]["extensions"]["code"] == "DEADLINE_EXCEEDED"


class TestAbandonedIdempotencyKeys:
    async def test_a_reservation_left_by_a_dead_request_is_taken_over(self, api: Api) -> None:
        bu = (await ids(api))["payments"]
        key = unique("k")
        body_vars = {"input": {"businessUnitId": bu, "key": unique("dead"), "name": "D"}}
        person = await api.ok("{ viewer { person { id } } }")
        # A reservation made long ago by a request whose process died before answering.
        subject = f"person:{from_global_id(person['viewer']['person']['id'])}"
        async with api.runtime.system_unit_of_work() as uow:
            long_ago = api.runtime.clock.now() - timedelta(hours=1)
            digest = hashlib.sha256(
                orjson.dumps({"query": TEAM_CREATE, "variables": body_vars})
            ).hexdigest()
            assert await idempotency.reserve(uow.session, subject, key, digest, long_ago)
            await uow.commit()
        response = await api.post(TEAM_CREATE, body_vars, headers={"idempotency-key": key})
        assert response.status_code == 200
        assert response.json()["data"]["teamCreate"]["errors"] == []
