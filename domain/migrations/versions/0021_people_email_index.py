"""people are found by e-mail address (`signalbox users create` refuses one already known)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_people_email", "people", ["email"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_people_email", table_name="people")
