"""The input of a change to one versioned object."""

from __future__ import annotations

import strawberry


@strawberry.input
class VersionedInput:
    """Which object to change, and the version the caller read: a newer one is a conflict
    (optimistic concurrency). Changes of such an object extend it with their own fields."""

    id: strawberry.ID
    version: int
