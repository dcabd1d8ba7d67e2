"""Unique-constraint violations as the typed refusals they are, in one place for every context.

Checking "does it exist?" before inserting loses a race: two requests both see nothing and the
database refuses the second insert. That refusal is the caller's answer, not a server error, so
each context registers, by constraint name, the refusal a duplicate means
(`refuse_duplicates`), and the unit of work turns the `IntegrityError` into it
(`refusal_for`). PostgreSQL names the constraint; SQLite names its columns (or its index), which
the table metadata turns back into the name. A constraint nobody registered stays an
`IntegrityError`: some collisions (the audit chain's head, say) mean "retry", not "exists".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

from domain.kernel.errors import AlreadyExists, DomainError
from domain.kernel.orm import Base

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
_SQLITE_COLUMNS = re.compile(r"UNIQUE constraint failed: (.+)$")
_SQLITE_INDEX = re.compile(r"UNIQUE constraint failed: index '([^']+)'")


@dataclass(frozen=True)
class Duplicate:
    """What a duplicate under one constraint means: a code, a sentence, the input field."""

    code: str
    message: str
    field: str | None = None

    def refusal(self) -> DomainError:
        return AlreadyExists(self.message, code=self.code, field=self.field)


_REGISTRY: dict[str, Duplicate] = {}


def refuse_duplicates(duplicates: Mapping[str, Duplicate]) -> None:
    """Register what a duplicate means, by constraint name (one context's constraints)."""
    for name, duplicate in duplicates.items():
        known = _REGISTRY.setdefault(name, duplicate)
        if known != duplicate:
            raise ValueError(f"{name} is registered twice, differently")


def refusal_for(exc: IntegrityError) -> DomainError | None:
    """The registered refusal a unique violation means, or None (not one, or not registered)."""
    name = violated_constraint(exc)
    duplicate = _REGISTRY.get(name) if name is not None else None
    return duplicate.refusal() if duplicate is not None else None


def violated_constraint(exc: IntegrityError) -> str | None:
    """The name of the unique constraint `exc` violates, on PostgreSQL or SQLite."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == UNIQUE_VIOLATION:
        # asyncpg's own exception, under SQLAlchemy's adapter, carries the name.
        driver = getattr(orig, "driver_exception", None) or getattr(orig, "__cause__", None)
        name = getattr(driver, "constraint_name", None)
        return str(name) if name else None
    text = str(orig)
    if (index := _SQLITE_INDEX.search(text)) is not None:
        return index.group(1)
    if (columns := _SQLITE_COLUMNS.search(text)) is not None:
        return _constraint_by_columns(columns.group(1))
    return None


def _constraint_by_columns(failed: str) -> str | None:
    """`t.a, t.b` (SQLite's words) as the name of table t's unique constraint on (a, b)."""
    pairs = [part.strip().partition(".") for part in failed.split(",")]
    tables = {table for table, _, _ in pairs}
    if len(tables) != 1:
        return None
    table = Base.metadata.tables.get(tables.pop())
    if table is None:
        return None
    wanted = [column for _, _, column in pairs]
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.columns.keys() == wanted:
            return str(constraint.name)
    for index in table.indexes:
        if index.unique and [c.name for c in index.columns] == wanted:
            return str(index.name)
    return None
