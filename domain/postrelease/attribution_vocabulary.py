"""Words of incident attribution (ORM-free): the kinds of change and how an attribution stands."""

from __future__ import annotations

from enum import StrEnum


class ChangeKind(StrEnum):
    """What changed in production: the kinds issue 18's change ledger counts."""

    DEPLOYMENT = "deployment"
    FLAG_CHANGE = "flag_change"
    CONFIGURATION = "configuration"
    VENDOR_RELEASE = "vendor_release"
    DATA_MIGRATION = "data_migration"
    """A data migration run against production outside a deployment (issue 18's ledger)."""


REPORTABLE = frozenset(
    {ChangeKind.CONFIGURATION, ChangeKind.VENDOR_RELEASE, ChangeKind.DATA_MIGRATION}
)
"""The kinds an operator may report by hand (the others are recorded by their contexts)."""


class AttributionStatus(StrEnum):
    """SUGGESTED by the rule (or UNATTRIBUTED: nothing in the window), then a person's word."""

    SUGGESTED = "suggested"
    UNATTRIBUTED = "unattributed"
    CONFIRMED = "confirmed"
    REATTRIBUTED = "reattributed"
