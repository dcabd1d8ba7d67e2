"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

import domain.models
from domain.migrations import head_revisions


class TestMigrationsAgreeWithModels:
    async def test_no_difference_after_migrating_to_head(self, migrated_url: str) -> None:
        engine = create_async_engine(migrated_url)
        try:
            async with engine.connect() as conn:

                def diff(sync_conn: Any) -> list[Any]:
                    ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                    assert frozenset(ctx.get_current_heads()) == head_revisions()
                    return compare_metadata(ctx, domain.models.Base.metadata)

                differences = await conn.run_sync(diff)
        finally:
            await engine.dispose()
        assert differences == []
