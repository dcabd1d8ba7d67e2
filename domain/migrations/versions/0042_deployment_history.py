"""deployment history imported from a CD tool: deployments marked imported (unique per service,
environment, version and finish), their commits' and pull requests' times, and the change
ledger's mark of imported changes

Revision ID: 0042
Revises: 0040
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0042"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONLY_IMPORTED = sa.text("imported")


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    for table in ("deployments", "change_ledger"):
        op.add_column(
            table,
            sa.Column("imported", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    op.create_index(
        "uq_deployments_imported_key",
        "deployments",
        ["service_id", "environment_id", "artifact_version", "finished_at"],
        unique=True,
        sqlite_where=ONLY_IMPORTED,
        postgresql_where=ONLY_IMPORTED,
    )
    t = "deployment_imports"
    op.create_table(
        t,
        sa.Column("deployment_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        _ts("first_commit_at", nullable=True),
        sa.Column("commit_count", sa.Integer(), nullable=False),
        _ts("pr_opened_at", nullable=True),
        _ts("first_review_at", nullable=True),
        _ts("approved_at", nullable=True),
        _ts("merged_at", nullable=True),
        _ts("imported_at"),
        sa.Column("imported_by_id", sa.Uuid(), nullable=True),
        _fk(t, "deployment_id", "deployments"),
        _fk(t, "bu_id", "business_units"),
        _fk(t, "service_id", "services"),
        _fk(t, "imported_by_id", "people"),
        sa.PrimaryKeyConstraint("deployment_id", name=op.f("pk_deployment_imports")),
    )
    op.create_index(
        "ix_deployment_imports_service_id_imported_at", t, ["service_id", "imported_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_deployment_imports_service_id_imported_at", table_name="deployment_imports")
    op.drop_table("deployment_imports")
    op.drop_index("uq_deployments_imported_key", table_name="deployments")
    for table in ("deployments", "change_ledger"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("imported")
