"""The unit of work: one transaction, one commit, the audit trail written inside it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self

from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from domain.kernel.access import Action, Actor, Authorizer, Resource, Scope
from domain.kernel.audit import AuditAppender, AuditEntry
from domain.kernel.clock import Clock
from domain.kernel.db import unavailable_on_outage
from domain.kernel.errors import Forbidden, NotFound, VersionConflict
from domain.kernel.integrity import refusal_for
from domain.kernel.orm import Base, snapshot


class UnitOfWork:
    """Carries what a use case needs: session, actor, clock, authorization and the audit log.

    Services and repositories only flush; `commit()` is called once, at the boundary.
    """

    def __init__(
        self,
        session: AsyncSession,
        *,
        actor: Actor,
        clock: Clock,
        authorizer: Authorizer,
        audit_appender: AuditAppender,
        request_id: str | None = None,
        after_commit: Callable[[list[object]], Awaitable[None]] | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock
        self.authorizer = authorizer
        self.request_id = request_id
        self._appender = audit_appender
        self._entries: list[AuditEntry] = []
        self._events: list[object] = []
        self._after_commit = after_commit
        self._committed = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                await self.session.rollback()
        finally:
            await self.session.close()
        # A duplicate another request inserted first is the caller's answer, not our failure.
        if isinstance(exc, IntegrityError) and (refusal := refusal_for(exc)) is not None:
            raise refusal from exc

    # -- authorization -------------------------------------------------------------------

    def authorize(self, action: Action, resource: Resource, bu_id: uuid.UUID | None) -> str:
        """The rule that allows the action, or Forbidden."""
        rule = self.authorizer.check(self.actor, action, resource, bu_id)
        if rule is None:
            raise Forbidden(f"You may not {action} {resource.replace('_', ' ')} here.")
        return rule

    def authorize_visible(
        self, action: Action, resource: Resource, bu_id: uuid.UUID | None, what: str
    ) -> str:
        """Like authorize, but things the actor cannot even read look absent (404, not 403)."""
        if not self.scope(Action.READ, resource).allows(bu_id) and bu_id is not None:
            raise NotFound(f"{what} was not found.")
        return self.authorize(action, resource, bu_id)

    def scope(self, action: Action, resource: Resource) -> Scope:
        return self.authorizer.scope(self.actor, action, resource)

    # -- audit ----------------------------------------------------------------------------

    def record(
        self,
        *,
        action: str,
        entity_type: str,
        entity_id: uuid.UUID | str,
        bu_id: uuid.UUID | None,
        rule: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Note a state change; it is chained into the audit trail when the unit commits."""
        self._entries.append(
            AuditEntry(
                occurred_at=self.clock.now(),
                actor=self.actor,
                action=action,
                entity_type=entity_type,
                entity_id=str(entity_id),
                bu_id=bu_id,
                before=before,
                after=after,
                rule=rule,
                request_id=self.request_id,
            )
        )

    async def created(
        self,
        entity: Base,
        *,
        action: str,
        bu_id: uuid.UUID | None,
        rule: str,
        exclude: tuple[str, ...] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Add a new aggregate and note its creation (entity type = the action's prefix).

        `after` is its columns but `exclude`, and `extra` (what it holds in other tables).
        """
        self.session.add(entity)
        await self.session.flush()
        after = {**snapshot(entity, exclude=exclude), **(extra or {})}
        self.record_change(entity, action=action, bu_id=bu_id, rule=rule, after=after)

    async def updated(
        self,
        entity: Base,
        before: dict[str, Any],
        *,
        action: str,
        bu_id: uuid.UUID | None,
        rule: str,
        exclude: tuple[str, ...] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        """Flush a change to an aggregate (stamping updated_at) and note before and after
        (`after` as for `created`)."""
        if hasattr(entity, "updated_at"):
            entity.updated_at = self.clock.now()
        await self.session.flush()
        after = {**snapshot(entity, exclude=exclude), **(extra or {})}
        self.record_change(
            entity, action=action, bu_id=bu_id, rule=rule, before=before, after=after
        )

    def unchanged(
        self, entity: Base, before: dict[str, Any], *, exclude: tuple[str, ...] = ()
    ) -> bool:
        """Does `entity` still hold its before-image? Then the change is a no-op: nothing is
        written and nothing recorded (only for a use case that changes no other table)."""
        return snapshot(entity, exclude=exclude) == before

    async def created_in(
        self, aggregate: Base, part: Base, *, action: str, bu_id: uuid.UUID | None, rule: str
    ) -> None:
        """Add a part of an aggregate (a use, a test, a pending change) and note it as a change
        of the aggregate, the part as its after."""
        self.session.add(part)
        await self.session.flush()
        self.record_change(aggregate, action=action, bu_id=bu_id, rule=rule, after=snapshot(part))

    async def deleted(
        self, entity: Base, *, action: str, bu_id: uuid.UUID | None, rule: str
    ) -> None:
        """Remove an aggregate (or a link) and note it; its row is locked first, so of
        concurrent removals one is recorded and the others find it gone."""
        try:
            await self.session.refresh(entity, with_for_update=True)
        except InvalidRequestError:
            what = action.partition(".")[0].replace("_", " ").capitalize()
            raise NotFound(f"{what} was not found.") from None
        before = snapshot(entity)
        await self.session.delete(entity)
        await self.session.flush()
        self.record_change(entity, action=action, bu_id=bu_id, rule=rule, before=before)

    def record_change(
        self,
        entity: Base,
        *,
        action: str,
        bu_id: uuid.UUID | None,
        rule: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Record a change of `entity` (entity type = the action's prefix)."""
        self.record(
            action=action,
            entity_type=action.partition(".")[0],
            entity_id=entity.id,  # type: ignore[attr-defined]
            bu_id=bu_id,
            rule=rule,
            before=before,
            after=after,
        )

    def emit(self, event: object) -> None:
        """Announce a domain event; handlers see it only once the unit has committed."""
        self._events.append(event)

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """One part of a longer unit (a mutation of a keyed request) in a savepoint: when it
        fails, its writes, audit notes and events are undone and the unit goes on."""
        entries, events = len(self._entries), len(self._events)
        try:
            async with self.session.begin_nested():
                yield
                await self.session.flush()
        except StaleDataError as exc:
            self._forget(entries, events)
            raise VersionConflict(
                "Someone else changed this in the meantime; reload and try again."
            ) from exc
        except BaseException:
            self._forget(entries, events)
            raise

    def _forget(self, entries: int, events: int) -> None:
        del self._entries[entries:]
        del self._events[events:]

    # -- the one commit -------------------------------------------------------------------

    async def commit(self) -> None:
        async with unavailable_on_outage():
            try:
                await self.session.flush()
                if self._entries:
                    await self._appender(self.session, self._entries)
                await self.session.commit()
            except StaleDataError as exc:
                raise VersionConflict(
                    "Someone else changed this in the meantime; reload and try again."
                ) from exc
            except IntegrityError:
                await self.session.rollback()
                raise
        self._committed = True
        self._entries.clear()
        events, self._events = self._events, []
        if self._after_commit is not None and events:
            await self._after_commit(events)
