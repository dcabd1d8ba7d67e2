"""Idempotent answers say how their body is kept: in clear, sealed, or withheld (a secret)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07

Answers that show a secret once (a new API token, a webhook secret, a calendar feed URL) are
sealed with SIGNALBOX_SECRET_KEY, or withheld when no key is configured. Stored answers predate
the canonical request digest and live a day at most: they are dropped rather than re-hashed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM idempotent_responses")
    with op.batch_alter_table("idempotent_responses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("keeping", sa.String(length=16), nullable=False, server_default="clear")
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotent_responses", schema=None) as batch_op:
        batch_op.drop_column("keeping")
