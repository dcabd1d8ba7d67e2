"""`signalbox audit`: export (filters to JSON Lines on a file or stdout, and the latest signed
checkpoint next to the file), verify (against the checkpoint log) and checkpoint (sign now)."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from api.audit_checkpoints import CheckpointLog, key_path, load_signer, log_path
from api.runtime import Runtime
from api.settings import Settings
from domain.compliance import checkpoints
from domain.compliance import service as compliance
from domain.compliance.checkpoint_rules import CheckpointKey
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.repository import AuditFilter
from domain.compliance.rules import ChainReport
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization import repository as org_repo


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


async def export(
    runtime: Runtime,
    since: datetime | None,
    until: datetime | None,
    bu_key: str | None,
    actor: str | None,
    entity: str | None,
    output: Path | None,
) -> int:
    async with runtime.db.read_session() as s:
        bu_id = await org_repo.bu_id_by_key(s, bu_key) if bu_key else None
        if bu_key and bu_id is None:
            raise click.ClickException(f"No business unit {bu_key!r}.")
        person = await org_repo.person_by_username(s, actor) if actor else None
        if actor and person is None:
            raise click.ClickException(f"No user {actor!r}.")
    entity_type, _, entity_id = (entity or "").partition(":")
    where = AuditFilter(
        occurred_from=_utc(since),
        occurred_before=_utc(until),
        bu_id=bu_id,
        actor_subject=f"person:{person.id}" if person else None,
        entity_type=entity_type or None,
        entity_id=entity_id or None,
    )
    count = 0
    sink = output.open("wb") if output else sys.stdout.buffer
    try:
        async with runtime.system_unit_of_work() as uow:
            async for line in compliance.export_audit_trail(uow, where):
                sink.write(line)
                count += 1
    finally:
        if output:
            sink.close()
        else:
            sink.flush()
    click.echo(f"exported {count} records", err=True)
    if output:
        _write_checkpoint(runtime, output.with_name(output.name + ".checkpoint.json"))
    return count


def _write_checkpoint(runtime: Runtime, path: Path) -> None:
    """The latest signed checkpoint, for `verify_export.py --checkpoint`."""
    found = CheckpointLog(log_path(runtime.settings)).all()
    if not found:
        click.echo("no signed checkpoint yet: the export carries none", err=True)
        return
    latest = max(found, key=lambda cp: cp.tree_size)
    path.write_text(json.dumps(latest.as_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    click.echo(f"latest checkpoint (record {latest.tree_size}) in {path}", err=True)


# -- signed checkpoints ----------------------------------------------------------------------


def verification_key(settings: Settings, public_key: str | None) -> CheckpointKey | None:
    """The key checkpoints must be signed with: given, else the signing key's public half."""
    if public_key:
        return CheckpointKey.from_base64(public_key)
    if not key_path(settings).exists():
        return None
    return load_signer(settings).public


async def verify(runtime: Runtime, source: Path | None, public_key: str | None) -> ChainReport:
    async with runtime.system_unit_of_work() as uow:
        return await verify_with_log(uow, runtime.settings, source, public_key)


async def verify_with_log(
    uow: UnitOfWork, settings: Settings, source: Path | None, public_key: str | None
) -> ChainReport:
    """Verify the chain against every checkpoint of `source` (default: the checkpoint log)."""
    path = source or log_path(settings)
    found = CheckpointLog(path).all()
    if not found:
        click.echo(
            f"warning: no signed checkpoint in {path}: a re-hashed or truncated trail cannot "
            "be detected (run `signalbox audit checkpoint`)",
            err=True,
        )
        return await compliance.verify_audit_trail(uow)
    key = verification_key(settings, public_key)
    if key is None:
        raise DomainError(
            f"No checkpoint key at {key_path(settings)}; give --public-key.",
            code=Code.CHECKPOINT_SIGNATURE_INVALID,
        )
    report = await checkpoints.verify_against_checkpoints(uow, found, key)
    latest = max(found, key=lambda cp: cp.tree_size)
    if report.ok:
        click.echo(
            f"{len(found)} signed checkpoint(s) hold, the latest at record {latest.tree_size} "
            f"({latest.issued_at}, key {latest.key_id})"
        )
    return report


async def checkpoint(runtime: Runtime) -> str:
    taken = await runtime.checkpointer.checkpoint()
    assert taken is not None  # forced
    return (
        f"checkpoint signed: {taken.tree_size} records, head {taken.head_hash}, "
        f"root {taken.root}, key {taken.key_id} ({runtime.checkpointer.signer.public.base64}); "
        f"appended to {runtime.checkpointer.log.path}"
    )
