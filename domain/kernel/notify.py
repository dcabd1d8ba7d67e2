"""PostgreSQL NOTIFY inside the caller's transaction: delivered on commit, never on rollback."""

from __future__ import annotations

from typing import Final

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

GRANTS_CHANNEL: Final = "signalbox_authz"
"""Payload: the authorization subject whose grants changed (every process LISTENs)."""

LIVE_CHANNEL: Final = "signalbox_live"
"""Payload: the live topic whose viewers must re-read it, `go_no_go:<session id>` (api/live.py)."""

MAX_PAYLOAD_BYTES: Final = 7999  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more


async def notify_on_commit(
    session_or_connection: AsyncSession | AsyncConnection, channel: str, payload: str
) -> bool:
    """Queue a notification for other processes; False (nothing sent) on SQLite, one process."""
    if not payload or len(payload.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"Not a payload to notify: {payload!r}.")
    if isinstance(session_or_connection, AsyncSession):
        dialect = session_or_connection.get_bind().dialect.name
    else:
        dialect = session_or_connection.dialect.name
    if dialect != "postgresql":
        return False
    await session_or_connection.execute(
        text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload}
    )
    return True
