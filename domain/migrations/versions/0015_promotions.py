"""promotions and their approvals

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "promotions",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("environment_id", sa.Uuid(), nullable=False),
        sa.Column("release_id", sa.Uuid(), nullable=True),
        sa.Column("artifact_version", sa.String(length=128), nullable=False),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        _ts("decided_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("promotions", "bu_id", "business_units"),
        _fk("promotions", "service_id", "services"),
        _fk("promotions", "environment_id", "environments"),
        _fk("promotions", "release_id", "releases"),
        _fk("promotions", "requested_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotions")),
    )
    op.create_index(
        "ix_promotions_service_id_environment_id", "promotions", ["service_id", "environment_id"]
    )
    op.create_index("ix_promotions_bu_id_created_at", "promotions", ["bu_id", "created_at"])
    op.create_index("ix_promotions_release_id", "promotions", ["release_id"])
    op.create_table(
        "promotion_approvals",
        sa.Column("promotion_id", sa.Uuid(), nullable=False),
        sa.Column("approver_id", sa.Uuid(), nullable=False),
        _ts("approved_at"),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("promotion_approvals", "promotion_id", "promotions", ondelete="CASCADE"),
        _fk("promotion_approvals", "approver_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promotion_approvals")),
        sa.UniqueConstraint(
            "promotion_id",
            "approver_id",
            name=op.f("uq_promotion_approvals_promotion_id_approver_id"),
        ),
    )
    op.create_index(
        op.f("ix_promotion_approvals_promotion_id"), "promotion_approvals", ["promotion_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_promotion_approvals_promotion_id"), table_name="promotion_approvals")
    op.drop_table("promotion_approvals")
    op.drop_index("ix_promotions_release_id", table_name="promotions")
    op.drop_index("ix_promotions_bu_id_created_at", table_name="promotions")
    op.drop_index("ix_promotions_service_id_environment_id", table_name="promotions")
    op.drop_table("promotions")
