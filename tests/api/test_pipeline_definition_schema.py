"""The published JSON Schema of pipeline definitions: served without a token, the same as the
file in docs/ and as what registration validates against, and agreeing with registration on
every definition the docs, the tests and the demo write."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from domain.kernel.errors import DomainError
from domain.kernel.gates import GateKey
from domain.pipelines.definition_rules import parse_definition
from domain.pipelines.definition_schema import SCHEMA, published_schema
from tests.api.conftest import Api
from tests.api.test_promotion_controls_evidence import LISTING_PERFORMANCE
from tests.api.test_promotion_decision import DEFINITION
from tests.domain.pipelines.test_definition_world import V1, V2, V3

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "pipeline-definitions.md"
SCHEMA_FILE = ROOT / "docs" / "pipeline-definition.schema.json"
VALIDATOR = Draft202012Validator(published_schema())
REGISTERED = {
    "V1": V1,
    "V2": V2,
    "V3": V3,
    "DEFINITION": DEFINITION,
    "LISTING": LISTING_PERFORMANCE,
}


def documented() -> list[tuple[str, str]]:
    """The docs' example definitions, as (format, source)."""
    found = re.findall(r"```(yaml|json)\n(.*?)```", DOCS.read_text(), flags=re.S)
    assert len(found) >= 2, "the docs show the worked example in YAML and JSON"
    return found


def written_in_code() -> Iterator[tuple[str, Any]]:
    """Every literal in tests/ and demo/ that is, or parses to, a document with `stages` (what
    the tests and the demo register, valid or not), by where it is."""
    for folder in ("tests", "demo"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                document = _literal(node)
                if isinstance(document, dict) and "stages" in document:
                    yield f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}", document


def _literal(node: ast.AST) -> Any:
    try:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return yaml.safe_load(node.value) if "stages" in node.value else None
        return ast.literal_eval(node) if isinstance(node, ast.Dict) else None
    except (yaml.YAMLError, ValueError, TypeError, SyntaxError):
        return None


def accepted(document: Any) -> bool:
    source = json.dumps(document, default=str)
    try:
        parse_definition(source, "json")
    except DomainError:
        return False
    return True


def unique_names(document: Any) -> bool:
    stages = document.get("stages")
    if not isinstance(stages, list):
        return True
    names = [str(s.get("name")) for s in stages if isinstance(s, dict)]
    return len(names) == len(set(names))


class TestThePublishedSchema:
    async def test_is_served_without_a_token_with_its_own_id(self, api: Api) -> None:
        answer = await api.http.get("/schemas/pipeline-definition.json")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/schema+json")
        body = answer.json()
        assert body["$id"] == "http://signalbox.test/schemas/pipeline-definition.json"
        assert body == published_schema(body["$id"])

    def test_is_a_valid_2020_12_schema_and_the_docs_file_is_it(self) -> None:
        Draft202012Validator.check_schema(published_schema())
        assert json.loads(SCHEMA_FILE.read_text()) == published_schema(), (
            "docs/pipeline-definition.schema.json is stale: run `make schema`"
        )

    def test_is_what_registration_validates_against(self) -> None:
        assert published_schema() == SCHEMA and published_schema() is not SCHEMA
        assert SCHEMA["properties"]["stages"]["items"]["properties"]["gates"]["items"] == {
            "enum": [*(g.value for g in GateKey), "readiness"]
        }, "every gate, then the deprecated alias `readiness` (of release_status)"


class TestTheDocs:
    @pytest.mark.parametrize("index", [0, 1])
    def test_the_worked_example_is_valid_and_the_same_in_yaml_and_json(self, index: int) -> None:
        fmt, source = documented()[index]
        document = yaml.safe_load(source) if fmt == "yaml" else json.loads(source)
        assert list(VALIDATOR.iter_errors(document)) == []
        parsed = parse_definition(source, fmt)
        yaml_source = documented()[0][1]
        assert parsed.content_hash == parse_definition(yaml_source, "yaml").content_hash

    def test_list_every_gate_a_stage_may_require(self) -> None:
        text = DOCS.read_text()
        assert [g.value for g in GateKey if f"`{g.value}`" not in text] == []


class TestEveryDefinitionWritten:
    @pytest.mark.parametrize("name", sorted(REGISTERED))
    def test_the_registered_ones_are_valid_under_the_schema(self, name: str) -> None:
        document = yaml.safe_load(REGISTERED[name])
        assert list(VALIDATOR.iter_errors(document)) == []
        assert accepted(document)

    def test_the_schema_and_registration_agree_on_every_literal_in_tests_and_demo(self) -> None:
        seen = list(written_in_code())
        assert len(seen) >= 15
        # Agreement, but for the one rule beyond the schema: repeated stage names.
        disagreeing = [
            where
            for where, document in seen
            if (VALIDATOR.is_valid(document) != accepted(document))
            if unique_names(document) or accepted(document)
        ]
        assert disagreeing == []
        assert any(not VALIDATOR.is_valid(d) for _, d in seen), "refusals are covered too"

    def test_repeated_stage_names_are_the_one_rule_checked_after_the_schema(self) -> None:
        twice = {"stages": [{"name": "a", "environment_kind": "test"}] * 2}
        assert VALIDATOR.is_valid(twice) and not unique_names(twice)
        with pytest.raises(DomainError) as refused:
            parse_definition(json.dumps(twice), "json")
        assert refused.value.code == "DUPLICATE_STAGE"
