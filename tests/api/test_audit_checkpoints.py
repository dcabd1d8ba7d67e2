"""Checkpoints outside the database: the key and the log in the data directory, the witness file,
`signalbox audit verify`'s check against the log, and the standalone verifier given a checkpoint.

On SQLite and PostgreSQL, each in a rolled-back transaction; the CLI's own command line is
exercised on a fresh SQLite file in test_cli.py.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import os
import stat
from collections.abc import Awaitable, Callable
from contextlib import redirect_stdout
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from api.audit_checkpoints import (
    Checkpointer,
    CheckpointKeyError,
    CheckpointLog,
    key_path,
    load_signer,
)
from api.audit_cli import verify_with_log
from api.settings import Settings
from api.units import Units
from domain.compliance import checkpoints, verify_export
from domain.compliance.checkpoint_rules import Checkpoint, CheckpointSigner
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.rules import ChainBreak, ChainReport
from domain.compliance.service import export_audit_trail
from domain.kernel.clock import FixedClock
from domain.kernel.db import Database
from domain.kernel.errors import DomainError
from tests.domain.compliance.audit_support import cut_tail, rewrite_from
from tests.domain.compliance.test_audit_trail import record_changes, uow_at
from tests.world.authorizers import AllowAll


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", env="test", **overrides)


@pytest.fixture
def units(database: Database, now: datetime) -> Units:
    """Real units of work; the tests hand the checkpointer their own, over the test session."""
    return Units(database, FixedClock(now), AllowAll())


async def take(session: AsyncSession, now: datetime, checkpointer: Checkpointer) -> Checkpoint:
    taken = await checkpointer.checkpoint_in(uow_at(session, at=now))
    assert taken is not None
    return taken


async def cli_verify(session: AsyncSession, now: datetime, s: Settings) -> ChainReport:
    return await verify_with_log(uow_at(session, at=now), s, None, None)


async def standalone(
    session: AsyncSession, now: datetime, tmp_path: Path, checkpoint_file: Path, key: str
) -> tuple[int, str]:
    export = tmp_path / "export.jsonl"
    export.write_bytes(
        b"".join([line async for line in export_audit_trail(uow_at(session, at=now))])
    )
    out = io.StringIO()
    with redirect_stdout(out):
        code = verify_export.main(
            ["--checkpoint", str(checkpoint_file), "--public-key", key, str(export)]
        )
    return code, out.getvalue()


class TestTheKeyAndTheLogLiveInTheDataDirectory:
    async def test_a_checkpoint_is_appended_and_sent_to_the_witness_file(
        self, session: AsyncSession, now: datetime, tmp_path: Path, units: Units
    ) -> None:
        s = settings(tmp_path, audit_witness_file=tmp_path / "witness.jsonl")
        checkpointer = Checkpointer(s, units)
        await record_changes(session, 2, at=now)

        first = await take(session, now, checkpointer)
        again = await checkpointer.checkpoint_in(uow_at(session, at=now), force=False)

        assert again is None  # the head has not moved
        assert checkpointer.log.all() == [first] and checkpointer.log.latest() == first
        witnessed = (tmp_path / "witness.jsonl").read_text().splitlines()
        assert [json.loads(line)["signature"] for line in witnessed] == [first.signature]
        for path in (key_path(s), checkpointer.log.path, tmp_path / "witness.jsonl"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path

    async def test_a_key_file_others_may_read_is_refused(self, tmp_path: Path) -> None:
        s = settings(tmp_path)
        load_signer(s)
        os.chmod(key_path(s), 0o644)
        with pytest.raises(CheckpointKeyError, match="readable by other users"):
            load_signer(s)

    async def test_a_configured_key_file_signs_instead(self, tmp_path: Path) -> None:
        made = settings(tmp_path / "elsewhere")
        load_signer(made)
        s = settings(tmp_path, audit_checkpoint_key_file=key_path(made))
        assert load_signer(s).public.key_id == load_signer(made).public.key_id
        assert not (tmp_path / "data" / "audit-checkpoint-key.pem").exists()


class TestVerifyReadsTheCheckpointLogByDefault:
    async def test_an_untouched_trail_is_intact(
        self, session: AsyncSession, now: datetime, tmp_path: Path, units: Units
    ) -> None:
        s = settings(tmp_path)
        await take(session, now, Checkpointer(s, units))
        await record_changes(session, 1, at=now)
        assert (await cli_verify(session, now, s)).ok

    @pytest.mark.parametrize(
        "tamper, reason",
        [
            (
                lambda s, size: rewrite_from(s, size - 2, actor_username="mallory"),
                "ANCHOR_MISMATCH",
            ),
            (lambda s, size: cut_tail(s, 10), "TRUNCATED"),
        ],
        ids=["rehashed edit", "truncated tail"],
    )
    async def test_a_tampered_trail_is_broken(
        self,
        session: AsyncSession,
        now: datetime,
        tmp_path: Path,
        units: Units,
        tamper: Callable[[AsyncSession, int], Awaitable[None]],
        reason: str,
    ) -> None:
        s = settings(tmp_path)
        await record_changes(session, 10, at=now)
        taken = await take(session, now, Checkpointer(s, units))
        await tamper(session, taken.tree_size)

        report = await cli_verify(session, now, s)

        assert (report.ok, report.reason) == (False, ChainBreak(reason))

    async def test_a_log_signed_with_another_key_is_refused(
        self, session: AsyncSession, now: datetime, tmp_path: Path
    ) -> None:
        s = settings(tmp_path)
        load_signer(s)
        forger = CheckpointSigner(Ed25519PrivateKey.generate())
        forged = await checkpoints.take_checkpoint(uow_at(session, at=now), forger)
        async with CheckpointLog(tmp_path / "data" / "audit-checkpoints.jsonl").locked() as log:
            CheckpointLog.append(log, forged)

        with pytest.raises(DomainError) as refused:
            await cli_verify(session, now, s)
        assert refused.value.code == Code.CHECKPOINT_SIGNATURE_INVALID


class TestTheStandaloneVerifierTakesACheckpoint:
    async def test_intact_then_rehashed_then_truncated(
        self, session: AsyncSession, now: datetime, tmp_path: Path, units: Units
    ) -> None:
        s = settings(tmp_path)
        checkpointer = Checkpointer(s, units)
        await record_changes(session, 10, at=now)
        taken = await take(session, now, checkpointer)
        key = checkpointer.signer.public.base64
        log = checkpointer.log.path

        assert (await standalone(session, now, tmp_path, log, key))[0] == 0

        await rewrite_from(session, taken.tree_size - 5, rule="p, engineer, *, release, update")
        code, out = await standalone(session, now, tmp_path, log, key)
        assert code == 1 and f"BROKEN at seq {taken.tree_size}" in out and "ANCHOR_MISMATCH" in out

        await cut_tail(session, 3)
        code, out = await standalone(session, now, tmp_path, log, key)
        assert code == 1 and "TRUNCATED" in out

    async def test_a_checkpoint_signed_with_another_key_is_refused(
        self, session: AsyncSession, now: datetime, tmp_path: Path, units: Units
    ) -> None:
        checkpointer = Checkpointer(settings(tmp_path), units)
        await take(session, now, checkpointer)
        other = base64.b64encode(
            Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        ).decode()

        code, out = await standalone(session, now, tmp_path, checkpointer.log.path, other)

        assert code == 1 and "CHECKPOINT REFUSED" in out and "signed with key" in out


class TestTheServerCheckpointsInTheBackground:
    async def test_a_started_checkpointer_writes_the_log_on_its_own(
        self, units: Units, tmp_path: Path
    ) -> None:
        checkpointer = Checkpointer(settings(tmp_path, audit_checkpoint_seconds=0.05), units)
        checkpointer.start()
        try:
            for _ in range(600):  # up to a minute on a busy machine
                if checkpointer.log.latest() is not None:
                    break
                await asyncio.sleep(0.1)
        finally:
            await checkpointer.stop()
        latest = checkpointer.log.latest()
        assert latest is not None, "no checkpoint was written in the background"
        checkpointer.signer.public.check(latest)
