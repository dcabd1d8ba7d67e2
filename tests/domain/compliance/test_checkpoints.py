"""Signed checkpoints catch what the chain alone cannot: a re-hashed edit and a cut tail.

Every test works relative to the head it finds (committed rows of other tests stay), on SQLite
and PostgreSQL, in a rolled-back transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import checkpoints, merkle
from domain.compliance import repository as repo
from domain.compliance.checkpoint_rules import Checkpoint, CheckpointSigner, parse_checkpoint
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.rules import ChainBreak, ChainReport
from domain.compliance.service import verify_audit_trail
from domain.kernel.access import Action
from domain.kernel.errors import DomainError, Forbidden
from domain.kernel.outbox import OutboxMessage
from tests.domain.compliance.audit_support import cut_tail, rewrite_from
from tests.domain.compliance.test_audit_trail import record_changes, uow_at
from tests.world import Grants

SIGNER = CheckpointSigner(Ed25519PrivateKey.generate())
OTHER = CheckpointSigner(Ed25519PrivateKey.generate())


async def checkpoint(
    session: AsyncSession, now: datetime, last: Checkpoint | None = None
) -> Checkpoint:
    return await checkpoints.take_checkpoint(uow_at(session, at=now), SIGNER, last)


async def verify(session: AsyncSession, now: datetime, *found: Checkpoint) -> ChainReport:
    return await checkpoints.verify_against_checkpoints(
        uow_at(session, at=now), found, SIGNER.public
    )


async def all_leaves(session: AsyncSession) -> list[bytes]:
    return [merkle.record_leaf(r["hash"]) async for r in repo.stream_records(session)]


class TestACheckpointSignsTheHeadAndTheMerkleRoot:
    async def test_it_names_the_last_record_and_the_root_of_them_all(
        self, session: AsyncSession, now: datetime
    ) -> None:
        await record_changes(session, 3, at=now)
        head = await repo.head(session)
        assert head is not None

        taken = await checkpoint(session, now)

        assert (taken.tree_size, taken.head_hash) == (head.seq, head.hash)
        assert taken.root == merkle.root_of(await all_leaves(session)).hex()
        assert taken.key_id == SIGNER.public.key_id
        SIGNER.public.check(taken)

    async def test_the_next_one_continues_from_the_last_ones_frontier(
        self, session: AsyncSession, now: datetime
    ) -> None:
        await record_changes(session, 2, at=now)
        first = await checkpoint(session, now)
        await record_changes(session, 5, at=now + timedelta(minutes=1))

        second = await checkpoint(session, now + timedelta(minutes=1), first)

        assert second.tree_size == first.tree_size + 5
        assert second.root == merkle.root_of(await all_leaves(session)).hex()
        assert second.issued_at == "2026-11-27T09:01:00.000000Z"

    async def test_its_json_reads_back_as_the_same_checkpoint(
        self, session: AsyncSession, now: datetime
    ) -> None:
        taken = await checkpoint(session, now)
        assert parse_checkpoint(taken.as_json()) == taken
        assert parse_checkpoint(taken.as_json()).usable_frontier() is not None

    async def test_only_org_wide_readers_of_the_trail_take_one(
        self, session: AsyncSession, now: datetime
    ) -> None:
        bu_auditor = Grants({Action.READ: {uuid.uuid4()}})
        uow = uow_at(session, at=now, authorizer=bu_auditor)
        with pytest.raises(Forbidden):
            await checkpoints.take_checkpoint(uow, SIGNER)


class TestAFreshOrUntouchedTrailVerifiesIntact:
    async def test_against_its_own_checkpoints(self, session: AsyncSession, now: datetime) -> None:
        first = await checkpoint(session, now)
        await record_changes(session, 2, at=now)
        second = await checkpoint(session, now, first)
        await record_changes(session, 1, at=now)  # records after the last checkpoint are fine

        report = await verify(session, now, first, second)

        assert report.ok, report


class TestAReHashedEditIsDetected:
    async def test_the_chain_alone_is_fooled_but_the_checkpoint_is_not(
        self, session: AsyncSession, now: datetime
    ) -> None:
        await record_changes(session, 5, at=now)
        taken = await checkpoint(session, now)
        await record_changes(session, 2, at=now)

        await rewrite_from(session, taken.tree_size - 3, actor_username="mallory")

        assert (await verify_audit_trail(uow_at(session, at=now))).ok  # whole again
        report = await verify(session, now, taken)
        assert not report.ok
        assert (report.first_broken_seq, report.reason) == (
            taken.tree_size,
            ChainBreak.ANCHOR_MISMATCH,
        )

    async def test_no_new_checkpoint_is_signed_over_it(
        self, session: AsyncSession, now: datetime
    ) -> None:
        await record_changes(session, 4, at=now)
        taken = await checkpoint(session, now)
        await rewrite_from(session, taken.tree_size - 1, action="release.reject")

        with pytest.raises(DomainError) as refused:
            await checkpoint(session, now, taken)
        assert refused.value.code == Code.AUDIT_TRAIL_BROKEN
        assert f"record {taken.tree_size}" in refused.value.message


class TestATruncatedTailIsDetected:
    async def test_records_cut_from_the_end(self, session: AsyncSession, now: datetime) -> None:
        await record_changes(session, 10, at=now)
        taken = await checkpoint(session, now)

        await cut_tail(session, 10)

        assert (await verify_audit_trail(uow_at(session, at=now))).ok  # a shorter chain
        report = await verify(session, now, taken)
        assert (report.ok, report.reason) == (False, ChainBreak.TRUNCATED)
        assert report.first_broken_seq == taken.tree_size - 9

    async def test_records_cut_and_the_trail_grown_back_past_the_checkpoint(
        self, session: AsyncSession, now: datetime
    ) -> None:
        await record_changes(session, 3, at=now)
        taken = await checkpoint(session, now)
        await cut_tail(session, 3)
        await record_changes(session, 4, at=now)

        report = await verify(session, now, taken)

        assert (report.first_broken_seq, report.reason) == (
            taken.tree_size,
            ChainBreak.ANCHOR_MISMATCH,
        )
        with pytest.raises(DomainError, match="no checkpoint is signed"):
            await checkpoint(session, now, taken)


class TestACheckpointSignedWithAnotherKeyIsRefused:
    async def test_a_forgers_key(self, session: AsyncSession, now: datetime) -> None:
        forged = await checkpoints.take_checkpoint(uow_at(session, at=now), OTHER)

        with pytest.raises(DomainError, match="not this installation's key") as refused:
            await verify(session, now, forged)
        assert refused.value.code == Code.CHECKPOINT_SIGNATURE_INVALID

    async def test_an_altered_checkpoint(self, session: AsyncSession, now: datetime) -> None:
        await record_changes(session, 2, at=now)
        taken = await checkpoint(session, now)
        shortened = replace(taken, tree_size=taken.tree_size - 1)

        with pytest.raises(DomainError, match="altered or forged") as refused:
            await verify(session, now, shortened)
        assert refused.value.code == Code.CHECKPOINT_SIGNATURE_INVALID

    async def test_nor_is_one_continued_from(self, session: AsyncSession, now: datetime) -> None:
        forged = await checkpoints.take_checkpoint(uow_at(session, at=now), OTHER)
        with pytest.raises(DomainError, match="not this installation's key"):
            await checkpoint(session, now, forged)


class TestWitnessesAreSentEveryCheckpoint:
    async def test_through_the_outbox_topic(self, session: AsyncSession, now: datetime) -> None:
        taken = await checkpoint(session, now)

        await checkpoints.publish_checkpoint(uow_at(session, at=now), taken)

        # Other tests' checkpoints may share the database: this one's message is found by its
        # signature, exactly once.
        sent = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.topic == checkpoints.WITNESS_TOPIC)
            )
        ).all()
        ours = [
            m
            for m in sent
            if m.payload.get("forms", {}).get(checkpoints.WITNESS_TOPIC, {}).get("signature")
            == taken.signature
        ]
        assert len(ours) == 1
        message = ours[0]
        body = message.payload["forms"][checkpoints.WITNESS_TOPIC]
        assert "frontier" not in body
        assert message.destination is None and message.bu_id is None
