"""The per-request GraphQL context: who asks, and session *factories*, never a shared session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from api.graphql.loaders import DataLoaders
from domain.kernel.access import Action, Actor, Resource, Scope
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from api.graphql.mutations import KeyedUnit
    from api.runtime import Runtime


@dataclass
class Context:
    request: Request
    runtime: Runtime
    actor: Actor
    request_id: str
    keyed: KeyedUnit | None = None
    """Set for a request with an Idempotency-Key: its mutations and reads share one unit."""
    _scopes: dict[tuple[Action, Resource], Scope] = field(default_factory=dict)
    ledger_caught_up: asyncio.Task[None] | None = None
    """The change ledger's catch-up, run once per request by the first resolver reading it."""

    @cached_property
    def loaders(self) -> DataLoaders:
        return DataLoaders.build(self.reader, self.runtime.clock)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short session of its own: sibling resolvers run concurrently. Within a keyed
        request, the request's unit, whose writes the answer must show."""
        if self.keyed is not None:
            async with self.keyed.session() as session:
                yield session
            return
        async with self.runtime.db.read_session() as session:
            yield session

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[Reader]:
        """A short session wrapped with the actor and authorizer, for read use cases."""
        async with self.read() as session:
            yield Reader(session, self.actor, self.runtime.authorizer)

    def uow(self) -> UnitOfWork:
        return self.runtime.unit_of_work(self.actor, self.request_id)

    def scope(self, action: Action, resource: Resource) -> Scope:
        key = (action, resource)
        if key not in self._scopes:
            self._scopes[key] = self.runtime.authorizer.scope(self.actor, action, resource)
        return self._scopes[key]


Info = StrawberryInfo[Context, None]
