"""insights: source changes (commits and pull requests per artifact version), the change ledger

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
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
        "source_commits",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("artifact_version", sa.String(length=128), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        _ts("authored_at"),
        _ts("committed_at"),
        sa.Column("pull_request", sa.String(length=200), nullable=True),
        _ts("pr_opened_at", True),
        _ts("first_review_at", True),
        _ts("approved_at", True),
        _ts("merged_at", True),
        _ts("recorded_at"),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("source_commits", "bu_id", "business_units"),
        _fk("source_commits", "service_id", "services"),
        _fk("source_commits", "recorded_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_commits")),
        sa.UniqueConstraint(
            "service_id",
            "artifact_version",
            "sha",
            name=op.f("uq_source_commits_service_id_artifact_version_sha"),
        ),
    )
    op.create_index(
        "ix_source_commits_bu_id_recorded_at", "source_commits", ["bu_id", "recorded_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_source_commits_bu_id_recorded_at", table_name="source_commits")
    op.drop_table("source_commits")
