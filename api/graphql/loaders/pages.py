"""A DataLoader of pages of children per parent, one statement per distinct page arguments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader

from api.graphql.loaders.keyed import Read
from domain.kernel.pagination import Page


class Pages(DataLoader[tuple[Any, ...], Page[Any]]):
    """Keys are (*parent, *page arguments), the arguments named by `names`. The query takes
    the parents (the first key element, or the whole parent tuple when it has more) and the
    named arguments, and answers a page per parent id (the first key element)."""

    def __init__(self, read: Read, query: Callable[..., Awaitable[dict[Any, Any]]], *names: str):
        n = len(names)

        async def load(keys: list[tuple[Any, ...]]) -> list[Page[Any]]:
            groups: dict[tuple[Any, ...], list[Any]] = {}
            for key in keys:
                parent = key[:-n]
                groups.setdefault(key[-n:], []).append(parent[0] if len(parent) == 1 else parent)
            pages: dict[tuple[Any, ...], dict[Any, Any]] = {}
            for args, parents in groups.items():
                named = dict(zip(names, args, strict=True))
                async with read() as reader:
                    pages[args] = await query(reader, parents, **named)
            return [pages[k[-n:]][k[0]] for k in keys]

        super().__init__(load)
