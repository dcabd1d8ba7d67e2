"""DataLoaders, built per request from the read use cases; each batch opens its own session."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.organization import queries as org

if TYPE_CHECKING:
    from api.graphql.context import Context

K = TypeVar("K")
V = TypeVar("V")
PageKey = tuple[uuid.UUID, int | None, str | None]


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.business_unit = self._by_id(org.business_units_by_id)
        self.team = self._by_id(org.teams_by_id)
        self.service = self._by_id(org.services_by_id)
        self.vendor = self._by_id(org.vendors_by_id)
        self.person = self._by_id(org.people_by_id)
        self.teams_of_bu: DataLoader[PageKey, Page[Any]] = DataLoader(self._teams_of_bu)
        self.services_of_team: DataLoader[
            tuple[uuid.UUID, uuid.UUID, int | None, str | None], Page[Any]
        ] = DataLoader(self._services_of_team)
        self.providers = self._grouped(
            lambda r, ids: org.dependency_links(r, ids, direction="provider")
        )
        self.consumers = self._grouped(
            lambda r, ids: org.dependency_links(r, ids, direction="consumer")
        )
        self.grants = self._grouped(org.grants_of_people)
        self.token_scopes = self._grouped(org.scopes_of_tokens)

    async def _run(self, fn: Callable[[Reader], Awaitable[V]]) -> V:
        async with self._ctx.reader() as reader:
            return await fn(reader)

    def _by_id(
        self, query: Callable[[Reader, Sequence[uuid.UUID]], Awaitable[dict[Any, Any]]]
    ) -> DataLoader[uuid.UUID, Any]:
        async def load(ids: list[uuid.UUID]) -> list[Any]:
            rows = await self._run(lambda r: query(r, ids))
            return [rows.get(i) for i in ids]

        return DataLoader(load)

    def _grouped(
        self, query: Callable[[Reader, Sequence[uuid.UUID]], Awaitable[dict[Any, list[Any]]]]
    ) -> DataLoader[uuid.UUID, list[Any]]:
        async def load(ids: list[uuid.UUID]) -> list[list[Any]]:
            rows = await self._run(lambda r: query(r, ids))
            return [rows.get(i, []) for i in ids]

        return DataLoader(load)

    async def _teams_of_bu(self, keys: list[PageKey]) -> list[Page[Any]]:
        out: dict[PageKey, Page[Any]] = {}
        for (first, after), group in _by_page_args(keys).items():
            pages = await self._run(
                lambda r, g=group, f=first, a=after: org.teams_of_bus(r, g, first=f, after=a)  # type: ignore[misc]
            )
            out.update({(bu, first, after): pages[bu] for bu in group})
        return [out[k] for k in keys]

    async def _services_of_team(
        self, keys: list[tuple[uuid.UUID, uuid.UUID, int | None, str | None]]
    ) -> list[Page[Any]]:
        out: dict[Any, Page[Any]] = {}
        groups: dict[tuple[int | None, str | None], list[tuple[uuid.UUID, uuid.UUID]]] = {}
        for team, bu, first, after in keys:
            groups.setdefault((first, after), []).append((team, bu))
        for (first, after), group in groups.items():
            pages = await self._run(
                lambda r, g=group, f=first, a=after: org.services_of_teams(r, g, first=f, after=a)  # type: ignore[misc]
            )
            out.update({(team, bu, first, after): pages[team] for team, bu in group})
        return [out[k] for k in keys]


def _by_page_args(keys: list[PageKey]) -> dict[tuple[int | None, str | None], list[uuid.UUID]]:
    groups: dict[tuple[int | None, str | None], list[uuid.UUID]] = {}
    for parent, first, after in keys:
        groups.setdefault((first, after), []).append(parent)
    return groups
