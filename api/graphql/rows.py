"""Filling a GraphQL type from a row: each field takes the row's column of the same name.

Most types copy their row column for column; only what differs is written at the type. A
"row" is anything with those attributes: an ORM row, a facts dataclass, a domain view. The
private ids follow one naming rule: `uid` is the row's own `id` and `<thing>_uid` its
`<thing>_id` column; the public `id` is the global id of the row's `id`, named for the type. A
field typed by an enum takes the member of the column's value (null stays null).
"""

from __future__ import annotations

import dataclasses
from enum import EnumMeta
from typing import Any, Self, TypeVar

import strawberry
from strawberry.types.base import StrawberryOptional, get_object_definition
from strawberry.types.enum import StrawberryEnumDefinition

from api.graphql.relay import to_global_id

T = TypeVar("T")


def from_columns(cls: type[T], row: Any, /, **differing: Any) -> T:
    """`cls` filled from `row` by column name; `differing` gives the fields that are not a
    plain copy of a column (a renamed column, a list, a nested type)."""
    copied: dict[str, Any] = {}
    for name, column, convert in _plan(cls):
        if differing and name in differing:
            continue
        value = getattr(row, column)
        if convert is None:
            copied[name] = value
        elif convert is _GLOBAL_ID:
            copied[name] = strawberry.ID(to_global_id(cls.__name__, value))
        else:
            copied[name] = convert(value) if value is not None else value
    return cls(**copied, **differing)


_GLOBAL_ID = object()
Plan = tuple[tuple[str, str, Any], ...]
_PLANS: dict[type[object], Plan] = {}


def _plan(cls: type[object]) -> Plan:
    """Per field of `cls` (worked out once per type): its name, the row's column it copies,
    and what converts the value (None: nothing; the global id; an enum)."""
    plan = _PLANS.get(cls)
    if plan is None:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} is not a strawberry type")
        enums = _enum_fields(cls)
        plan = _PLANS[cls] = tuple(
            _step(field.name, enums) for field in dataclasses.fields(cls) if field.init
        )
    return plan


def _step(name: str, enums: dict[str, EnumMeta]) -> tuple[str, str, Any]:
    if name == "id":
        return name, "id", _GLOBAL_ID
    if name == "uid":
        return name, "id", None
    if name.endswith("_uid"):
        return name, name.removesuffix("_uid") + "_id", None
    return name, name, enums.get(name)


_ENUM_FIELDS: dict[type[object], dict[str, EnumMeta]] = {}


def _enum_fields(cls: type[object]) -> dict[str, EnumMeta]:
    """The fields of `cls` typed by an enum or an optional one, with their enum; worked out
    once per type."""
    if cls not in _ENUM_FIELDS:
        found: dict[str, EnumMeta] = {}
        for field in get_object_definition(cls, strict=True).fields:
            type_ = field.type.of_type if isinstance(field.type, StrawberryOptional) else field.type
            if isinstance(type_, StrawberryEnumDefinition):
                found[field.python_name] = type_.wrapped_cls
        _ENUM_FIELDS[cls] = found
    return _ENUM_FIELDS[cls]


class FromColumns:
    """A type whose `from_row` is `from_columns` with nothing differing."""

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(cls, row)
