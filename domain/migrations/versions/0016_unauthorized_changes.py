"""production deployments linked to their promotions, and unauthorized changes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.sql.schema import SchemaItem

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _uuid(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Uuid(), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _deployment_columns(table: str) -> list[SchemaItem]:
    """What both tables say about the production deployment itself."""
    return [
        _uuid("bu_id"),
        _uuid("release_id", nullable=True),
        _uuid("service_id"),
        _uuid("environment_id"),
        sa.Column("artifact_version", sa.String(length=128), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        _uuid("deployment_id", nullable=True),
        _uuid("deployment_report_id", nullable=True),
        _uuid("id"),
        _fk(table, "bu_id", "business_units"),
        _fk(table, "release_id", "releases"),
        _fk(table, "service_id", "services"),
        _fk(table, "environment_id", "environments"),
        _fk(table, "deployment_id", "deployments"),
        _fk(table, "deployment_report_id", "deployment_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "promotion_links",
        *_deployment_columns("promotion_links"),
        _uuid("promotion_id"),
        sa.Column("named", sa.Boolean(), nullable=False),
        _ts("linked_at"),
        _fk("promotion_links", "promotion_id", "promotions"),
    )
    op.create_index("ix_promotion_links_release_id", "promotion_links", ["release_id"])
    op.create_index("ix_promotion_links_promotion_id", "promotion_links", ["promotion_id"])
    op.create_table(
        "unauthorized_changes",
        *_deployment_columns("unauthorized_changes"),
        _uuid("named_promotion_id", nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        _uuid("deployed_by_id", nullable=True),
        sa.Column("deployed_by", sa.String(length=200), nullable=False),
        _ts("detected_at"),
        sa.Column("alerted", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _uuid("reviewed_by_id", nullable=True),
        _ts("reviewed_at", nullable=True),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("unauthorized_changes", "named_promotion_id", "promotions"),
        _fk("unauthorized_changes", "deployed_by_id", "people"),
        _fk("unauthorized_changes", "reviewed_by_id", "people"),
    )
    op.create_index(
        "ix_unauthorized_changes_status_detected_at",
        "unauthorized_changes",
        ["status", "detected_at"],
    )
    op.create_index(
        "ix_unauthorized_changes_bu_id_detected_at",
        "unauthorized_changes",
        ["bu_id", "detected_at"],
    )
    op.create_index("ix_unauthorized_changes_release_id", "unauthorized_changes", ["release_id"])
    op.create_index(
        "ix_unauthorized_changes_service_id_environment_id",
        "unauthorized_changes",
        ["service_id", "environment_id", "artifact_version"],
    )


def downgrade() -> None:
    for name in (
        "ix_unauthorized_changes_service_id_environment_id",
        "ix_unauthorized_changes_release_id",
        "ix_unauthorized_changes_bu_id_detected_at",
        "ix_unauthorized_changes_status_detected_at",
    ):
        op.drop_index(name, table_name="unauthorized_changes")
    op.drop_table("unauthorized_changes")
    op.drop_index("ix_promotion_links_promotion_id", table_name="promotion_links")
    op.drop_index("ix_promotion_links_release_id", table_name="promotion_links")
    op.drop_table("promotion_links")
