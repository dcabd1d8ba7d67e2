"""schema.graphql is the exported schema, never hand-edited."""

from __future__ import annotations

from pathlib import Path

from api.graphql.schema import build_schema
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


class TestSchemaFile:
    def test_schema_graphql_matches_the_code(self) -> None:
        exported = build_schema(Settings(env="development")).as_str() + "\n"
        committed = (ROOT / "schema.graphql").read_text()
        assert committed == exported, "schema.graphql drifted: run `make schema` and commit it"

    def test_every_mutation_returns_a_payload_with_errors(self) -> None:
        schema = build_schema(Settings(env="development"))
        mutation = schema._schema.mutation_type
        assert mutation is not None
        for name, field in mutation.fields.items():
            payload = field.type.of_type if hasattr(field.type, "of_type") else field.type
            assert "errors" in payload.fields, f"{name} has no errors field"
            assert list(field.args) == ["input"], f"{name} takes more than one `input`"
