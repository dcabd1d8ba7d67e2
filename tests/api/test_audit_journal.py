"""The audit trail's journaled write path (PostgreSQL): writers journal their entries without the
chain lock, sealers chain them in batches under it, and readers seal first.

Units of work commit for real here (the appender's point is what other transactions see), so
every test marks its entries with a marker of its own and reads the chain relative to the head
it found when it started. A server of the suite may be sealing in the background meanwhile:
that is one more concurrent sealer, which every assertion here allows for.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.units import Units
from domain.compliance import repository as repo
from domain.compliance import rules
from domain.compliance.models import AuditJournalEntry, AuditRecord
from domain.compliance.repository import AuditFilter
from domain.compliance.rules import ChainHead, verify_chain
from domain.kernel.clock import FixedClock
from domain.kernel.db import Database
from domain.kernel.uow import UnitOfWork
from tests.api.conftest import serving, settings_for
from tests.world.authorizers import AllowAll

AUDIT = cast(Table, AuditRecord.__table__)
JOURNAL = cast(Table, AuditJournalEntry.__table__)
KIND = "journal_test"
WRITERS = 32
PER_WRITER = 3


def units(database: Database, now: datetime, audit_append: str = "journal") -> Units:
    return Units(database, FixedClock(now), AllowAll(), audit_append=audit_append)


def recording(marker: str, count: int, writer: int = 0) -> Callable[[UnitOfWork], Awaitable[None]]:
    """A use case that records `count` changes named `<marker>-<writer>-<n>`."""

    async def work(uow: UnitOfWork) -> None:
        for n in range(count):
            uow.record(
                action="release.approve",
                entity_type=KIND,
                entity_id=f"{marker}-{writer}-{n}",
                bu_id=None,
                rule="p, approver, *, release, update",
                after={"n": n, "board": "Sécurité", "ratio": 0.1},
            )

    return work


async def journaled(session: AsyncSession, marker: str) -> int:
    stmt = select(func.count()).select_from(JOURNAL).where(JOURNAL.c.entity_id.like(f"{marker}-%"))
    return int(await session.scalar(stmt) or 0)


async def chained(session: AsyncSession, marker: str) -> list[str]:
    """The entity ids of the marker's records, in chain order (no seal: what is there now)."""
    stmt = select(AUDIT.c.entity_id).where(AUDIT.c.entity_id.like(f"{marker}-%"))
    return list((await session.scalars(stmt.order_by(AUDIT.c.seq))).all())


async def chain_since(database: Database, start: ChainHead | None) -> list[dict[str, Any]]:
    async with database.read_session() as session:
        after = 0 if start is None else start.seq
        return [r async for r in repo.stream_records(session, after_seq=after)]


async def start_of(database: Database) -> ChainHead | None:
    async with database.read_session() as session:
        return await repo.head(session)


def expected(marker: str, writers: int, per_writer: int) -> list[str]:
    return sorted(f"{marker}-{w}-{n}" for w in range(writers) for n in range(per_writer))


class TestTheSettingChoosesTheAppender:
    @pytest.mark.parametrize("audit_append", ["journal", "inline"])
    async def test_a_journaled_entry_is_no_record_until_sealed(
        self, database: Database, now: datetime, audit_append: str
    ) -> None:
        """Inside the writing transaction: journal mode writes a journal row and no record;
        inline mode (and SQLite always) writes the record and no journal row."""
        marker = uuid.uuid4().hex
        chosen = units(database, now, audit_append)
        async with chosen.open() as uow:
            await recording(marker, 2)(uow)
            await chosen.appender(uow.session, uow._entries)
            in_journal = await journaled(uow.session, marker)
            on_chain = await chained(uow.session, marker)
            await uow.session.rollback()
        journals = database.dialect == "postgresql" and audit_append == "journal"
        assert (in_journal, len(on_chain)) == ((2, 0) if journals else (0, 2))


