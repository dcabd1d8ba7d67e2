"""Limits on a GraphQL document, checked once per document before the full validation.

The cheap rules (depth, including introspection; aliases; one occurrence of a field per
selection set; directives per location; the length of literal texts) run first, in a pass of
their own: a document they refuse never reaches graphql-core's full validation, whose
overlapping-fields rule is quadratic in repeated fields. Both passes are kept with the parsed
document (`document_cache.py`, bounded in bytes), so parse and validation happen once per
document. Cost and response size depend on variables and results:
`limits_execution.py`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from functools import lru_cache
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    parse,
    validate,
)
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema.schema import validate_document
from strawberry.types import ExecutionContext

from api.graphql.document_cache import DocumentCache, DocumentLane
from api.settings import Settings

RuleClass = type[ValidationRule]


class FieldRepeatedRule(ValidationRule):
    """A response key that a selection set holds twice once its fragments are merged in.

    Fragments are expanded (each once per selection set), so two fragments selecting the same
    field are refused here too: the pairs graphql-core's overlapping-fields rule would compare
    are never formed.
    """

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        parent = self.context.get_parent_type()
        seen: set[tuple[str, str]] = set()
        for condition, key in self._merged_keys(node, parent.name if parent else "", set()):
            if (condition, key) in seen:
                self.report_error(
                    GraphQLError(
                        f"`{key}` is selected more than once in one selection set (fragments "
                        "included); select it once.",
                        node,
                        extensions={"code": "FIELD_REPEATED", "field": key},
                    )
                )
                return
            seen.add((condition, key))

    def _merged_keys(
        self, node: SelectionSetNode, condition: str, expanded: set[str]
    ) -> list[tuple[str, str]]:
        """The response keys a selection set merges, with the type condition they sit under."""
        keys: list[tuple[str, str]] = []
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                keys.append((condition, (selection.alias or selection.name).value))
                continue
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                keys.append((condition, "..." + name))  # a second spread repeats this key
                if name in expanded:
                    continue
                expanded.add(name)
                inner: Any = self.context.get_fragment(name)
            else:
                inner = selection
            if inner is None:
                continue  # an unknown fragment: the full validation names it
            typed = inner.type_condition.name.value if inner.type_condition else condition
            keys.extend(self._merged_keys(inner.selection_set, typed, expanded))
        return keys


def directives_rule(most: int) -> RuleClass:
    """At most `most` directives on any one field, fragment or operation."""

    class DirectivesPerLocationRule(ValidationRule):
        def enter(self, node: Node, *_: Any) -> None:
            directives: Sequence[DirectiveNode] | None = getattr(node, "directives", None)
            if directives and len(directives) > most:
                self.report_error(
                    GraphQLError(
                        f"{len(directives)} directives on one location; at most {most}.",
                        node,
                        extensions={"code": "TOO_MANY_DIRECTIVES", "limit": most},
                    )
                )

    return DirectivesPerLocationRule


def introspection_depth_rule(most: int) -> RuleClass:
    """Introspection counts towards the depth limit (strawberry's limiter skips `__` fields)."""

    class IntrospectionDepthRule(ValidationRule):
        def enter_field(
            self, node: FieldNode, _key: Any, _parent: Any, _path: Any, ancestors: Any
        ) -> Any:
            if not node.name.value.startswith("__") or node.selection_set is None:
                return None
            enclosing = sum(isinstance(a, FieldNode) for a in ancestors)
            depth = enclosing + 1 + self._depth(node.selection_set, frozenset())
            if depth > most:
                self.report_error(
                    GraphQLError(
                        f"The introspection exceeds its maximum depth of {most}.",
                        node,
                        extensions={"code": "GRAPHQL_VALIDATION_FAILED", "limit": most},
                    )
                )
            return self.SKIP

        def _depth(self, selection_set: SelectionSetNode, seen: frozenset[str]) -> int:
            deepest = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode) and selection.selection_set:
                    deepest = max(deepest, 1 + self._depth(selection.selection_set, seen))
                elif isinstance(selection, InlineFragmentNode):
                    deepest = max(deepest, self._depth(selection.selection_set, seen))
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is not None and name not in seen:
                        inner = self._depth(fragment.selection_set, seen | {name})
                        deepest = max(deepest, inner)
            return deepest

    return IntrospectionDepthRule


