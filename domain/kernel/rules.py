"""Rules every context applies the same way: optimistic versions, enum choices and refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar, overload

from domain.kernel.errors import DomainError, KernelErrorCode, VersionConflict

E = TypeVar("E", bound=Enum)
N = TypeVar("N", int, float)

NAME_MAX = 200
"""Names and titles: the most characters any context keeps."""
TEXT_MAX = 10_000
"""Free text (descriptions, notes): the most characters any context keeps, on every transport
(GraphQL refuses longer texts before they reach a use case: `graphql_max_text_chars`)."""

Matcher = Callable[[str], re.Match[str] | None]
"""A compiled pattern's `match` or `fullmatch`: the caller says how much of the text must fit."""


def expect_version(entity: Any, version: int, what: str) -> None:
    """Optimistic concurrency: the caller changes what it read, or gets VERSION_CONFLICT."""
    if entity.version != version:
        raise VersionConflict(
            f"{what} is at version {entity.version}, not {version}: reload and try again.",
            field="version",
        )


def choice(enum: type[E], value: str, code: str, field: str) -> E:
    """`value` as a member of `enum`, or a refusal with `code` listing the allowed values."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(str(e.value) for e in enum)
        raise DomainError(f"'{value}' is not one of: {allowed}.", code=code, field=field) from None


def require(condition: bool, message: str, *, code: str, field: str | None = None) -> None:
    """A refusal with `code` and `message` (about `field`) unless `condition` holds."""
    if not condition:
        raise DomainError(message, code=code, field=field)


@overload
def matching(value: str, match: Matcher, message: str, *, code: str, field: str) -> str: ...


@overload
def matching(value: None, match: Matcher, message: str, *, code: str, field: str) -> None: ...


def matching(
    value: str | None, match: Matcher, message: str, *, code: str, field: str
) -> str | None:
    """`value` when `match` accepts it (an absent value passes), else a refusal with `code`."""
    require(value is None or match(value) is not None, message, code=code, field=field)
    return value


def trimmed(value: str, least: int, most: int, message: str, *, code: str, field: str) -> str:
    """`value` without surrounding white space, `least` to `most` characters long."""
    value = value.strip()
    require(least <= len(value) <= most, message, code=code, field=field)
    return value


def described(value: str, field: str = "description", most: int = TEXT_MAX) -> str:
    """A free text without surrounding white space, at most `most` characters long."""
    message = f"The {field} takes at most {most} characters; it has {len(value.strip())}."
    return trimmed(value, 0, most, message, code=KernelErrorCode.BAD_USER_INPUT, field=field)


@overload
def within(value: N, low: N, high: N, message: str, *, code: str, field: str) -> N: ...


@overload
def within(value: None, low: N, high: N, message: str, *, code: str, field: str) -> None: ...


def within(value: N | None, low: N, high: N, message: str, *, code: str, field: str) -> N | None:
    """`value` when it lies in [`low`, `high`] (an absent value passes), else a refusal."""
    require(value is None or low <= value <= high, message, code=code, field=field)
    return value
