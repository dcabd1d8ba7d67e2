"""non-functional requirements of services and the staging runs that validate them

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
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


def upgrade() -> None:
    op.create_table(
        "service_nfrs",
        _uuid("service_id"),
        _uuid("bu_id"),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("comparison", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        _uuid("id"),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("service_nfrs", "service_id", "services"),
        _fk("service_nfrs", "bu_id", "business_units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_nfrs")),
        sa.UniqueConstraint("service_id", "key", name=op.f("uq_service_nfrs_service_id_key")),
    )
    op.create_table(
        "nfr_runs",
        _uuid("service_id"),
        _uuid("bu_id"),
        sa.Column("artifact_version", sa.String(length=128), nullable=False),
        _uuid("environment_id"),
        sa.Column("environment_key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        _ts("finished_at"),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        _uuid("recorded_by_id", nullable=True),
        _ts("recorded_at"),
        _uuid("id"),
        _fk("nfr_runs", "service_id", "services"),
        _fk("nfr_runs", "bu_id", "business_units"),
        _fk("nfr_runs", "environment_id", "environments"),
        _fk("nfr_runs", "recorded_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nfr_runs")),
        sa.UniqueConstraint(
            "service_id",
            "artifact_version",
            "environment_id",
            "name",
            name=op.f("uq_nfr_runs_service_id_artifact_version_environment_id_name"),
        ),
    )
    op.create_index(
        "ix_nfr_runs_service_id_artifact_version",
        "nfr_runs",
        ["service_id", "artifact_version", "finished_at"],
    )
    op.create_index("ix_nfr_runs_bu_id", "nfr_runs", ["bu_id"])


def downgrade() -> None:
    op.drop_index("ix_nfr_runs_bu_id", table_name="nfr_runs")
    op.drop_index("ix_nfr_runs_service_id_artifact_version", table_name="nfr_runs")
    op.drop_table("nfr_runs")
    op.drop_table("service_nfrs")
