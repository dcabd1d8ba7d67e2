"""insights: indexes for the value stream's reads (a reported deployment's promotion link,
the staging deployments of an artifact)

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07

Issue 18 (cycle time and the value stream). No table: the value stream is computed from the
lower contexts' records.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_promotion_links_deployment_report_id",
        "promotion_links",
        ["deployment_report_id"],
        unique=False,
    )
    op.create_index(
        "ix_deployment_reports_artifact_id", "deployment_reports", ["artifact_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_deployment_reports_artifact_id", table_name="deployment_reports")
    op.drop_index("ix_promotion_links_deployment_report_id", table_name="promotion_links")
