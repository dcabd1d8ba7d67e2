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
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a strawberry type")
    copied = {
        field.name: _column(cls, row, field.name)
        for field in dataclasses.fields(cls)
        if field.init and field.name not in differing
    }
    return cls(**copied, **differing)


def _column(cls: type[object], row: Any, name: str) -> Any:
    if name == "id":
        return strawberry.ID(to_global_id(cls.__name__, row.id))
    if name == "uid":
        return row.id
    if name.endswith("_uid"):
        return getattr(row, name.removesuffix("_uid") + "_id")
    value = getattr(row, name)
    enum_ = _enum_fields(cls).get(name)
    return enum_(value) if enum_ is not None and value is not None else value


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
