"""Cost and size limits of /graphql: the attacks of issue 14, each refused with its typed code,
while the web components' own operations stay under every limit."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from graphql import ExecutionResult, GraphQLError, OperationType, get_introspection_query, parse
from graphql.utilities import get_operation_ast

from api.graphql.limits import limit_rules, limited_validator, operation_names, operation_type
from api.graphql.limits_cost import operation_cost
from api.graphql.schema import build_schema
from api.settings import Settings
from domain.kernel.pagination import MAX_PAGE
from tests.api.conftest import Api, ids, serving, settings_for, unique

COMPONENTS = Path(__file__).resolve().parents[2] / "web-components" / "src"
_CONST = re.compile(r"const (\w+) = (`[^`]*`|'[^'\n]*');", re.DOTALL)
_OPERATION = re.compile(r"\s*(query|mutation|subscription)\b")


def component_documents() -> list[tuple[str, str]]:
    """Every operation the web components send, `${FRAGMENT}` interpolations resolved."""
    found = []
    for source in sorted(COMPONENTS.rglob("*.ts")):
        if source.name.endswith((".test.ts", ".browser.ts")):
            continue
        consts = {name: text[1:-1] for name, text in _CONST.findall(source.read_text())}
        for name, text in consts.items():
            text = re.sub(r"\$\{(\w+)\}", lambda m: consts.get(m.group(1), m.group(0)), text)
            if _OPERATION.match(text):
                found.append((f"{source.parent.name}:{name}", text))
    return found


def code(body: dict[str, object]) -> str:
    errors = body["errors"]
    assert isinstance(errors, list) and errors, body
    return str(errors[0]["extensions"]["code"])


NESTED = """query Nested($first: Int) {
  teams(first: $first) { nodes { key description
    services(first: $first) { nodes { key name } } } }
}"""


class TestCost:
    async def test_nested_connections_over_the_limit_are_refused_with_cost_and_limit(
        self, api: Api
    ) -> None:
        body = await api.gql(NESTED, {"first": 500}, as_user="viewer")
        assert code(body) == "QUERY_TOO_COSTLY"
        extensions = body["errors"][0]["extensions"]
        assert extensions["limit"] == api.runtime.settings.graphql_max_cost
        assert extensions["cost"] == 1 + 500 + 500 * (1 + 500)
        assert body.get("data") is None

    async def test_the_same_document_with_a_small_page_runs(self, api: Api) -> None:
        body = await api.gql(NESTED, {"first": 5}, as_user="viewer")
        assert "errors" not in body, body
        assert body["data"]["teams"]["nodes"]

    async def test_a_3kb_viewer_query_of_nested_connections_is_refused(self, api: Api) -> None:
        inner = "services(first: 500) { nodes { id key name } }"
        inner = f"teams(first: 500) {{ nodes {{ id key name description {inner} }} }}"
        query = "{ " + " ".join(f"a{i}: {inner}" for i in range(12)) + " }"
        assert 1000 < len(query) < 3500
        assert code(await api.gql(query, as_user="viewer")) == "QUERY_TOO_COSTLY"

    async def test_thirty_aliases_nested_are_refused_before_they_run(self, api: Api) -> None:
        nested = "teams(first: 500) { nodes { s: services(first: 500) { nodes { key } } } }"
        # 30 aliases in all (the alias limit): 15 at the top, one nested under each.
        query = "{ " + " ".join(f"a{i}: {nested}" for i in range(15)) + " }"
        assert code(await api.gql(query, as_user="viewer")) == "QUERY_TOO_COSTLY"

    def test_every_component_operation_stays_under_the_cost_limit_at_the_largest_page(
        self,
    ) -> None:
        settings = Settings()
        schema = build_schema(settings)._schema
        validate = limited_validator(limit_rules(settings))
        documents = component_documents()
        assert len(documents) >= 8, documents
        for name, text in documents:
            document = parse(text, max_tokens=settings.graphql_max_tokens)
            assert validate(schema, document, ()) == [], name
            operation = get_operation_ast(document)
            assert operation is not None, name
            biggest = {
                v.variable.name.value: MAX_PAGE for v in operation.variable_definitions or ()
            }
            cost = operation_cost(
                schema, document, operation, biggest, settings.graphql_list_weight
            )
            assert cost <= settings.graphql_max_cost, (name, cost)


class TestOneOccurrencePerSelectionSet:
    async def test_500_duplicated_fields_are_refused(self, api: Api) -> None:
        query = "{ about { " + "name " * 500 + "} }"
        body = await api.gql(query, as_user="viewer")
        assert code(body) == "FIELD_REPEATED"
        assert body["errors"][0]["extensions"]["field"] == "name"

    async def test_a_15kb_document_of_varied_repeated_fields_is_refused(self, api: Api) -> None:
        fields = " ".join(["name version environment"] * 600)
        query = "{ about { " + fields + " } }"
        assert len(query) > 15_000
        assert code(await api.gql(query, as_user="viewer")) in {"FIELD_REPEATED"}

    async def test_a_fragment_spread_twice_is_refused(self, api: Api) -> None:
        query = "{ about { ...A ...A } } fragment A on About { name }"
        assert code(await api.gql(query)) == "FIELD_REPEATED"

    async def test_a_field_in_both_a_fragment_and_the_selection_is_refused(self, api: Api) -> None:
        query = "{ about { name ...A } } fragment A on About { name version }"
        assert code(await api.gql(query)) == "FIELD_REPEATED"

    async def test_hundreds_of_fragments_selecting_the_same_field_are_refused(
        self, api: Api
    ) -> None:
        # The validation bomb: graphql-core's overlapping-fields rule compares every pair.
        spreads = " ".join(f"...F{i}" for i in range(300))
        fragments = " ".join(f"fragment F{i} on About {{ name version }}" for i in range(300))
        body = await api.gql("{ about { " + spreads + " } } " + fragments, as_user="viewer")
        assert code(body) == "FIELD_REPEATED"

    async def test_distinct_fields_through_fragments_and_type_conditions_run(
        self, api: Api
    ) -> None:
        query = (
            "{ about { name ...A ... on About { environment } } } fragment A on About { version }"
        )
        data = await api.ok(query)
        assert set(data["about"]) == {"name", "version", "environment"}


class TestDirectivesPerLocation:
    async def test_repeated_directives_on_one_field_are_refused(self, api: Api) -> None:
        directives = " ".join(["@include(if: true)"] * 50)
        body = await api.gql("{ about { name " + directives + " } }", as_user="viewer")
        assert code(body) == "TOO_MANY_DIRECTIVES"
        assert body["errors"][0]["extensions"]["limit"] == 3

    async def test_two_directives_on_a_field_run(self, api: Api) -> None:
        data = await api.ok("{ about { name @include(if: true) @skip(if: false) } }")
        assert data["about"] == {"name": "Signalbox"}


class TestIntrospectionDepth:
    async def test_deep_introspection_is_refused_in_development(self, api: Api) -> None:
        inner = "name"
        for _ in range(20):
            inner = f"ofType {{ {inner} }}"
        query = "{ __schema { types { fields { type { " + inner + " } } } } }"
        body = await api.gql(query, as_user="viewer")
        assert code(body) == "GRAPHQL_VALIDATION_FAILED"
        assert "depth" in body["errors"][0]["message"]

    async def test_deep_introspection_under_a_field_counts_the_fields_above(self, api: Api) -> None:
        inner = "name"
        for _ in range(12):
            inner = f"ofType {{ {inner} }}"
        shallow = '{ __type(name: "Team") { ' + inner + " } }"
        assert "errors" not in await api.gql(shallow)
        deeper = '{ __type(name: "Team") { fields { type { ofType { ' + inner + " } } } } }"
        assert "depth" in (await api.gql(deeper))["errors"][0]["message"]

    async def test_graphiqls_standard_introspection_still_runs(self, api: Api) -> None:
        body = await api.gql(get_introspection_query(descriptions=True))
        assert "errors" not in body
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"


@pytest.fixture
async def capped(api: Api, migrated_url: str, tmp_path: Path) -> AsyncIterator[Api]:
    """An app over the same (demo-loaded) database with a 4 KB response cap."""
    settings = settings_for(migrated_url, tmp_path, graphql_max_response_bytes=4096)
    async with serving(settings) as capped:
        yield capped


class TestResponseSize:
    async def test_a_response_past_the_cap_is_one_typed_error_without_data(
        self, capped: Api
    ) -> None:
        query = "{ teams(first: 500) { nodes { id key name description services { nodes { id key name } } } } }"
        body = await capped.gql(query)
        assert body["data"] is None
        assert body["errors"] == [
            {
                "message": "The response would exceed 4096 bytes; ask for fewer items or fields.",
                "extensions": {"code": "RESPONSE_TOO_LARGE", "limit": 4096},
            }
        ]

    async def test_a_response_under_the_cap_is_whole(self, capped: Api) -> None:
        data = await capped.ok("{ about { name version } }", as_user="viewer")
        assert data["about"]["name"] == "Signalbox"

    async def test_the_cap_counts_utf8_bytes_not_characters(self, api: Api, capped: Api) -> None:
        # 1,500 characters either way; "€" takes 3 bytes in UTF-8: 4,500 bytes, over 4,096.
        plain = await team_described(api, "e" * 1_500)
        wide = await team_described(api, "€" * 1_500)
        whole = await capped.ok(TEAM_DESCRIPTION, {"id": plain})
        assert whole["node"]["description"] == "e" * 1_500
        refused = await capped.gql(TEAM_DESCRIPTION, {"id": wide})
        assert refused["data"] is None and code(refused) == "RESPONSE_TOO_LARGE"

    async def test_the_cap_counts_the_escapes_json_writes(self, api: Api, capped: Api) -> None:
        quoted = await team_described(api, '"' * 2_500)  # 5,000 bytes once escaped
        refused = await capped.gql(TEAM_DESCRIPTION, {"id": quoted})
        assert refused["data"] is None and code(refused) == "RESPONSE_TOO_LARGE"


TEAM_DESCRIPTION = "query($id: ID!) { node(id: $id) { ... on Team { description } } }"


async def team_described(api: Api, description: str) -> str:
    """A new team of the payments BU with `description`; its global id."""
    bu = (await ids(api))["payments"]
    made = await api.ok(
        "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id } } }",
        {
            "input": {
                "businessUnitId": bu,
                "key": unique("bytes"),
                "name": "Bytes",
                "description": description,
            }
        },
    )
    return str(made["teamCreate"]["team"]["id"])


class TestSubscriptionsAreLimitedToo:
    async def test_an_oversized_text_refuses_a_subscription_before_it_starts(self) -> None:
        schema = build_schema(Settings())
        stream = await schema.subscribe(
            "subscription($id: ID!) { goNoGoSessionChanged(sessionId: $id) { id } }",
            variable_values={"id": "x" * (Settings().graphql_max_text_chars + 1)},
        )
        assert not isinstance(stream, ExecutionResult)
        first = await anext(stream)
        assert first.errors is not None
        assert first.errors[0].extensions == {
            "code": "BAD_USER_INPUT",
            "field": "id",
            "limit": 10000,
        }

    async def test_a_document_past_the_length_limit_refuses_a_subscription(self) -> None:
        # As a syntax error does on this path: raised from the stream, before anything runs.
        schema = build_schema(Settings(graphql_max_document_chars=100))
        stream = await schema.subscribe(
            f"# {'x' * 100}\nsubscription($id: ID!) {{ goNoGoSessionChanged(sessionId: $id) {{ id }} }}",
            variable_values={"id": "x"},
        )
        assert not isinstance(stream, ExecutionResult)
        with pytest.raises(GraphQLError) as refused:
            await anext(stream)
        assert refused.value.extensions == {
            "code": "BAD_USER_INPUT",
            "field": "query",
            "limit": 100,
        }


class TestTheTransportsLookAtTheOperation:
    def test_the_named_or_first_operation_type_within_the_token_limit(self) -> None:
        text = "query A { about { name } } mutation B { __typename }"
        assert operation_type(text, "B", 5000) is OperationType.MUTATION
        assert operation_type(text, None, 5000) is OperationType.QUERY
        assert operation_type(text, "C", 5000) is None

    def test_a_document_past_the_token_limit_is_not_parsed_through(self) -> None:
        text = "mutation { " + "__typename " * 6000 + "}"
        assert operation_type(text, None, 5000) is None
        assert operation_type(text, None, 10_000) is OperationType.MUTATION

    def test_the_operation_names_of_a_document_and_none_when_it_does_not_parse(self) -> None:
        text = "query A { about { name } } mutation B { __typename } { __typename }"
        assert operation_names(text, 5000) == {"A", "B"}
        assert operation_names("fragment F on Query { __typename }", 5000) == set()
        assert operation_names("query A {", 5000) is None
        assert operation_names("query A { " + "__typename " * 6000 + "}", 5000) is None
