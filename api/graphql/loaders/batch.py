"""A DataLoader whose query answers a whole batch of keys itself, in their order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from strawberry.dataloader import DataLoader

from api.graphql.loaders.keyed import Read
from domain.kernel.reader import Reader


class Batch(DataLoader[Hashable, Any]):
    def __init__(self, read: Read, query: Callable[[Reader, list[Any]], Awaitable[list[Any]]]):
        async def load(keys: list[Any]) -> list[Any]:
            async with read() as reader:
                return await query(reader, keys)

        super().__init__(load)
