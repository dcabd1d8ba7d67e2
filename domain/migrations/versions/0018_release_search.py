"""indexes of the release search: planned window, planned start and title per BU

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_releases_planned_start_planned_end": ["planned_start", "planned_end"],
    "ix_releases_bu_id_planned_start": ["bu_id", "planned_start"],
    "ix_releases_bu_id_title": ["bu_id", "title"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "releases", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="releases")
