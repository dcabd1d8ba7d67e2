"""`signalbox audit export`: filters from the command line to JSON Lines on a file or stdout."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from api.runtime import Runtime
from domain.compliance import service as compliance
from domain.compliance.repository import AuditFilter
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
    return count
