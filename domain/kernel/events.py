"""Domain events the outer layers react to after a commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GrantsChanged:
    """The role grants (or token scopes) of one authorization subject changed."""

    subject: str
