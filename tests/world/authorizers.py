"""Authorizers the domain tests act under: everything, everything in some BUs, or exact grants."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from domain.kernel.access import Action, Actor, Resource, Scope


class AllowAll:
    """Every action, everywhere (an org admin)."""

    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        return "test: allow all"

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        return Scope(everywhere=True)

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        return frozenset({"org_admin"})


class OnlyIn:
    """Every action, but only in the given BUs."""

    def __init__(self, *bus: uuid.UUID) -> None:
        self.bus = frozenset(bus)

    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        return "test: in bu" if bu_id in self.bus else None

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        return Scope(everywhere=False, bu_ids=self.bus)

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        return frozenset()


class Grants:
    """Exactly the given actions, in the given BUs (None: org-wide)."""

    def __init__(self, grants: dict[Action, Iterable[uuid.UUID | None]]) -> None:
        self._grants = {action: set(bus) for action, bus in grants.items()}

    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        bus = self._grants.get(action, set())
        return "test: granted" if None in bus or bu_id in bus else None

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        bus = self._grants.get(action, set())
        return Scope(everywhere=None in bus, bu_ids=frozenset(b for b in bus if b is not None))

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        return frozenset()
