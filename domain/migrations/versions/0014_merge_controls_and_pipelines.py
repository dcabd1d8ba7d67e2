"""merge the guardrails, risk, compliance controls, vendors and pipelines branches; index
releases by creation for the bypass statistics

Revision ID: 0014
Revises: 0007, 0008, 0009, 0010, 0011, 0012, 0013
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = (
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_releases_bu_id_created_at", "releases", ["bu_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_releases_bu_id_created_at", table_name="releases")
