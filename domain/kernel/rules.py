"""Rules every context applies the same way: optimistic versions and enum choices."""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from domain.kernel.errors import DomainError, VersionConflict

E = TypeVar("E", bound=Enum)


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