class TestTheServerSeals:
    """The settings decide who chains a committed entry when nobody reads the trail."""

    async def test_the_background_sealer_chains_without_a_reader(
        self, migrated_url: str, tmp_path: Path, now: datetime
    ) -> None:
        marker = uuid.uuid4().hex
        settings = settings_for(migrated_url, tmp_path, audit_seal_seconds=0.05)
        async with serving(settings) as api:
            await api.runtime.units.run(recording(marker, 1))
            async with api.runtime.db.read_session() as session:
                for _ in range(400):  # bounded: 20 s of sealing rounds on a busy machine
                    if await journaled(session, marker) == 0:
                        break
                    await asyncio.sleep(0.05)
                assert await journaled(session, marker) == 0
                assert await chained(session, marker) == [f"{marker}-0-0"]

    async def test_without_a_background_sealer_the_entry_waits_and_stopping_seals_it(
        self, migrated_url: str, tmp_path: Path, now: datetime
    ) -> None:
        marker = uuid.uuid4().hex
        async with serving(settings_for(migrated_url, tmp_path)) as api:  # audit_seal_seconds=0
            await api.runtime.units.run(recording(marker, 1))
            async with api.runtime.db.read_session() as session:
                waiting = (await journaled(session, marker), await chained(session, marker))
            db = Database(migrated_url)
        try:
            async with db.read_session() as session:
                stopped = (await journaled(session, marker), await chained(session, marker))
        finally:
            await db.dispose()
        journals = db.dialect == "postgresql"
        assert waiting == ((1, []) if journals else (0, [f"{marker}-0-0"]))
        assert stopped == (0, [f"{marker}-0-0"])

    async def test_inline_chains_in_the_writing_transaction(
        self, migrated_url: str, tmp_path: Path, now: datetime
    ) -> None:
        marker = uuid.uuid4().hex
        settings = settings_for(migrated_url, tmp_path, audit_append="inline")
        async with serving(settings) as api:
            await api.runtime.units.run(recording(marker, 1))
            async with api.runtime.db.read_session() as session:
                assert await journaled(session, marker) == 0
                assert await chained(session, marker) == [f"{marker}-0-0"]


class TestNothingCommittedIsLostAndNothingElseIsKept:
    async def test_a_rolled_back_transaction_leaves_no_journal_row_and_no_record(
        self, database: Database, now: datetime
    ) -> None:
        marker = uuid.uuid4().hex
        writing = units(database, now)
        with pytest.raises(RuntimeError):
            async with writing.open() as uow:
                await recording(marker, 2)(uow)
                await writing.appender(uow.session, uow._entries)
                raise RuntimeError("the use case failed after its audit entries were written")
        await repo.seal_pending(database.engine)
        async with database.read_session() as session:
            assert await journaled(session, marker) == 0
            assert await chained(session, marker) == []

    async def test_a_reader_right_after_a_commit_sees_the_record(
        self, database: Database, now: datetime
    ) -> None:
        marker = uuid.uuid4().hex
        await units(database, now).run(recording(marker, 1))
        async with database.read_session() as session:
            page = await repo.list_records(
                session, AuditFilter(entity_id=f"{marker}-0-0"), bu_scope=None, after_seq=0, limit=5
            )
            head = await repo.head(session)
        assert [r.entity_id for r in page] == [f"{marker}-0-0"]
        assert head is not None and head.seq >= page[0].seq


