"""Tampering with the audit trail as someone with write access to the database would."""

from __future__ import annotations

from typing import cast

import pytest
from sqlalchemy import Table, delete, insert, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from domain.compliance import repository as repo
from domain.compliance.models import AuditRecord
from domain.compliance.rules import ChainHead, link

AUDIT = cast(Table, AuditRecord.__table__)

DISABLE_TRIGGERS = {
    "postgresql": ("ALTER TABLE audit_records DISABLE TRIGGER USER",),
    "sqlite": (
        "DROP TRIGGER audit_records_no_update",
        "DROP TRIGGER audit_records_no_delete",
    ),
}


async def as_superuser(session: AsyncSession, *statements: Executable) -> None:
    """Tamper as someone with direct write access to the database would.

    The append-only trigger refuses first; whoever may write the database can switch it off
    (PostgreSQL) or drop it (SQLite), which the rolled-back test transaction undoes.
    """
    if not session.info.get("audit_triggers_off"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with session.begin_nested():
                await session.execute(statements[0])
        for sql in DISABLE_TRIGGERS[session.get_bind().dialect.name]:
            await session.execute(text(sql))
        session.info["audit_triggers_off"] = True
    for statement in statements:
        await session.execute(statement)


async def rewrite_from(session: AsyncSession, seq: int, **changes: object) -> None:
    """Edit record `seq` and re-hash it and every record after it: a chain that is whole again."""
    before = await repo.hash_at(session, seq - 1)
    assert before is not None, "rewrite_from needs a record before the edited one"
    rows = [row async for row in repo.stream_records(session, after_seq=seq - 1)]
    rows[0] = {**rows[0], **changes}
    fields = [
        {k: v for k, v in row.items() if k not in ("seq", "prev_hash", "hash")} for row in rows
    ]
    relinked = link(fields, ChainHead(seq - 1, before))
    await as_superuser(
        session, delete(AUDIT).where(AUDIT.c.seq >= seq), insert(AUDIT).values(relinked)
    )


async def cut_tail(session: AsyncSession, count: int) -> None:
    """Delete the last `count` records."""
    head = await repo.head(session)
    assert head is not None and head.seq >= count
    await as_superuser(session, delete(AUDIT).where(AUDIT.c.seq > head.seq - count))
