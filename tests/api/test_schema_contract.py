"""schema.graphql is the exported schema, never hand-edited."""

from __future__ import annotations

import ast
import importlib
from enum import StrEnum
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLObjectType, get_named_type

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


class TestTypedErrorCodes:
    """Each context's error codes are a GraphQL enum that scripts can switch on."""

    def test_every_code_a_context_can_raise_is_in_its_graphql_enum(self) -> None:
        schema = build_schema(Settings(env="development"))._schema
        raised = codes_raised_by_context()
        assert raised.keys() == GRAPHQL_ENUMS.keys(), "a context's errors have no GraphQL enum"
        for context, codes in raised.items():
            enum = schema.type_map[GRAPHQL_ENUMS[context]]
            assert isinstance(enum, GraphQLEnumType)
            missing = codes - set(enum.values)
            assert not missing, (
                f"{enum.name} lacks {sorted(missing)}: see api/graphql/user_errors.py"
            )

    def test_the_kernels_generic_codes_are_in_every_contexts_enum(self) -> None:
        schema = build_schema(Settings(env="development"))._schema
        for name in GRAPHQL_ENUMS.values():
            enum = schema.type_map[name]
            assert isinstance(enum, GraphQLEnumType)
            assert set(KERNEL_PAYLOAD_CODES) <= set(enum.values), name

    def test_each_context_error_carries_its_typed_code_and_the_deprecated_string(self) -> None:
        schema = build_schema(Settings(env="development"))._schema
        interface = schema.type_map["UserError"]
        assert isinstance(interface, GraphQLInterfaceType)
        assert interface.fields["code"].deprecation_reason
        for name in GRAPHQL_ENUMS.values():
            error = schema.type_map[name.removesuffix("Code")]
            assert isinstance(error, GraphQLObjectType)
            assert list(error.interfaces) == [interface]
            assert str(error.fields["errorCode"].type) == f"{name}!"

    def test_every_payload_lists_its_errors_as_user_errors(self) -> None:
        schema = build_schema(Settings(env="development"))._schema
        mutation = schema.mutation_type
        assert mutation is not None
        for name, field in mutation.fields.items():
            payload = get_named_type(field.type)
            assert isinstance(payload, GraphQLObjectType)
            assert str(payload.fields["errors"].type) == "[UserError!]!", name


GRAPHQL_ENUMS = {
    "calendar": "CalendarErrorCode",
    "compliance": "ComplianceErrorCode",
    "environments": "EnvironmentErrorCode",
    "flags": "FlagErrorCode",
    "governance": "GovernanceErrorCode",
    "guardrails": "GuardrailErrorCode",
    "organization": "OrganizationErrorCode",
    "pipelines": "PipelineErrorCode",
    "risk": "RiskErrorCode",
    "trains": "TrainErrorCode",
    # readiness has one error enum per part (issue 16), keyed by the enum's name
    "readiness:NfrErrorCode": "NfrErrorCode",
    "readiness:DataMigrationErrorCode": "DataMigrationErrorCode",
    "readiness:VolumeErrorCode": "VolumeProfileErrorCode",
    "readiness:ReviewErrorCode": "ReadinessReviewErrorCode",
    "readiness:NoticeErrorCode": "DowntimeNoticeErrorCode",
    # support rotations (issue 17)
    "support": "SupportErrorCode",
    # postrelease has one error enum per part (issue 17), keyed by the enum's name
    "postrelease:DefectErrorCode": "DefectErrorCode",
    # postrelease has one error enum per part too (issue 17)
    "postrelease:AttributionErrorCode": "IncidentAttributionErrorCode",
    "postrelease:PostMortemErrorCode": "PostMortemErrorCode",
    # postrelease has one error enum per part too (issue 17)
    "postrelease:ReviewErrorCode": "PostReleaseReviewErrorCode",
    # postrelease has one error enum per part (issue 17), keyed like readiness's
    "postrelease:JourneyErrorCode": "JourneyErrorCode",
    # insights has one error enum per part (issue 18), keyed like postrelease's
    "insights:MaturityErrorCode": "MaturityErrorCode",
    "insights:PolicyErrorCode": "PolicyErrorCode",
    "insights:SourceChangeErrorCode": "SourceChangeErrorCode",
    "insights:FailureErrorCode": "ChangeFailureErrorCode",
}
KERNEL_PAYLOAD_CODES = ("NOT_FOUND", "BAD_USER_INPUT", "VERSION_CONFLICT", "ALREADY_EXISTS")


def codes_raised_by_context() -> dict[str, set[str]]:
    """Every member of every `…ErrorCode` enum defined in a context's package, by context."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "domain").rglob("*.py")):
        context = path.relative_to(ROOT / "domain").parts[0]
        if context in ("kernel", "migrations"):
            continue
        module = None
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and node.name.endswith("ErrorCode"):
                dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                module = module or importlib.import_module(dotted)
                enum: type[StrEnum] = getattr(module, node.name)
                # The readiness, postrelease and insights contexts have one error enum per part,
                # each its own GraphQL enum.
                per_part = context in ("readiness", "postrelease", "insights")
                key = f"{context}:{node.name}" if per_part else context
                found.setdefault(key, set()).update(str(code) for code in enum)
    return found
