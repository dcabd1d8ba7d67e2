"""The planner: a validated operation, compiled once into a plan of batched reads and renderers.

A plan mirrors the operation's selections over the types of `subset.SUBSET`: each object
selection becomes an `ObjectPlan` (its response keys, in the order graphql-core would collect
them, each with a renderer), each field that reads becomes a `ChildPlan` (one batched read per
request for all its parents). Anything outside the subset raises `NotCompiled` with the reason,
and the document stays on the normal executor: directives, type conditions other than the
parent's own type, fields or arguments not in the table, repeated response keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)

from api.graphql.compiled import subset
from domain.kernel.pagination import Page

Got = dict["ChildPlan", dict[Any, Any]]
"""What the reads of one request found: per child plan, its value per parent id."""
Renderer = Callable[[Any, Got], Any]


class NotCompiled(Exception):
    """The operation is outside the compiled subset; it runs on the normal executor."""


@dataclass(eq=False)
class ObjectPlan:
    """An object's selection: response keys and their renderers, and the reads under it."""

    type_name: str
    keys: list[str] = field(default_factory=list)
    renderers: list[Renderer] = field(default_factory=list)
    children: list[ChildPlan] = field(default_factory=list)
    same: list[ObjectPlan] = field(default_factory=list)
    """Objects made from the same rows (a dependency link's `service`): their reads too."""

    def render(self, row: Any, got: Got) -> dict[str, Any]:
        return {k: r(row, got) for k, r in zip(self.keys, self.renderers, strict=True)}


@dataclass(eq=False)
class ChildPlan:
    """A field whose objects are read in one batch for all its parents."""

    spec: subset.Child
    definition: GraphQLField
    node: FieldNode
    objects: list[ObjectPlan] = field(default_factory=list)
    """The selections over the objects read (a connection may select `nodes` and `edges`)."""


@dataclass(eq=False)
class Plan:
    operation: OperationDefinitionNode
    root: ObjectPlan

    def children(self) -> Iterator[ChildPlan]:
        """Every read of the plan, parents before their children."""
        pending = [self.root]
        while pending:
            plan = pending.pop(0)
            pending.extend(plan.same)
            for child in plan.children:
                yield child
                pending.extend(child.objects)


def plan_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
) -> Plan:
    if operation.operation is not OperationType.QUERY:
        raise NotCompiled(f"a {operation.operation.value} is not compiled")
    if operation.directives or any(v.directives for v in operation.variable_definitions or ()):
        raise NotCompiled("directives are not compiled")
    query = schema.query_type
    assert query is not None
    return Plan(operation, _Planner(schema, fragments).object(query, [operation.selection_set]))


