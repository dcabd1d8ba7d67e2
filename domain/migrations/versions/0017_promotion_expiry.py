"""promotions expire while waiting

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("promotions") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_promotions_status_expires_at", "promotions", ["status", "expires_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_promotions_status_expires_at", table_name="promotions")
    with op.batch_alter_table("promotions") as batch:
        batch.drop_column("expires_at")
