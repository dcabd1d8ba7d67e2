"""Alembic migrations, shipped in the package and run the same way on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.kernel.db import ensure_sqlite_directory

HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Migrate the database at `url` (blocking; runs its own event loop)."""
    ensure_sqlite_directory(url)
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "heads") -> None:
    await asyncio.to_thread(upgrade, url, revision)


def head_revisions() -> frozenset[str]:
    """The heads of the migration graph (one, except while branches await their merge)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return frozenset(script.get_heads())


async def current_revisions(engine: AsyncEngine) -> frozenset[str]:
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync_conn: frozenset(MigrationContext.configure(sync_conn).get_current_heads())
        )
