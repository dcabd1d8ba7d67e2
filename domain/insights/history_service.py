"""Importing deployment history, with the change ledger projected at once: the import itself is
pipelines' (`domain/pipelines/history.py`), the ledger is insights', so the one unit of work
that stores a batch also projects it (the ledger's sweep only looks back its settling period,
and a year of history lies far behind it)."""

from __future__ import annotations

from domain.insights import ledger_projection
from domain.kernel.uow import UnitOfWork
from domain.pipelines import history
from domain.pipelines.history_commands import ImportHistory


async def import_history(uow: UnitOfWork, c: ImportHistory) -> history.HistoryImported:
    """Import a batch of a service's history and project it into the change ledger."""
    done = await history.import_history(uow, c)
    await ledger_projection.project_imported(uow, done)
    return done
