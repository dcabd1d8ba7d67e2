"""The static cost of a GraphQL operation, before it runs.

Every object a response may hold costs one; scalars are free (their number is bounded by the
token count and the one-occurrence rule). A connection multiplies what its `edges`/`nodes`
select by its `first` (a literal, a variable, or the field's default page size); a plain list
multiplies by `list_weight`; introspection costs nothing here (see `_definition`). Nesting
multiplies: `teams(first: 100) { nodes { services(first: 100) { nodes { id } } } }` costs
1 (teams) + 100 (its nodes) + 100 * (1 + 100) (each node's services and their nodes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)

from domain.kernel.pagination import DEFAULT_PAGE, MAX_PAGE

PAGE_FIELDS = frozenset({"edges", "nodes"})
"""A connection's fields that hold the page: what they select counts once per node."""


@dataclass(frozen=True)
class CostModel:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    list_weight: int


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any] | None,
    list_weight: int,
) -> int:
    """What `operation` may return, counted in objects (see the module's docstring)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    model = CostModel(schema, fragments, variables or {}, list_weight)
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0
    return _selections(model, root, operation.selection_set, 1, None, frozenset())


def _selections(
    model: CostModel,
    parent: GraphQLNamedType,
    selection_set: SelectionSetNode,
    multiplier: int,
    page: int | None,
    seen: frozenset[str],
) -> int:
    total = 0
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            total += _field(model, parent, node, multiplier, page, seen)
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            inner = model.schema.get_type(condition.name.value) if condition else parent
            if inner is not None:
                total += _selections(model, inner, node.selection_set, multiplier, page, seen)
        elif isinstance(node, FragmentSpreadNode):
            fragment = model.fragments.get(node.name.value)
            if fragment is None or node.name.value in seen:
                continue  # unknown or cyclic: validation refuses it
            inner = model.schema.get_type(fragment.type_condition.name.value)
            if inner is not None:
                total += _selections(
                    model,
                    inner,
                    fragment.selection_set,
                    multiplier,
                    page,
                    seen | {node.name.value},
                )
    return total


def _field(
    model: CostModel,
    parent: GraphQLNamedType,
    node: FieldNode,
    multiplier: int,
    page: int | None,
    seen: frozenset[str],
) -> int:
    definition = _definition(parent, node.name.value)
    if definition is None or node.selection_set is None:
        return 0
    named = get_named_type(definition.type)
    if is_leaf_type(named):
        return 0
    size = None
    if page is not None and node.name.value in PAGE_FIELDS:
        multiplier *= page
    elif _is_connection(named, definition):
        size = _page_size(model, node, definition)
    elif is_list_type(get_nullable_type(definition.type)):
        multiplier *= model.list_weight
    inner = _selections(model, named, node.selection_set, multiplier, size, seen)
    return multiplier + inner


def _definition(parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if name.startswith("__"):
        # Introspection reads the schema in memory, no database: it is bounded by its own
        # depth limit and by the response size, not by cost.
        return None
    fields = getattr(parent, "fields", None)
    return fields.get(name) if fields else None


def _is_connection(named: GraphQLNamedType, definition: GraphQLField) -> bool:
    return named.name.endswith("Connection") and "first" in definition.args


def _page_size(model: CostModel, node: FieldNode, definition: GraphQLField) -> int:
    """The `first` the field will run with: literal, variable, or its declared default.

    Past MAX_PAGE the page read refuses `first` (BAD_USER_INPUT), so it costs MAX_PAGE.
    """
    return min(_first(model, node, definition), MAX_PAGE)


def _first(model: CostModel, node: FieldNode, definition: GraphQLField) -> int:
    for argument in node.arguments or ():
        if argument.name.value != "first":
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(int(value.value), 0)
        if isinstance(value, VariableNode):
            given = model.variables.get(value.name.value)
            if isinstance(given, int):
                return max(given, 0)
    default = definition.args["first"].default_value
    return default if isinstance(default, int) and default >= 0 else DEFAULT_PAGE
