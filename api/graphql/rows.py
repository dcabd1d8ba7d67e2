"""Filling a GraphQL type from a row: each field takes the row's column of the same name.

Most types copy their row column for column; only what differs is written at the type. The
private ids follow one naming rule: `uid` is the row's own `id` and `<thing>_uid` its
`<thing>_id` column; the public `id` is the global id of the row's `id`, named for the type.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

import strawberry

from api.graphql.relay import to_global_id

T = TypeVar("T")


def from_columns(cls: type[T], row: Any, /, **differing: Any) -> T:
    """`cls` filled from `row` by column name; `differing` gives the fields that are not a
    plain copy of a column (an enum made from its value, a renamed column, a nested type)."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a strawberry type")
    copied = {
        field.name: _column(cls, row, field.name)
        for field in dataclasses.fields(cls)
        if field.init and field.name not in differing
    }
    return cls(**copied, **differing)


def _column(cls: type[Any], row: Any, name: str) -> Any:
    if name == "id":
        return strawberry.ID(to_global_id(cls.__name__, row.id))
    if name == "uid":
        return row.id
    if name.endswith("_uid"):
        return getattr(row, name.removesuffix("_uid") + "_id")
    return getattr(row, name)
