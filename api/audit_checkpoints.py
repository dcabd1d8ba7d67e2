"""Signed checkpoints of the audit trail, outside the database: the signing key, the checkpoint
log, the witnesses, and the background task that takes one at least every minute.

- The key is an Ed25519 private key (PKCS#8 PEM), `SIGNALBOX_AUDIT_CHECKPOINT_KEY_FILE`, or by
  default `audit-checkpoint-key.pem` in the data directory next to the local issuer's key,
  created once, 0600; a key file others may read is refused.
- The log is JSON Lines, one checkpoint a line, appended under an exclusive file lock (processes
  serving together take turns), `SIGNALBOX_AUDIT_CHECKPOINT_LOG` or `audit-checkpoints.jsonl`
  in the data directory. `signalbox audit verify` reads it by default.
- Witnesses get every new checkpoint: the append-only file the operator names
  (`SIGNALBOX_AUDIT_WITNESS_FILE`), and the webhook subscriptions of topic `audit.checkpoint`
  through the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import stat
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from api.background import Periodic
from api.settings import Settings
from api.units import Units
from domain.compliance import checkpoints
from domain.compliance.checkpoint_rules import Checkpoint, CheckpointSigner, parse_checkpoint
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork

log = logging.getLogger("signalbox.audit.checkpoints")
KEY_FILE_NAME = "audit-checkpoint-key.pem"
LOG_FILE_NAME = "audit-checkpoints.jsonl"
TAIL_BYTES = 64 * 1024
LOCK_WAIT_SECONDS = 30.0


class CheckpointKeyError(Exception):
    """The checkpoint signing key cannot be used (unreadable, wrong kind, or exposed to others)."""


def key_path(settings: Settings) -> Path:
    return settings.audit_checkpoint_key_file or settings.data_dir / KEY_FILE_NAME


def log_path(settings: Settings) -> Path:
    return settings.audit_checkpoint_log or settings.data_dir / LOG_FILE_NAME


def load_signer(settings: Settings) -> CheckpointSigner:
    """The signer from the configured key file, or the data directory's key (created once)."""
    path = key_path(settings)
    if settings.audit_checkpoint_key_file is None:
        if settings.production:
            log.warning(
                "SIGNALBOX_AUDIT_CHECKPOINT_KEY_FILE is unset: checkpoints are signed "
                "with a key in the data directory"
            )
        _create_key_file(path)
    return CheckpointSigner(_read_key_file(path))


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first: everyone signs with that one
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())


def _read_key_file(path: Path) -> Ed25519PrivateKey:
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            raise CheckpointKeyError(f"{path} is readable by other users; chmod 600 it")
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise CheckpointKeyError(f"{path} cannot be read: {exc.strerror}") from None
    except ValueError:
        raise CheckpointKeyError(f"{path} does not hold a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointKeyError(f"{path} holds a key that is not Ed25519")
    return key


class CheckpointLog:
    """The append-only JSON Lines file of checkpoints, kept outside the database."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.asynccontextmanager
    async def locked(self) -> AsyncIterator[IO[bytes]]:
        """The log opened for appending, exclusively locked against other processes."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a+b") as handle:
            await _lock(handle, self.path)
            try:
                yield handle
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def all(self) -> list[Checkpoint]:
        """Every checkpoint in the log ([] when there is no log); a bad line is an error."""
        try:
            lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return []
        return [_parse(line, self.path, n) for n, line in enumerate(lines, 1) if line.strip()]

    def latest(self) -> Checkpoint | None:
        """The last checkpoint of the log (None when there is none), reading only its tail."""
        try:
            with self.path.open("rb") as handle:
                return self.last_in(handle)
        except FileNotFoundError:
            return None

    def last_in(self, handle: IO[bytes]) -> Checkpoint | None:
        """The last checkpoint of the open log, reading only its tail."""
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - TAIL_BYTES))
        lines = [line for line in handle.read().splitlines() if line.strip()]
        return _parse(lines[-1], self.path, None) if lines else None

    @staticmethod
    def append(handle: IO[bytes], checkpoint: Checkpoint) -> None:
        handle.write(_line(checkpoint))
        handle.flush()
        os.fsync(handle.fileno())


async def _lock(handle: IO[bytes], path: Path) -> None:
    """Take the log's lock, waiting (without blocking the loop) a bounded time for another
    process to finish its turn."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{path} stayed locked by another process") from None
            await asyncio.sleep(0.05)


def _line(checkpoint: Checkpoint) -> bytes:
    return json.dumps(checkpoint.as_json(), separators=(",", ":")).encode() + b"\n"


def _parse(line: bytes, path: Path, number: int | None) -> Checkpoint:
    try:
        document = json.loads(line)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        where = f"{path}" if number is None else f"{path}, line {number}"
        raise DomainError(f"{where} is not a checkpoint log line.", code=Code.CHECKPOINT_MALFORMED)
    return parse_checkpoint(document)


class Checkpointer:
    """Takes checkpoints: on demand, and in the background at least every `interval` seconds."""

    def __init__(self, settings: Settings, units: Units) -> None:
        self.settings = settings
        self.units = units
        self.log = CheckpointLog(log_path(settings))
        self._signer: CheckpointSigner | None = None
        self._periodic = Periodic(
            "signalbox-audit-checkpoints",
            settings.audit_checkpoint_seconds,
            self._round,
            log,
            wait_first=True,
        )
        self._turn = asyncio.Lock()  # one checkpoint at a time in this process

    @property
    def signer(self) -> CheckpointSigner:
        if self._signer is None:
            self._signer = load_signer(self.settings)
        return self._signer

    async def checkpoint(self, *, force: bool = True) -> Checkpoint | None:
        """Sign the head, append it to the log and hand it to the witnesses (one unit of work).

        Without `force`, nothing is written while the head has not moved since the last one.
        Raises DomainError (AUDIT_TRAIL_BROKEN) when the trail no longer continues the log.
        """
        async with self._turn:
            return await self.units.run(lambda uow: self.checkpoint_in(uow, force=force))

    async def checkpoint_in(self, uow: UnitOfWork, *, force: bool = True) -> Checkpoint | None:
        """`checkpoint` inside the caller's unit of work (which queues the webhook delivery)."""
        async with self.log.locked() as handle:
            last = self.log.last_in(handle)
            taken = await checkpoints.take_checkpoint(uow, self.signer, last)
            if not force and last is not None and taken.tree_size == last.tree_size:
                return None
            CheckpointLog.append(handle, taken)
        self._witness_file(taken)
        await checkpoints.publish_checkpoint(uow, taken)
        return taken

    def _witness_file(self, checkpoint: Checkpoint) -> None:
        path = self.settings.audit_witness_file
        if path is None:
            return
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "ab") as handle:
            handle.write(_line(checkpoint))
            handle.flush()
            os.fsync(handle.fileno())

    def start(self) -> None:
        if self.settings.audit_checkpoint_seconds > 0:
            self._periodic.start()

    async def stop(self) -> None:
        await self._periodic.stop()

    async def _round(self) -> None:
        try:
            await self.checkpoint(force=False)
        except DomainError as refusal:  # the trail no longer continues the log: say so loudly
            log.error("audit checkpoint refused: %s", refusal.message)