@pytest.mark.postgres_only
class TestConcurrentWritersAndSealers:
    async def test_32_writers_committing_at_once_are_each_chained_exactly_once(
        self, database: Database, now: datetime
    ) -> None:
        marker = uuid.uuid4().hex
        start = await start_of(database)
        writing = units(database, now)
        done = asyncio.Event()

        async def sealer() -> int:
            rounds = 0
            while not done.is_set() and rounds < 10_000:  # bounded
                await repo.seal_pending(database.engine)
                rounds += 1
                await asyncio.sleep(0)
            return rounds

        sealing = asyncio.create_task(sealer())
        await asyncio.gather(
            *(writing.run(recording(marker, PER_WRITER, w)) for w in range(WRITERS))
        )
        done.set()
        await sealing
        records = await chain_since(database, start)  # seals what is left first
        ours = [r["entity_id"] for r in records if r["entity_id"].startswith(marker)]
        assert sorted(ours) == expected(marker, WRITERS, PER_WRITER)  # each once, none lost
        first = 1 if start is None else start.seq + 1
        assert [r["seq"] for r in records] == list(range(first, first + len(records)))
        assert verify_chain(records, after=start).ok
        async with database.read_session() as session:
            assert await journaled(session, marker) == 0

    async def test_two_sealers_at_once_do_not_fork_the_chain(
        self, database: Database, now: datetime
    ) -> None:
        marker = uuid.uuid4().hex
        start = await start_of(database)
        writing = units(database, now)
        await asyncio.gather(*(writing.run(recording(marker, 5, w)) for w in range(8)))

        async def sealer() -> int:
            """Small batches, straight through the lock (no per-process turn)."""
            total = 0
            for _ in range(1000):  # bounded
                async with AsyncSession(database.engine) as session, session.begin():
                    done = await repo.seal_batch(session, limit=3)
                total += done
                if done == 0:
                    return total
            return total

        await asyncio.gather(sealer(), sealer())
        records = await chain_since(database, start)
        ours = [r["entity_id"] for r in records if r["entity_id"].startswith(marker)]
        assert sorted(ours) == expected(marker, 8, 5)
        assert verify_chain(records, after=start).ok

    async def test_a_seal_stops_at_the_journal_end_it_began_with(
        self, database: Database, now: datetime
    ) -> None:
        """What commits after a reader's seal began waits for the next seal: a steady stream of
        writes cannot keep one reader sealing."""
        marker = uuid.uuid4().hex
        writing = units(database, now)
        await writing.run(recording(marker, 2, 0))
        async with database.read_session() as session:
            end = await session.scalar(select(func.max(JOURNAL.c.id)))
        await writing.run(recording(marker, 2, 1))
        async with AsyncSession(database.engine) as session, session.begin():
            await repo.seal_batch(session, up_to=end)
        async with database.read_session() as session:
            assert await chained(session, marker) == [f"{marker}-0-0", f"{marker}-0-1"]
            assert await journaled(session, marker) == 2
        async with database.read_session() as session:
            page = await repo.list_records(
                session, AuditFilter(entity_type=KIND), bu_scope=None, after_seq=0, limit=10_000
            )
        assert {f"{marker}-1-0", f"{marker}-1-1"} <= {r.entity_id for r in page}

    @pytest.mark.parametrize("sealer", ["background", "reader"])
    async def test_a_sealer_failing_mid_batch_leaves_the_journal_intact(
        self, database: Database, now: datetime, monkeypatch: pytest.MonkeyPatch, sealer: str
    ) -> None:
        """Whether the server's sealer fails or a reader's seal (on the reader's AUTOCOMMIT
        engine, where the seal must still be one transaction)."""
        marker = uuid.uuid4().hex
        start = await start_of(database)

        def disk_full(*_args: Any, **_kwargs: Any) -> list[dict[str, Any]]:
            raise RuntimeError("the sealer died after taking its batch from the journal")

        # Patched before anything is journaled: any other sealer of this process fails too.
        monkeypatch.setattr(rules, "link", disk_full)
        await units(database, now).run(recording(marker, 4))
        with pytest.raises(RuntimeError):
            if sealer == "background":
                await repo.seal_pending(database.engine)
            else:
                async with database.read_session() as session:
                    await repo.head(session)
        async with database.read_session() as session:
            assert await journaled(session, marker) == 4
            assert await chained(session, marker) == []
        monkeypatch.undo()

        records = await chain_since(database, start)
        ours = [r["entity_id"] for r in records if r["entity_id"].startswith(marker)]
        assert sorted(ours) == expected(marker, 1, 4)
        assert verify_chain(records, after=start).ok
