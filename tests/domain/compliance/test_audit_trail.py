"""The audit trail in the database: appended under a lock, tamper-evident, read within scope.

Rows committed by the concurrency test stay in the session's database, so every test works
relative to the head it finds when it starts.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import Table, delete, insert, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import repository as repo
from domain.compliance.models import AuditRecord
from domain.compliance.repository import AuditFilter
from domain.compliance.rules import GENESIS, ChainBreak, ChainHead, link, verify_chain
from domain.compliance.service import audit_records, verify_audit_trail
from domain.kernel.access import Action, Actor
from domain.kernel.clock import FixedClock
from domain.kernel.db import Database
from domain.kernel.errors import DomainError, Forbidden
from domain.kernel.uow import UnitOfWork
from tests.domain.compliance.audit_support import as_superuser
from tests.world import Grants, unit_of_work

AUDIT = cast(Table, AuditRecord.__table__)

RITA = Actor(
    person_id=uuid.uuid4(),
    username="rita",
    display_name="Rita Release",
    subjects=("person:rita", "token:ci-rita"),
    token_id=uuid.uuid4(),
    via="token",
)


def uow_at(
    session: AsyncSession, *, at: datetime, actor: Actor = RITA, authorizer: Any = None
) -> UnitOfWork:
    return unit_of_work(session, actor, clock=FixedClock(at), authorizer=authorizer)


async def record_changes(
    session: AsyncSession,
    count: int,
    *,
    at: datetime,
    bu_id: uuid.UUID | None = None,
    actor: Actor = RITA,
    entity_id: str | None = None,
) -> None:
    """Commit one unit of work that recorded `count` changes."""
    uow = uow_at(session, at=at, actor=actor)
    for n in range(count):
        uow.record(
            action="release.approve",
            entity_type="release",
            entity_id=entity_id or str(uuid.uuid4()),
            bu_id=bu_id,
            rule="p, approver, *, release, update",
            before={"state": "submitted"},
            after={"state": "approved", "n": n, "board": "Sécurité"},
        )
    await uow.commit()


async def rows_after(session: AsyncSession, start: ChainHead | None) -> list[dict[str, Any]]:
    after_seq = 0 if start is None else start.seq
    return [record async for record in repo.stream_records(session, after_seq=after_seq)]


async def verify(session: AsyncSession, **kwargs: Any) -> Any:
    return await verify_audit_trail(uow_at(session, at=datetime.now(UTC)), **kwargs)


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# -- appending -------------------------------------------------------------------------------


class TestRecordedChangesAreChainedWhenTheUnitCommits:
    async def test_each_record_links_to_the_one_before(
        self, session: AsyncSession, now: datetime
    ) -> None:
        start = await repo.head(session)

        await record_changes(session, 3, at=now)

        rows = await rows_after(session, start)
        first_seq = 1 if start is None else start.seq + 1
        assert [r["seq"] for r in rows] == [first_seq, first_seq + 1, first_seq + 2]
        assert rows[0]["prev_hash"] == (GENESIS if start is None else start.hash)
        assert [r["prev_hash"] for r in rows[1:]] == [r["hash"] for r in rows[:-1]]
        assert verify_chain(rows, after=start).ok
        assert await repo.head(session) == ChainHead(rows[-1]["seq"], rows[-1]["hash"])

    async def test_the_record_carries_actor_token_rule_and_request(
        self, session: AsyncSession, now: datetime
    ) -> None:
        start = await repo.head(session)
        bu_id = uuid.uuid4()

        await record_changes(session, 1, at=now, bu_id=bu_id)

        (row,) = await rows_after(session, start)
        assert row["actor_subject"] == "person:rita"
        assert row["actor_username"] == "rita"
        assert row["token_id"] == RITA.token_id
        assert row["bu_id"] == bu_id
        assert row["occurred_at"] == now
        assert row["rule"] == "p, approver, *, release, update"
        assert row["request_id"] == "req-test"
        assert row["after"] == {"state": "approved", "n": 0, "board": "Sécurité"}

    async def test_nothing_is_appended_before_the_commit(
        self, session: AsyncSession, now: datetime
    ) -> None:
        start = await repo.head(session)
        uow = uow_at(session, at=now)
        uow.record(
            action="release.approve",
            entity_type="release",
            entity_id="r-1",
            bu_id=None,
            rule="test",
        )
        await session.flush()
        assert await repo.head(session) == start

    async def test_json_is_hashed_as_the_database_returns_it(
        self, session: AsyncSession, now: datetime
    ) -> None:
        start = await repo.head(session)
        uow = uow_at(session, at=now.astimezone(UTC) + timedelta(microseconds=7))
        uow.record(
            action="service.update",
            entity_type="service",
            entity_id="svc-1",
            bu_id=None,
            rule="test",
            # A tuple reads back as a list, an int key as a string: the hash must not care.
            before={"regions": ("eu-west-1", "us-east-1"), 7: "seven", "ratio": 0.1},  # type: ignore[dict-item]
            after={"nested": {"b": [1, 2.5, None, True], "a": "ü"}},
        )
        await uow.commit()

        rows = await rows_after(session, start)
        assert rows[0]["before"] == {
            "regions": ["eu-west-1", "us-east-1"],
            "7": "seven",
            "ratio": 0.1,
        }
        assert verify_chain(rows, after=start).ok
        assert (await verify(session)).ok


class TestConcurrentWritersShareOneChain:
    async def test_fifty_committing_units_of_work_leave_fifty_consecutive_intact_records(
        self, database: Database, now: datetime
    ) -> None:
        async with database.read_session() as session:
            start = await repo.head(session)
        marker = uuid.uuid4().hex

        async def writer(n: int) -> None:
            uow = uow_at(database.write_session(), at=now + timedelta(seconds=n))
            async with uow:
                uow.record(
                    action="promotion.request",
                    entity_type="promotion",
                    entity_id=f"{marker}-{n}",
                    bu_id=None,
                    rule="test",
                    after={"writer": n},
                )
                await uow.commit()

        await asyncio.gather(*(writer(n) for n in range(50)))

        async with database.read_session() as session:
            rows = await rows_after(session, start)
            full = await verify(session)
        ours = [r for r in rows if r["entity_id"].startswith(marker)]
        first_seq = 1 if start is None else start.seq + 1
        assert len(ours) == 50 == len(rows)
        assert sorted(r["entity_id"] for r in ours) == sorted(f"{marker}-{n}" for n in range(50))
        assert [r["seq"] for r in rows] == list(range(first_seq, first_seq + 50))
        assert verify_chain(rows, after=start).ok
        assert full.ok, full


class TestAForkIsRetriedInsideASavepoint:
    async def test_a_stale_head_is_read_again_and_the_append_succeeds(
        self, session: AsyncSession, now: datetime, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        start = await repo.head(session)
        await record_changes(session, 1, at=now)
        stale = await repo.head(session)
        await record_changes(session, 1, at=now)
        calls = 0
        real_head = repo.chain_head

        async def stale_once(s: AsyncSession) -> ChainHead | None:
            nonlocal calls
            calls += 1
            return stale if calls == 1 else await real_head(s)

        monkeypatch.setattr(repo, "chain_head", stale_once)
        await record_changes(session, 2, at=now)
        monkeypatch.undo()

        assert calls == 2
        rows = await rows_after(session, start)
        assert len(rows) == 4
        assert verify_chain(rows, after=start).ok

    async def test_a_fork_that_persists_fails_the_commit(
        self, session: AsyncSession, now: datetime, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        await record_changes(session, 1, at=now)
        stale = await repo.head(session)
        await record_changes(session, 1, at=now)
        calls = 0

        async def always_stale(s: AsyncSession) -> ChainHead | None:
            nonlocal calls
            calls += 1
            return stale

        monkeypatch.setattr(repo, "chain_head", always_stale)
        with pytest.raises(IntegrityError):
            await record_changes(session, 1, at=now)
        assert calls == repo.APPEND_ATTEMPTS


# -- tampering -------------------------------------------------------------------------------


class TestTheDatabaseRefusesToChangeTheTrail:
    @pytest.mark.parametrize("statement", ["UPDATE", "DELETE"])
    async def test_the_trigger_refuses(
        self, session: AsyncSession, now: datetime, statement: str
    ) -> None:
        await record_changes(session, 1, at=now)
        sql = {
            "UPDATE": "UPDATE audit_records SET action = 'forged'",
            "DELETE": "DELETE FROM audit_records",
        }[statement]
        await self.assert_refused(session, sql, statement)

    @pytest.mark.postgres_only
    async def test_on_postgresql_truncate_is_refused_too(
        self, session: AsyncSession, now: datetime
    ) -> None:
        assert is_postgres(session)  # SQLite has no TRUNCATE: its DELETE is refused above
        await record_changes(session, 1, at=now)
        await self.assert_refused(session, "TRUNCATE audit_records", "TRUNCATE")

    async def assert_refused(self, session: AsyncSession, sql: str, statement: str) -> None:
        with pytest.raises(DBAPIError, match=f"append-only: {statement} refused"):
            async with session.begin_nested():
                await session.execute(text(sql))


class TestTamperingIsDetected:
    async def chain_of_three(self, session: AsyncSession, now: datetime) -> list[int]:
        assert (await verify(session)).ok, "the trail was not intact before the test"
        start = await repo.head(session)
        await record_changes(session, 3, at=now, bu_id=uuid.uuid4())
        assert (await verify(session)).ok
        return [r["seq"] for r in await rows_after(session, start)]

    @pytest.mark.parametrize(
        "column, value",
        [
            ("action", "release.reject"),
            ("actor_username", "mallory"),
            ("occurred_at", datetime(2026, 11, 27, 9, 0, 1, tzinfo=UTC)),
            ("bu_id", uuid.UUID(int=1)),
            ("token_id", None),
            ("after", {"state": "rejected"}),
            ("rule", "p, engineer, *, release, update"),
        ],
    )
    async def test_an_edited_field_breaks_the_chain_at_that_record(
        self, session: AsyncSession, now: datetime, column: str, value: Any
    ) -> None:
        seqs = await self.chain_of_three(session, now)

        await as_superuser(
            session, update(AUDIT).where(AUDIT.c.seq == seqs[1]).values({column: value})
        )

        report = await verify(session)
        assert not report.ok
        assert report.reason is ChainBreak.HASH_MISMATCH
        assert report.first_broken_seq == seqs[1]

    async def test_an_edited_hash_breaks_the_chain_at_that_record(
        self, session: AsyncSession, now: datetime
    ) -> None:
        seqs = await self.chain_of_three(session, now)

        await as_superuser(
            session, update(AUDIT).where(AUDIT.c.seq == seqs[1]).values(hash="f" * 64)
        )

        report = await verify(session)
        assert (report.first_broken_seq, report.reason) == (seqs[1], ChainBreak.HASH_MISMATCH)

    async def test_a_deleted_record_breaks_the_chain_at_its_successor(
        self, session: AsyncSession, now: datetime
    ) -> None:
        seqs = await self.chain_of_three(session, now)

        await as_superuser(session, delete(AUDIT).where(AUDIT.c.seq == seqs[1]))

        report = await verify(session)
        assert (report.first_broken_seq, report.reason) == (seqs[2], ChainBreak.SEQUENCE_GAP)

    async def test_a_record_deleted_from_the_end_is_caught_by_an_anchor(
        self, session: AsyncSession, now: datetime
    ) -> None:
        await self.chain_of_three(session, now)
        anchor = await repo.head(session)
        assert anchor is not None

        await as_superuser(session, delete(AUDIT).where(AUDIT.c.seq == anchor.seq))

        assert (await verify(session)).ok  # a shorter chain is still a chain
        report = await verify(session, anchor=anchor)
        assert (report.first_broken_seq, report.reason) == (anchor.seq, ChainBreak.TRUNCATED)

    async def test_a_forged_record_spliced_in_breaks_the_chain_after_it(
        self, session: AsyncSession, now: datetime
    ) -> None:
        seqs = await self.chain_of_three(session, now)
        rows = {r["seq"]: r for r in await rows_after(session, ChainHead(seqs[0] - 1, ""))}
        # The forger knows the algorithm and links the forgery to its real predecessor.
        forged_fields = {**rows[seqs[0]], "action": "release.approve", "entity_id": "forged"}
        (forged,) = link([forged_fields], ChainHead(seqs[0], rows[seqs[0]]["hash"]))

        await as_superuser(
            session,
            # Make room after the first record: shift the rest up by one (via negatives,
            # because PostgreSQL checks the primary key row by row).
            update(AUDIT).where(AUDIT.c.seq > seqs[0]).values(seq=-AUDIT.c.seq),
            update(AUDIT).where(AUDIT.c.seq < 0).values(seq=-AUDIT.c.seq + 1),
            insert(AUDIT).values(forged),
        )

        report = await verify(session)
        assert (report.first_broken_seq, report.reason) == (
            seqs[1] + 1,
            ChainBreak.PREV_HASH_MISMATCH,
        )

    async def test_a_forged_record_with_an_invented_hash_is_caught(
        self, session: AsyncSession, now: datetime
    ) -> None:
        seqs = await self.chain_of_three(session, now)
        (last,) = await rows_after(session, ChainHead(seqs[2] - 1, ""))
        forged = {**last, "seq": last["seq"] + 1, "prev_hash": last["hash"], "hash": "a" * 64}

        await session.execute(insert(AUDIT).values(forged))  # INSERT is what the trail allows

        report = await verify(session)
        assert (report.first_broken_seq, report.reason) == (
            seqs[2] + 1,
            ChainBreak.HASH_MISMATCH,
        )

    async def test_two_records_with_swapped_seqs_break_the_chain_at_the_first(
        self, session: AsyncSession, now: datetime
    ) -> None:
        seqs = await self.chain_of_three(session, now)

        await as_superuser(
            session,
            update(AUDIT).where(AUDIT.c.seq == seqs[0]).values(seq=-seqs[0]),
            update(AUDIT).where(AUDIT.c.seq == seqs[2]).values(seq=seqs[0]),
            update(AUDIT).where(AUDIT.c.seq == -seqs[0]).values(seq=seqs[2]),
        )

        report = await verify(session)
        assert (report.first_broken_seq, report.reason) == (
            seqs[0],
            ChainBreak.PREV_HASH_MISMATCH,
        )


# -- reading, within permission --------------------------------------------------------------


class TestVerifyingNeedsOrgWideRead:
    async def test_a_reader_in_one_bu_may_not_verify_the_whole_trail(
        self, session: AsyncSession, now: datetime
    ) -> None:
        uow = uow_at(session, at=now, authorizer=Grants({Action.READ: [uuid.uuid4()]}))
        with pytest.raises(Forbidden):
            await verify_audit_trail(uow)

    async def test_an_org_wide_reader_may(self, session: AsyncSession, now: datetime) -> None:
        uow = uow_at(session, at=now, authorizer=Grants({Action.READ: [None]}))
        assert (await verify_audit_trail(uow)).ok


class TestListingTheTrail:
    async def test_pages_follow_the_seq_order(self, session: AsyncSession, now: datetime) -> None:
        start = await repo.head(session)
        await record_changes(session, 5, at=now)
        uow = uow_at(session, at=now)
        after = None if start is None else start.seq

        seen: list[int] = []
        while True:
            page = await audit_records(uow, first=2, after_seq=after)
            seen += [r.seq for r in page.records]
            if not page.has_next:
                break
            after = page.records[-1].seq

        first_seq = 1 if start is None else start.seq + 1
        assert seen == list(range(first_seq, first_seq + 5))

    async def test_a_bu_reader_sees_only_its_bus_records(
        self, session: AsyncSession, now: datetime
    ) -> None:
        start = await repo.head(session)
        mine, theirs = uuid.uuid4(), uuid.uuid4()
        await record_changes(session, 2, at=now, bu_id=mine)
        await record_changes(session, 2, at=now, bu_id=theirs)
        await record_changes(session, 1, at=now, bu_id=None)
        uow = uow_at(session, at=now, authorizer=Grants({Action.READ: [mine]}))
        after = None if start is None else start.seq

        page = await audit_records(uow, first=50, after_seq=after)
        asked_for_theirs = await audit_records(
            uow, AuditFilter(bu_id=theirs), first=50, after_seq=after
        )

        assert [r.bu_id for r in page.records] == [mine, mine]
        assert asked_for_theirs.records == []

    async def test_an_actor_without_read_is_refused(
        self, session: AsyncSession, now: datetime
    ) -> None:
        uow = uow_at(session, at=now, authorizer=Grants({Action.EXPORT: [None]}))
        with pytest.raises(Forbidden):
            await audit_records(uow)

    async def test_filters_narrow_by_actor_entity_and_time(
        self, session: AsyncSession, now: datetime
    ) -> None:
        start = await repo.head(session)
        other = Actor(person_id=None, username="ci", display_name="CI", subjects=("ci",))
        await record_changes(session, 1, at=now, entity_id="rel-a")
        await record_changes(session, 1, at=now + timedelta(hours=1), entity_id="rel-b")
        await record_changes(session, 1, at=now + timedelta(hours=2), actor=other)
        uow = uow_at(session, at=now)
        after = None if start is None else start.seq

        async def entity_ids(where: AuditFilter) -> list[str]:
            page = await audit_records(uow, where, first=50, after_seq=after)
            return [r.entity_id for r in page.records]

        assert await entity_ids(AuditFilter(entity_type="release", entity_id="rel-b")) == ["rel-b"]
        assert await entity_ids(
            AuditFilter(occurred_from=now, occurred_before=now + timedelta(hours=1))
        ) == ["rel-a"]
        assert len(await entity_ids(AuditFilter(actor_subject="ci"))) == 1
        assert await repo.count_records(session, AuditFilter(actor_subject="ci")) >= 1

    @pytest.mark.parametrize(
        "where",
        [
            AuditFilter(occurred_from=datetime(2026, 1, 1)),
            AuditFilter(
                occurred_from=datetime(2026, 2, 1, tzinfo=UTC),
                occurred_before=datetime(2026, 1, 1, tzinfo=UTC),
            ),
        ],
        ids=["naive", "inverted"],
    )
    async def test_a_time_range_must_be_aware_and_ordered(
        self, session: AsyncSession, now: datetime, where: AuditFilter
    ) -> None:
        with pytest.raises(DomainError) as refused:
            await audit_records(uow_at(session, at=now), where)
        assert refused.value.code == "INVALID_TIME_RANGE"

    async def test_a_page_size_out_of_range_is_refused(
        self, session: AsyncSession, now: datetime
    ) -> None:
        with pytest.raises(DomainError):
            await audit_records(uow_at(session, at=now), first=10_000)
