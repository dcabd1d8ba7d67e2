"""DataLoaders keyed by id: one row per id, or the rows grouped under each parent id."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from strawberry.dataloader import DataLoader

from domain.kernel.reader import Reader

Read = Callable[[], AbstractAsyncContextManager[Reader]]
"""Opens a short read session as the request's actor (the context's `reader`): every batch
has a session of its own, so sibling resolvers never share one."""
ByIds = Callable[[Reader, Sequence[uuid.UUID]], Awaitable[dict[Any, Any]]]


class ById(DataLoader[uuid.UUID, Any]):
    """One row per id: None when it is absent or outside the reader's scope."""

    @staticmethod
    def absent() -> Any:
        return None

    def __init__(self, read: Read, query: ByIds) -> None:
        async def load(ids: list[uuid.UUID]) -> list[Any]:
            async with read() as reader:
                rows = await query(reader, ids)
            return [rows[i] if i in rows else self.absent() for i in ids]

        super().__init__(load)


class Grouped(ById):
    """The rows belonging to each parent id: an empty list for none."""

    @staticmethod
    def absent() -> list[Any]:
        return []