def text_length_rule(most: int) -> RuleClass:
    """No literal text in the document longer than `most` characters, naming its field."""

    class LiteralTextLengthRule(ValidationRule):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
            for path, text in _texts(node.value, node.name.value):
                if len(text) > most:
                    self.report_error(too_long(path, most, len(text), node))
                    break
            return self.SKIP

    return LiteralTextLengthRule


def _texts(value: ValueNode, path: str) -> list[tuple[str, str]]:
    if isinstance(value, StringValueNode):
        return [(path, value.value)]
    if isinstance(value, ListValueNode):
        return [t for i, v in enumerate(value.values) for t in _texts(v, f"{path}.{i}")]
    if isinstance(value, ObjectValueNode):
        return [t for f in value.fields for t in _texts(f.value, f"{path}.{f.name.value}")]
    return []


def too_long(path: str, most: int, length: int, node: Node | None = None) -> GraphQLError:
    """BAD_USER_INPUT for a text past the limit, naming the field and the limit."""
    return GraphQLError(
        f"`{path}` takes at most {most} characters; it has {length}.",
        node,
        extensions={"code": "BAD_USER_INPUT", "field": path, "limit": most},
    )


def limit_rules(settings: Settings) -> tuple[RuleClass, ...]:
    """The cheap rules, built once per schema (the validation cache keys by rule classes)."""
    return (
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        introspection_depth_rule(settings.graphql_max_introspection_depth),
        *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
        FieldRepeatedRule,
        directives_rule(settings.graphql_max_directives),
        text_length_rule(settings.graphql_max_text_chars),
    )


Validator = Callable[[GraphQLSchema, DocumentNode, tuple[RuleClass, ...]], list[GraphQLError]]


def limited_validator(limits: tuple[RuleClass, ...]) -> Validator:
    """Validation of a document: the cheap `limits` first, then every rule (kept by
    `document_cache.DocumentCache` with the parsed document)."""

    def run(
        schema: GraphQLSchema, document: DocumentNode, rules: tuple[RuleClass, ...]
    ) -> list[GraphQLError]:
        refused = validate(schema, document, limits, max_errors=10)
        if refused:
            return refused
        return validate_document(schema, document, rules)

    return run


_CACHED_TEXT = 65_536
"""Longer documents are looked at uncached: the cache holds at most 512 of 64 KB."""


@lru_cache(maxsize=512)
def _operation_types(text: str, max_tokens: int) -> dict[str | None, OperationType] | None:
    try:
        document = parse(text, max_tokens=max_tokens)
    except GraphQLError:
        return None
    found: dict[str | None, OperationType] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name else None
            found.setdefault(name, definition.operation)
            found.setdefault(None, definition.operation)  # the first, for an unnamed ask
    return found


def operation_type(text: str, name: str | None, max_tokens: int) -> OperationType | None:
    """The type of operation `name` (or the first) in `text`; None when it does not parse.

    For the transport (GET may not mutate; subscriptions go over WebSocket): parsed within the
    token limit, once per document text.
    """
    found = _operations(text, max_tokens)
    return None if found is None else found.get(name)


def operation_names(text: str, max_tokens: int) -> frozenset[str] | None:
    """The names of the named operations in `text`; None when it does not parse (within the
    token limit, once per document text, like `operation_type`)."""
    found = _operations(text, max_tokens)
    return None if found is None else frozenset(name for name in found if name is not None)


def _operations(text: str, max_tokens: int) -> dict[str | None, OperationType] | None:
    if len(text) <= _CACHED_TEXT:
        return _operation_types(text, max_tokens)
    return _operation_types.__wrapped__(text, max_tokens)


class LimitedValidation(SchemaExtension):
    """Replaces strawberry's ValidationCache: the limit pass, then full validation, kept with
    the parsed document; long documents validated off the event loop."""

    def __init__(self, validator: Validator, cache: DocumentCache, lane: DocumentLane) -> None:
        self.validator = validator
        self.cache = cache
        self.lane = lane

    async def on_validate(self) -> AsyncIterator[None]:
        await self.validate(self.execution_context)
        yield

    async def validate(self, context: ExecutionContext) -> None:
        """Set `context.pre_execution_errors` to the document's errors (kept, or found now)."""
        document = context.graphql_document
        assert document is not None
        text, options = context.query or "", context.parse_options
        rules = tuple(context.validation_rules)
        errors = self.cache.validation(text, options, document, rules)
        if errors is None:
            schema = context.schema._schema
            errors = await self.lane.run(text, lambda: self.validator(schema, document, rules))
            self.cache.keep_validation(text, options, document, rules, errors)
        context.pre_execution_errors = errors
