"""insights: source changes (commits and pull requests per artifact version), the change ledger

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from datetime import UTC, datetime

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
    op.create_table(
        "change_ledger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("environment_id", sa.Uuid(), nullable=True),
        _ts("at"),
        _ts("started_at", True),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("artifact_version", sa.String(length=128), nullable=True),
        sa.Column("release_id", sa.Uuid(), nullable=True),
        sa.Column("change_types", sa.String(length=300), nullable=False),
        sa.Column("risk_level", sa.String(length=16), nullable=True),
        sa.Column("bypassed", sa.Boolean(), nullable=False),
        _ts("first_commit_at", True),
        sa.Column("commit_count", sa.Integer(), nullable=False),
        _ts("pr_opened_at", True),
        _ts("first_review_at", True),
        _ts("approved_at", True),
        _ts("merged_at", True),
        sa.Column("lead_seconds", sa.Float(), nullable=True),
        sa.Column("rolled_back", sa.Boolean(), nullable=False),
        sa.Column("incident_count", sa.Integer(), nullable=False),
        sa.Column("hotfixed", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        _ts("projected_at"),
        _fk("change_ledger", "bu_id", "business_units"),
        _fk("change_ledger", "team_id", "teams"),
        _fk("change_ledger", "service_id", "services"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_ledger")),
    )
    op.create_index("ix_change_ledger_service_id_at", "change_ledger", ["service_id", "at"])
    op.create_index(
        "ix_change_ledger_bu_id_at",
        "change_ledger",
        ["bu_id", "at"],
        postgresql_include=["kind", "rolled_back", "lead_seconds"],
    )
    op.create_index("ix_change_ledger_team_id_at", "change_ledger", ["team_id", "at"])
    op.create_table(
        "change_ledger_incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=True),
        _ts("created_at"),
        _ts("resolved_at", True),
        sa.Column("change_id", sa.Uuid(), nullable=True),
        sa.Column("change_kind", sa.String(length=32), nullable=True),
        sa.Column("deployment_id", sa.Uuid(), nullable=True),
        _ts("deployment_at", True),
        _ts("projected_at"),
        _fk("change_ledger_incidents", "bu_id", "business_units"),
        _fk("change_ledger_incidents", "service_id", "services"),
        _fk("change_ledger_incidents", "team_id", "teams"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_ledger_incidents")),
    )
    op.create_index(
        "ix_change_ledger_incidents_bu_id_created_at",
        "change_ledger_incidents",
        ["bu_id", "created_at"],
    )
    op.create_index(
        "ix_change_ledger_incidents_service_id_created_at",
        "change_ledger_incidents",
        ["service_id", "created_at"],
    )
    marks = op.create_table(
        "change_ledger_marks",
        sa.Column("key", sa.String(length=32), nullable=False),
        _ts("swept_until"),
        _ts("swept_at"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_change_ledger_marks")),
    )
    # The mark exists from the start, so the first sweeps wait on its lock rather than race to
    # insert it (the epoch: everything is still to project).
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    op.bulk_insert(marks, [{"key": "ledger", "swept_until": epoch, "swept_at": epoch}])


def downgrade() -> None:
    op.drop_table("change_ledger_marks")
    op.drop_index(
        "ix_change_ledger_incidents_service_id_created_at", table_name="change_ledger_incidents"
    )
    op.drop_index(
        "ix_change_ledger_incidents_bu_id_created_at", table_name="change_ledger_incidents"
    )
    op.drop_table("change_ledger_incidents")
    op.drop_index("ix_change_ledger_team_id_at", table_name="change_ledger")
    op.drop_index("ix_change_ledger_bu_id_at", table_name="change_ledger")
    op.drop_index("ix_change_ledger_service_id_at", table_name="change_ledger")
    op.drop_table("change_ledger")
    op.drop_index("ix_source_commits_bu_id_recorded_at", table_name="source_commits")
    op.drop_table("source_commits")
