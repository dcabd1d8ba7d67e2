"""a release records the release it was cloned from

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("releases") as batch:
        batch.add_column(sa.Column("cloned_from_id", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_releases_cloned_from_id_releases"), "releases", ["cloned_from_id"], ["id"]
        )
    op.create_index("ix_releases_cloned_from_id", "releases", ["cloned_from_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_releases_cloned_from_id", table_name="releases")
    with op.batch_alter_table("releases") as batch:
        batch.drop_constraint(op.f("fk_releases_cloned_from_id_releases"), type_="foreignkey")
        batch.drop_column("cloned_from_id")
