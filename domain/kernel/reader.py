"""What a read use case gets: a short session, the actor, and the authorizer's scopes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Action, Actor, Authorizer, Resource, Scope


@dataclass(frozen=True, slots=True)
class Reader:
    session: AsyncSession
    actor: Actor
    authorizer: Authorizer

    def scope(self, resource: Resource) -> Scope:
        """The BUs whose `resource` the actor may read; lists are filtered by it."""
        return self.authorizer.scope(self.actor, Action.READ, resource)

    def may_read(self, resource: Resource, bu_id: uuid.UUID | None) -> bool:
        return self.authorizer.check(self.actor, Action.READ, resource, bu_id) is not None
