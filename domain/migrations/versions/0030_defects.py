"""post-release defects, classified, and the defect patterns detected per period

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "defects",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("component", sa.String(length=100), nullable=False),
        sa.Column("change_type", sa.String(length=32), nullable=False),
        sa.Column("root_cause", sa.String(length=32), nullable=False),
        sa.Column("escaped_layer", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("release_id", sa.Uuid(), nullable=True),
        sa.Column("deployment_report_id", sa.Uuid(), nullable=True),
        _ts("found_at"),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("defects", "bu_id", "business_units"),
        _fk("defects", "service_id", "services"),
        _fk("defects", "release_id", "releases"),
        _fk("defects", "deployment_report_id", "deployment_reports"),
        _fk("defects", "recorded_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defects")),
    )
    op.create_index("ix_defects_bu_id_found_at", "defects", ["bu_id", "found_at"])
    op.create_index("ix_defects_service_id_found_at", "defects", ["service_id", "found_at"])
    op.create_index("ix_defects_source_kind_source_id", "defects", ["source_kind", "source_id"])
    op.create_table(
        "defect_patterns",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        _ts("period_start"),
        _ts("period_end"),
        sa.Column("item_type", sa.String(length=32), nullable=False),
        sa.Column("defects", sa.Integer(), nullable=False),
        sa.Column("rate", sa.Float(), nullable=True),
        sa.Column("previous_rate", sa.Float(), nullable=True),
        sa.Column("summary", sa.String(length=300), nullable=False),
        _ts("detected_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("defect_patterns", "bu_id", "business_units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_defect_patterns")),
        sa.UniqueConstraint(
            "bu_id",
            "kind",
            "subject",
            "period_start",
            name=op.f("uq_defect_patterns_bu_id_kind_subject_period_start"),
        ),
    )
    op.create_index(
        "ix_defect_patterns_bu_id_detected_at", "defect_patterns", ["bu_id", "detected_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_defect_patterns_bu_id_detected_at", table_name="defect_patterns")
    op.drop_table("defect_patterns")
    op.drop_index("ix_defects_source_kind_source_id", table_name="defects")
    op.drop_index("ix_defects_service_id_found_at", table_name="defects")
    op.drop_index("ix_defects_bu_id_found_at", table_name="defects")
    op.drop_table("defects")
