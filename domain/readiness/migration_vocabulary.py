"""Words of data-migration safety: how a migration is undone, and where its figures come from."""

from __future__ import annotations

from enum import StrEnum


class CompensationKind(StrEnum):
    """How a data migration is undone when its release rolls back."""

    REVERSE_MIGRATION = "reverse_migration"
    """A migration that restores the previous shape and data (its reference names it)."""
    COMPENSATING_TRANSACTION = "compensating_transaction"
    """A documented transaction that undoes the change (its reference is the document)."""
    IRREVERSIBLE = "irreversible"
    """Nothing undoes it: it needs an approved waiver, by someone other than the declarer."""
