"""Domain vocabularies exposed as GraphQL enums, described where the words are defined."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def exposed(vocabulary: E, *, name: str | None = None) -> E:
    """`vocabulary` as a GraphQL enum whose description is the enum's docstring, so domain
    readers and API clients read the same sentence."""
    if not vocabulary.__doc__:
        raise TypeError(f"{vocabulary.__qualname__} needs a docstring to describe it in GraphQL")
    description = " ".join(vocabulary.__doc__.split())
    return strawberry.enum(vocabulary, name=name, description=description)
