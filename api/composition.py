"""Builds one process's runtime: every collaborator gets what it needs, and nothing reaches
back into the runtime."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import db_budget
from api.audit_checkpoints import Checkpointer
from api.audit_sealing import AuditSealer
from api.auth import Authenticator
from api.data_changes import DATA_CHANNEL, DataChanges
from api.live import Live, listen_dsn
from api.outbox_delivery import OutboxDelivery
from api.rate_limits import RateLimits
from api.runtime import Grants, Housekeeping, Runtime
from api.settings import Settings
from api.startup import check_configuration
from api.units import AfterCommit, Units
from authz.authorizer import CasbinAuthorizer
from authz.watcher import GrantWatcher
from domain.environments.facts import environment_id_by_key
from domain.flags.events import FlagsChanged
from domain.flags.snapshots import SnapshotCache
from domain.kernel.clock import Clock, SystemClock
from domain.kernel.db import Database
from domain.kernel.events import GrantsChanged


async def _catalogued(session: AsyncSession, environment: str) -> bool:
    """OFREP knows an environment of the catalog even before any flag has a state there."""
    return await environment_id_by_key(session, environment) is not None


def _database(settings: Settings, pool_size: int) -> Database:
    return Database(
        settings.effective_database_url,
        pool_size=pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        statement_timeout_ms=settings.statement_timeout_ms,
    )


def _units(
    settings: Settings,
    db: Database,
    clock: Clock,
    authorizer: CasbinAuthorizer,
    after_commit: AfterCommit | None = None,
) -> Units:
    return Units(db, clock, authorizer, after_commit, audit_append=settings.audit_append)


def _audit_sealer(settings: Settings, dialect: str) -> AuditSealer | None:
    """PostgreSQL: the background sealer of the audit journal, on a connection of its own (it
    never waits behind requests for the pool)."""
    if dialect != "postgresql":
        return None
    return AuditSealer(settings, _database(settings, pool_size=1))


def _access_changed(authenticator: Authenticator, live: Live) -> Callable[[], None]:
    """What a grant change, token revocation or deactivation does to this process's caches:
    cached tokens and JWTs are forgotten, and open subscriptions check their caller again."""

    def changed() -> None:
        authenticator.forget_tokens()
        live.broker.recheck_all()

    return changed


def build_runtime(settings: Settings, *, clock: Clock | None = None) -> Runtime:
    """The runtime of one process; a configuration it must not run with is refused first."""
    check_configuration(settings)
    clock = clock or SystemClock()
    db = _database(settings, settings.db_pool_size)
    db_budget.watch(db.engine)  # requests' statements count against their budget
    authorizer = CasbinAuthorizer()
    after_commit = AfterCommit()
    units = _units(settings, db, clock, authorizer, after_commit)
    authenticator = Authenticator(settings, clock, db, units)
    live = Live(settings, db)
    grants = Grants(db, authorizer, _access_changed(authenticator, live))
    flag_snapshots = SnapshotCache(db.read_session, units.run, catalogued=_catalogued)

    async def grants_changed(event: GrantsChanged) -> None:
        await grants.refresh(event.subject)

    async def flags_changed(_event: FlagsChanged) -> None:
        flag_snapshots.invalidate()  # other processes see the new revision within its TTL

    after_commit.on(GrantsChanged, grants_changed)
    after_commit.on(FlagsChanged, flags_changed)
    # Delivery rounds have a small pool of their own, so they never wait for requests' connections.
    delivery_db = _database(settings, pool_size=2)
    delivery_units = _units(settings, delivery_db, clock, authorizer)
    sealer = _audit_sealer(settings, db.dialect)
    watcher = (
        GrantWatcher(
            listen_dsn(db),
            grants.refresh,
            reload_all=grants.reload,
            lease=settings.revocation_lease_seconds,
            application_name="signalbox-grants",
        )
        if db.dialect == "postgresql"
        else None
    )
    if watcher is not None:
        # Other processes' revocations arrive through the watcher: while it is not current,
        # every request checks the database instead of the caches.
        authenticator.follow(lambda: watcher.current, grants.check)
    return Runtime(
        settings=settings,
        clock=clock,
        db=db,
        authorizer=authorizer,
        units=units,
        authenticator=authenticator,
        grants=grants,
        live=live,
        outbox_delivery=OutboxDelivery(settings, clock, delivery_units),
        flag_snapshots=flag_snapshots,
        housekeeping=Housekeeping(settings, clock, units),
        checkpointer=Checkpointer(settings, units),
        rate_limits=RateLimits(settings),
        probe_db=_database(settings, pool_size=1),
        grant_watcher=watcher,
        audit_sealer=sealer,
        data_changes=_data_changes(db, delivery_db, *([sealer.db] if sealer else [])),
    )


def _data_changes(db: Database, delivery: Database, *others: Database) -> DataChanges:
    """Writes through any of the process's engines; on PostgreSQL, announced to and heard from
    the other processes. Announcements go through the delivery pool: no connection of their
    own, and never among a request's statements."""
    engines = [d.engine.sync_engine for d in (db, delivery, *others)]
    if db.dialect != "postgresql":
        return DataChanges(engines)

    async def announce(origin: str) -> None:
        async with delivery.engine.begin() as conn:  # delivered when this transaction ends
            await conn.execute(select(func.pg_notify(DATA_CHANNEL, origin)))

    return DataChanges(engines, listen_dsn(db), announce)
