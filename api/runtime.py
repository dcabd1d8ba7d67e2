"""What one server process holds: settings, database, authorizer, authenticator, clock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from api.observability import Metrics
from api.settings import Settings
from authz.authorizer import CasbinAuthorizer
from authz.watcher import GrantWatcher
from domain.compliance.repository import append_audit
from domain.kernel import idempotency
from domain.kernel.access import SYSTEM_ACTOR, Actor
from domain.kernel.clock import Clock, SystemClock
from domain.kernel.db import Database
from domain.kernel.events import GrantsChanged
from domain.kernel.uow import UnitOfWork
from domain.migrations import upgrade_async
from domain.organization import repository as org_repo

log = logging.getLogger("signalbox.runtime")
SWEEP_INTERVAL_SECONDS = 300


class Runtime:
    def __init__(self, settings: Settings, *, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.db = Database(
            settings.effective_database_url,
            pool_size=settings.db_pool_size,
            pool_timeout=settings.db_pool_timeout_seconds,
            statement_timeout_ms=settings.statement_timeout_ms,
        )
        self.authorizer = CasbinAuthorizer()
        self.metrics = Metrics()
        self._watcher: GrantWatcher | None = None
        self._housekeeping: asyncio.Task[None] | None = None
        # Imported here: the authenticator needs the runtime, and the runtime owns it.
        from api.auth import Authenticator

        self.authenticator = Authenticator(self)
        from api.live import Live  # subscriptions' broker, fed by LISTEN or after commit

        self.live = Live(self)

    async def start(self) -> None:
        if self.settings.auto_migrate:
            await upgrade_async(self.db.url)
        await self.reload_grants()
        self._housekeeping = asyncio.create_task(self._sweep(), name="signalbox-housekeeping")
        from api.outbox_delivery import OutboxDelivery  # deployments' webhooks

        self.outbox_delivery = OutboxDelivery(self)
        await self.outbox_delivery.start()
        if self.db.dialect == "postgresql":
            self._watcher = GrantWatcher(
                self._asyncpg_dsn(), self.refresh_subject, reload_all=self.reload_grants
            )
            await self._watcher.start()
        await self.live.start()

    async def stop(self) -> None:
        delivery = getattr(self, "outbox_delivery", None)
        if delivery is not None:
            await delivery.stop()
        if self._housekeeping is not None:
            self._housekeeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._housekeeping
        if self._watcher is not None:
            await self._watcher.stop()
        await self.live.stop()
        await self.db.dispose()

    async def _sweep(self) -> None:
        """Forget stored Idempotency-Key answers past their time, every few minutes."""
        while True:
            try:
                cutoff = self.clock.now() - timedelta(hours=self.settings.idempotency_ttl_hours)
                async with self.system_unit_of_work() as uow:
                    await idempotency.purge_before(uow.session, cutoff)
                    await uow.commit()
            except Exception:  # the next sweep tries again; a sweep never takes the server down
                log.warning("housekeeping sweep failed", exc_info=True)
            await asyncio.sleep(SWEEP_INTERVAL_SECONDS)

    def _asyncpg_dsn(self) -> str:
        return self.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)

    # -- authorization state ---------------------------------------------------------------

    async def reload_grants(self) -> None:
        async with self.db.snapshot_session() as session:
            grants = [g async for g in org_repo.stream_subject_grants(session)]
        self.authorizer.load_grants(grants)

    async def refresh_subject(self, subject: str) -> None:
        async with self.db.read_session() as session:
            pairs = await org_repo.subject_grants(session, subject)
        self.authorizer.replace_subject(subject, pairs)
        # A revoked token or a deactivated person must stop working now, not when caches age.
        self.authenticator.forget_tokens()

    async def on_events(self, events: Iterable[object]) -> None:
        for event in events:
            if isinstance(event, GrantsChanged):
                await self.refresh_subject(event.subject)

    # -- units of work ---------------------------------------------------------------------

    def unit_of_work(self, actor: Actor, request_id: str | None = None) -> UnitOfWork:
        return UnitOfWork(
            self.db.write_session(),
            actor=actor,
            clock=self.clock,
            authorizer=self.authorizer,
            audit_appender=append_audit,
            request_id=request_id,
            after_commit=self.on_events,
        )

    def system_unit_of_work(self, request_id: str | None = None) -> UnitOfWork:
        return UnitOfWork(
            self.db.write_session(),
            actor=SYSTEM_ACTOR,
            clock=self.clock,
            authorizer=self.authorizer,  # `system` is a built-in org admin of the authorizer
            audit_appender=append_audit,
            request_id=request_id,
            after_commit=self.on_events,
        )

    async def touch_token(self, token_id: uuid.UUID, at: datetime) -> None:
        """Record an API token's last use (telemetry, not a state change worth an audit)."""
        async with self.system_unit_of_work() as uow:
            await org_repo.touch_token(uow.session, token_id, at)
            await uow.commit()
