"""team benchmarks: the change ledger read by time across every BU

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_change_ledger_at", "change_ledger", ["at"])
    op.create_index(
        "ix_change_ledger_incidents_created_at", "change_ledger_incidents", ["created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_change_ledger_incidents_created_at", table_name="change_ledger_incidents")
    op.drop_index("ix_change_ledger_at", table_name="change_ledger")
