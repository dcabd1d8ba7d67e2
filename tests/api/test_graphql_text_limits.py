"""No free text reaches a use case unbounded: every String input of the schema, walked."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)

from api.graphql.schema import build_schema
from api.settings import Settings
from tests.api.conftest import Api, ids, unique

TOO_LONG = Settings().graphql_max_text_chars + 1


def text_paths(kind: GraphQLInputType, depth: int = 0) -> list[tuple[list[str], Any]]:
    """Each String inside an input type: its key path and a value with an oversized text there."""
    nullable = get_nullable_type(kind)
    if is_list_type(nullable):
        return [(["0", *path], [value]) for path, value in text_paths(nullable.of_type, depth)]
    if isinstance(nullable, GraphQLInputObjectType) and depth < 4:
        found = []
        for name, field in nullable.fields.items():
            for path, value in text_paths(field.type, depth + 1):
                found.append(([name, *path], {name: value}))
        return found
    if getattr(nullable, "name", None) == "String":
        return [([], "x" * TOO_LONG)]
    return []


def operations() -> list[tuple[str, str, str, Any]]:
    """(operation, argument path, variables' argument, its value) for every String input."""
    schema = build_schema(Settings())._schema
    found = []
    roots = [("query", schema.query_type), ("mutation", schema.mutation_type)]
    for kind, root in roots:
        assert isinstance(root, GraphQLObjectType)
        for field_name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                for path, value in text_paths(arg.type):
                    document = _document(kind, field_name, field)
                    found.append((document, ".".join([arg_name, *path]), arg_name, value))
    return found


def _document(kind: str, name: str, field: GraphQLField) -> str:
    """The field with every argument passed as a variable of its own type."""
    args: dict[str, GraphQLArgument] = field.args
    declared = ", ".join(f"${a}: {arg.type}" for a, arg in args.items())
    passed = ", ".join(f"{a}: ${a}" for a in args)
    selection = "{ __typename }" if is_composite_type(get_named_type(field.type)) else ""
    return f"{kind}({declared}) {{ {name}({passed}) {selection} }}"


class TestEveryTextInputIsBounded:
    async def test_an_oversized_text_in_any_string_input_is_bad_user_input_naming_it(
        self, api: Api
    ) -> None:
        found = operations()
        assert len(found) > 150, len(found)  # the schema's text inputs, not a handful
        for document, path, argument, value in found:
            body = await api.gql(document, {argument: value}, as_user="viewer")
            errors = body.get("errors") or []
            assert errors, (path, body)
            extensions = errors[0]["extensions"]
            assert extensions["code"] == "BAD_USER_INPUT", (path, errors)
            assert extensions["field"] == path, (path, errors)
            assert extensions["limit"] == TOO_LONG - 1

    async def test_a_literal_text_past_the_limit_names_its_field(self, api: Api) -> None:
        long = "x" * TOO_LONG
        query = 'mutation { teamCreate(input: {businessUnitId: "x", key: "k", name: "n", '
        query += f'description: "{long}"}}) {{ errors {{ code }} }} }}'
        body = await api.gql(query)
        assert body["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": "input.description",
            "limit": TOO_LONG - 1,
        }

    async def test_a_1mb_description_is_never_stored(self, api: Api) -> None:
        key = unique("big")
        bu = (await ids(api))["payments"]
        team = {"businessUnitId": bu, "key": key, "name": "Big", "description": "x" * 1_000_000}
        body = await api.gql(
            "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id } } }",
            {"input": team},
        )
        assert body["errors"][0]["extensions"]["field"] == "input.description"
        data = await api.ok("{ teams(first: 500) { nodes { key } } }")
        assert key not in {n["key"] for n in data["teams"]["nodes"]}
        team["description"] = "x" * (TOO_LONG - 1)
        data = await api.ok(
            "mutation($input: TeamCreateInput!) { teamCreate(input: $input) { team { id } } }",
            {"input": team},
        )
        assert data["teamCreate"]["team"]["id"]


def test_the_walk_sees_nested_and_listed_inputs() -> None:
    paths = {path for _, path, _, _ in operations()}
    assert "input.description" in paths
    assert any(path.count(".") >= 2 for path in paths), sorted(paths)[:20]
