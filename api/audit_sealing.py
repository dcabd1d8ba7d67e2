"""The background sealer of the audit trail (PostgreSQL, `SIGNALBOX_AUDIT_APPEND=journal`):
chains the entries writers journaled, every `audit_seal_seconds` (0: never in the background),
on a connection of its own, and once more when the server stops.

Readers of the trail do not wait for it: each seals what is pending before it reads
(`domain.compliance.repository.sealed`). The sealer bounds how long an entry stays unchained
when nobody reads, so checkpoints and the chain's head keep up with the writes."""

from __future__ import annotations

import logging

from api.background import Periodic
from api.settings import Settings
from domain.compliance.repository import journal_waiting, seal_pending
from domain.kernel.db import Database
from domain.kernel.errors import Unavailable

log = logging.getLogger("signalbox.audit.sealer")


class AuditSealer:
    """Seals in the background while the server runs, and once more when it stops."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.db = db
        self.enabled = db.dialect == "postgresql" and settings.audit_append == "journal"
        self._seconds = settings.audit_seal_seconds
        self._periodic = Periodic(
            "signalbox-audit-sealer", settings.audit_seal_seconds, self.seal, log
        )

    async def seal(self) -> int:
        """Chain every entry journaled so far; how many were chained. An idle round is one
        statement (the reader's look at the journal), no transaction."""
        async with self.db.read_session() as session:
            if not await journal_waiting(session):
                return 0
        return await seal_pending(self.db.engine)

    def start(self) -> None:
        if self.enabled and self._seconds > 0:
            self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()
        if self.enabled:
            try:
                await self.seal()  # what the last requests journaled, before the pool closes
            except Unavailable:
                # Nothing is lost: the entries wait in the journal for the next sealer or reader.
                # (A command that could not reach the database says so once, in one line.)
                log.debug("audit sealer: the database is unavailable; the journal waits")
            except Exception:
                log.warning("audit sealer: the last round failed", exc_info=True)
        await self.db.dispose()
