"""What one server process holds: settings, database, authorizer, authenticator, clock, and
the background work it runs. Built by `api.composition.build_runtime`."""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from api.audit_checkpoints import Checkpointer
from api.audit_sealing import AuditSealer
from api.auth import Authenticator
from api.background import Periodic
from api.data_changes import DataChanges
from api.journey_runner import JourneyRunner
from api.live import Live
from api.observability import Metrics
from api.outbox_delivery import OutboxDelivery
from api.post_release_prometheus import metrics_source, sweep_reviews
from api.rate_limits import RateLimits
from api.settings import Settings
from api.units import Units
from authz.authorizer import CasbinAuthorizer
from authz.watcher import GrantWatcher
from domain.flags.snapshots import SnapshotCache
from domain.insights import ledger_projection
from domain.kernel import idempotency
from domain.kernel.access import SYSTEM_ACTOR, Actor
from domain.kernel.clock import Clock
from domain.kernel.db import Database
from domain.kernel.uow import UnitOfWork
from domain.migrations import upgrade_async
from domain.organization import repository as org_repo
from domain.pipelines import promotion_lifecycle
from domain.postrelease import defect_patterns, incident_sweep
from domain.support import watchers as support_watchers

log = logging.getLogger("signalbox.runtime")


class Grants:
    """The authorizer's copy of the role grants: loaded whole, refreshed one subject at a time.

    Reads may run concurrently (a notification's refresh beside requests checking their own
    grants while the watcher is not current), so each read takes a ticket first and a result
    is applied only when no later read of that subject (or whole reload) was applied before it.
    """

    def __init__(
        self, db: Database, authorizer: CasbinAuthorizer, forget_tokens: Callable[[], None]
    ) -> None:
        self._db = db
        self._authorizer = authorizer
        self._forget_tokens = forget_tokens
        self._tickets = itertools.count(1)
        self._floor = 0  # the ticket of the last whole reload applied
        self._applied: dict[str, tuple[int, list[tuple[str, str]]]] = {}  # newer than the floor

    async def reload(self) -> None:
        ticket = next(self._tickets)
        async with self._db.snapshot_session() as session:
            grants = [g async for g in org_repo.stream_subject_grants(session)]
        if ticket > self._floor:
            self._authorizer.load_grants(grants)
            # Subjects read after this reload began keep what was read for them then.
            newer = {s: read for s, read in self._applied.items() if read[0] > ticket}
            for subject, (_ticket, pairs) in newer.items():
                self._authorizer.replace_subject(subject, pairs)
            self._floor, self._applied = ticket, newer
        # After a reconnection, changes may have been missed: no cached token or JWT survives.
        self._forget_tokens()

    async def refresh(self, subject: str) -> None:
        await self.check((subject,))
        # A revoked token or a deactivated person must stop working now, not when caches age.
        self._forget_tokens()

    async def check(self, subjects: tuple[str, ...]) -> None:
        """Re-read the grants of these subjects from the database."""
        ticket = next(self._tickets)
        async with self._db.read_session() as session:
            read = [(s, await org_repo.subject_grants(session, s)) for s in subjects]
        for subject, pairs in read:
            if ticket > max(self._floor, self._applied.get(subject, (0, []))[0]):
                self._authorizer.replace_subject(subject, pairs)
                self._applied[subject] = (ticket, pairs)


class Housekeeping:
    """Every few minutes: forgets stored Idempotency-Key answers past their time, and writes
    EXPIRED on waiting promotions whose time ran out (domain.pipelines.promotion_lifecycle)."""

    def __init__(self, settings: Settings, clock: Clock, units: Units) -> None:
        self._ttl = timedelta(hours=settings.idempotency_ttl_hours)
        self._clock = clock
        self._units = units
        self._journeys = JourneyRunner(settings, clock, units)  # postrelease (issue 17)
        self._interval = settings.housekeeping_seconds
        self._periodic = Periodic("signalbox-housekeeping", self._interval, self.sweep, log)
        self._post_release_metrics = metrics_source(settings)

    def start(self) -> None:
        if self._interval > 0:
            self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()

    async def sweep(self) -> None:
        cutoff = self._clock.now() - self._ttl
        await self._units.run(lambda uow: idempotency.purge_before(uow.session, cutoff))
        await self._units.run(promotion_lifecycle.expire_waiting)
        await self._units.run(support_watchers.assign_due)
        await self._units.run(defect_patterns.announce_new)  # new defect patterns, once each
        await sweep_incidents(self._units)
        await sweep_reviews(self._units, self._post_release_metrics)
        await self._journeys.sweep()  # synthetic journeys due: after deployments, on schedules
        # the change ledger (issue 18): the recent sweep, and hourly the settling period's
        await self._units.run(lambda uow: ledger_projection.catch_up(uow, settle=True))


