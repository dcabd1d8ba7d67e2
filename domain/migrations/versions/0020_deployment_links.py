"""a deployment's promotion link and unauthorized change are found by the deployment

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_promotion_links_deployment_id", "promotion_links", ["deployment_id"], unique=False
    )
    op.create_index(
        "ix_unauthorized_changes_deployment_id",
        "unauthorized_changes",
        ["deployment_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_unauthorized_changes_deployment_id", table_name="unauthorized_changes")
    op.drop_index("ix_promotion_links_deployment_id", table_name="promotion_links")