class _Planner:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments

    def fields(self, type_name: str, sets: list[SelectionSetNode]) -> dict[str, FieldNode]:
        """The fields the selection sets select on `type_name`, by response key, fragments
        expanded in place (graphql-core's order)."""
        found: dict[str, FieldNode] = {}
        for selection_set in sets:
            self._collect(type_name, selection_set, found)
        return found

    def _collect(self, type_name: str, sets: SelectionSetNode, found: dict[str, FieldNode]) -> None:
        for selection in sets.selections:
            if selection.directives:
                raise NotCompiled("directives are not compiled")
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                if key in found:
                    raise NotCompiled(f"`{key}` is selected twice")
                found[key] = selection
                continue
            if isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self.fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            if condition is not None and condition.name.value != type_name:
                raise NotCompiled(f"a fragment on {condition.name.value} inside {type_name}")
            self._collect(type_name, inner, found)

    def object(self, type_: GraphQLObjectType, sets: list[SelectionSetNode]) -> ObjectPlan:
        table = subset.SUBSET.get(type_.name)
        if table is None:
            raise NotCompiled(f"the type {type_.name} is not compiled")
        plan = ObjectPlan(type_.name)
        for key, node in self.fields(type_.name, sets).items():
            plan.keys.append(key)
            plan.renderers.append(self.field(plan, type_, table, node))
        return plan

    def field(
        self,
        plan: ObjectPlan,
        type_: GraphQLObjectType,
        table: dict[str, subset.Field],
        node: FieldNode,
    ) -> Renderer:
        name = node.name.value
        if name == "__typename":
            return _constant(type_.name)
        spec = table.get(name)
        if spec is None:
            raise NotCompiled(f"{type_.name}.{name} is not compiled")
        definition = type_.fields[name]
        taken = {a.name.value for a in node.arguments or ()}
        arguments = spec.arguments if isinstance(spec, subset.Child) else frozenset()
        if not taken <= arguments:
            raise NotCompiled(f"{type_.name}.{name}'s arguments {sorted(taken - arguments)}")
        if isinstance(spec, subset.Leaf):
            return spec.render
        target = get_named_type(definition.type)
        assert node.selection_set is not None
        if isinstance(spec, subset.Same):
            same = self.object(_object(target), [node.selection_set])
            plan.same.append(same)
            return same.render
        child = ChildPlan(spec, definition, node)
        plan.children.append(child)
        if spec.shape == "connection":
            return self.connection(child, _object(target), node.selection_set)
        item = self.object(_object(target), [node.selection_set])
        child.objects.append(item)
        if spec.shape == "list":
            return _list_of(child, item)
        return _object_of(child, item)

    def connection(
        self, child: ChildPlan, type_: GraphQLObjectType, selection: SelectionSetNode
    ) -> Renderer:
        """A Relay connection: `nodes`, `edges { cursor node }`, `pageInfo`, `__typename`."""
        keys: list[str] = []
        parts: list[Callable[[Page[Any], Got], Any]] = []
        for key, node in self.fields(type_.name, [selection]).items():
            name = node.name.value
            keys.append(key)
            if name == "__typename":
                parts.append(_constant(type_.name))
                continue
            target = _object(get_named_type(type_.fields[name].type))
            assert node.selection_set is not None
            if name == "nodes":
                item = self.object(target, [node.selection_set])
                child.objects.append(item)
                parts.append(_nodes(item))
            elif name == "edges":
                parts.append(self.edges(child, target, node.selection_set))
            elif name == "pageInfo":
                parts.append(self.page_info(target, node.selection_set))
            else:
                raise NotCompiled(f"{type_.name}.{name} is not compiled")

        def render(row: Any, got: Got) -> dict[str, Any]:
            page = got[child][row["id"]]
            return {k: part(page, got) for k, part in zip(keys, parts, strict=True)}

        return render

    def edges(
        self, child: ChildPlan, type_: GraphQLObjectType, selection: SelectionSetNode
    ) -> Callable[[Page[Any], Got], Any]:
        keys: list[str] = []
        parts: list[Callable[[Any, str, Got], Any]] = []
        for key, node in self.fields(type_.name, [selection]).items():
            name = node.name.value
            keys.append(key)
            if name == "__typename":
                parts.append(lambda _row, _cursor, _got, name=type_.name: name)  # type: ignore[misc]
            elif name == "cursor":
                parts.append(lambda _row, cursor, _got: cursor)
            elif name == "node":
                assert node.selection_set is not None
                target = _object(get_named_type(type_.fields[name].type))
                item = self.object(target, [node.selection_set])
                child.objects.append(item)
                parts.append(lambda row, _cursor, got, item=item: item.render(row, got))  # type: ignore[misc]
            else:
                raise NotCompiled(f"{type_.name}.{name} is not compiled")

        def render(page: Page[Any], got: Got) -> list[dict[str, Any]]:
            return [
                {k: part(row, cursor, got) for k, part in zip(keys, parts, strict=True)}
                for row, cursor in zip(page.items, page.cursors, strict=True)
            ]

        return render

    def page_info(
        self, type_: GraphQLObjectType, selection: SelectionSetNode
    ) -> Callable[[Page[Any], Got], Any]:
        keys: list[str] = []
        parts: list[Callable[[Page[Any]], Any]] = []
        for key, node in self.fields(type_.name, [selection]).items():
            name = node.name.value
            keys.append(key)
            if name == "__typename":
                parts.append(lambda _page, name=type_.name: name)  # type: ignore[misc]
            elif name == "hasNextPage":
                parts.append(lambda page: page.has_next)
            elif name == "endCursor":
                parts.append(lambda page: page.cursors[-1] if page.cursors else None)
            else:
                raise NotCompiled(f"{type_.name}.{name} is not compiled")

        def render(page: Page[Any], _got: Got) -> dict[str, Any]:
            return {k: part(page) for k, part in zip(keys, parts, strict=True)}

        return render


def _object(type_: Any) -> GraphQLObjectType:
    if not isinstance(type_, GraphQLObjectType):
        raise NotCompiled(f"the abstract type {type_.name} is not compiled")
    return type_


def _constant(value: str) -> Renderer:
    return lambda _row, _got: value


def _nodes(item: ObjectPlan) -> Callable[[Page[Any], Got], Any]:
    render = item.render
    return lambda page, got: [render(row, got) for row in page.items]


def _list_of(child: ChildPlan, item: ObjectPlan) -> Renderer:
    render = item.render
    return lambda row, got: [render(r, got) for r in got[child].get(row["id"], ())]


def _object_of(child: ChildPlan, item: ObjectPlan) -> Renderer:
    def render(row: Any, got: Got) -> dict[str, Any] | None:
        found = got[child].get(row["id"])
        return None if found is None else item.render(found, got)

    return render