async def sweep_incidents(units: Units) -> incident_sweep.Swept:
    """The sweep's post-release step for incidents: new incidents attributed a round per unit
    of work (short transactions; a failure loses one round), then the post-mortem action items
    whose change now exists closed."""
    attributed = 0
    for _ in range(incident_sweep.ROUNDS):
        done = await units.run(incident_sweep.attribute_round)
        attributed += done
        if done < incident_sweep.ROUND:
            break
    return incident_sweep.Swept(attributed, await units.run(incident_sweep.verify_open))


@dataclass(eq=False)
class Runtime:
    settings: Settings
    clock: Clock
    db: Database
    authorizer: CasbinAuthorizer
    units: Units
    """Units of work over `db`; `units.run` is the infrastructure's (and machine endpoints')
    one commit place."""
    authenticator: Authenticator
    grants: Grants
    live: Live
    """Subscriptions' broker, fed by LISTEN or after commit."""
    outbox_delivery: OutboxDelivery
    """Deployments' webhooks."""
    flag_snapshots: SnapshotCache
    """Compiled flags per environment for OFREP, invalidated when flags change."""
    housekeeping: Housekeeping
    checkpointer: Checkpointer
    """Signed checkpoints of the audit trail, at least every minute."""
    rate_limits: RateLimits
    probe_db: Database
    """/readyz's own one connection, so readiness never waits behind requests for the pool."""
    """Fairness: request rates, in-flight requests and cost budgets per caller."""
    grant_watcher: GrantWatcher | None = None
    """PostgreSQL only: grant changes of other processes, by LISTEN/NOTIFY."""
    audit_sealer: AuditSealer | None = None
    """PostgreSQL, journaled audit: chains the journal in the background."""
    data_changes: DataChanges | None = None
    """Every committed write, of this process or (PostgreSQL) another: caches forget."""
    metrics: Metrics = field(default_factory=Metrics)
    serving: bool = False
    """True between `start` and `stop`: the background work of a server process runs."""

    async def prepare(self) -> None:
        """What every process needs before its first use case: the schema (when
        SIGNALBOX_AUTO_MIGRATE) and the grants. Commands stop here; servers go on to `start`."""
        if self.settings.auto_migrate:
            await upgrade_async(self.db.url)
        await self.grants.reload()

    async def start(self) -> None:
        """Prepare, then start a server process's background work."""
        await self.prepare()
        if self.data_changes is not None:  # first: every write from here on clears caches
            await self.data_changes.start()
        self.housekeeping.start()
        if self.audit_sealer is not None:
            self.audit_sealer.start()
        self.checkpointer.start()
        await self.outbox_delivery.start()
        if self.grant_watcher is not None:
            await self.grant_watcher.start()
        await self.live.start()
        self.serving = True
        log.info(
            "worker started",
            extra={"pid": os.getpid(), "env": str(self.settings.env), "database": self.db.dialect},
        )

    async def stop(self) -> None:
        """Stop background work (rounds under way finish first) and close every pool."""
        if self.data_changes is not None:  # first: no announcement outlives the pools
            await self.data_changes.stop()
        await self.outbox_delivery.stop()
        await self.housekeeping.stop()
        await self.checkpointer.stop()
        if self.audit_sealer is not None:
            await self.audit_sealer.stop()
        if self.grant_watcher is not None:
            await self.grant_watcher.stop()
        await self.live.stop()
        await self.db.dispose()
        await self.probe_db.dispose()
        if self.serving:
            self.serving = False
            log.info("worker stopped", extra={"pid": os.getpid()})

    def unit_of_work(self, actor: Actor, request_id: str | None = None) -> UnitOfWork:
        return self.units.open(actor, request_id)

    def system_unit_of_work(self, request_id: str | None = None) -> UnitOfWork:
        return self.units.open(SYSTEM_ACTOR, request_id)
