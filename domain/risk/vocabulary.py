"""The risk context's closed vocabularies (ORM-free)."""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """A peer reviewer's verdict."""

    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
