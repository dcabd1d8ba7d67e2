"""the 24-hour post-release review: reviews per production deployment, metric templates per
service, user feedback and log signals tagged to services

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _reviews() -> None:
    t = "post_release_reviews"
    op.create_table(
        t,
        sa.Column("deployment_key", sa.String(length=64), nullable=False),
        sa.Column("deployment_id", sa.Uuid(), nullable=True),
        sa.Column("deployment_report_id", sa.Uuid(), nullable=True),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("environment_id", sa.Uuid(), nullable=False),
        sa.Column("artifact_version", sa.String(length=128), nullable=False),
        _ts("deployed_at"),
        _ts("due_at"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("metrics_state", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        _ts("gathered_at", nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("closed_by_id", sa.Uuid(), nullable=True),
        _ts("closed_at", nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk(t, "deployment_id", "deployments"),
        _fk(t, "deployment_report_id", "deployment_reports"),
        _fk(t, "bu_id", "business_units"),
        _fk(t, "service_id", "services"),
        _fk(t, "team_id", "teams"),
        _fk(t, "environment_id", "environments"),
        _fk(t, "closed_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("deployment_key", name=op.f(f"uq_{t}_deployment_key")),
    )
    op.create_index("ix_post_release_reviews_bu_id_due_at", t, ["bu_id", "due_at"])
    op.create_index(
        "ix_post_release_reviews_team_id_status_due_at", t, ["team_id", "status", "due_at"]
    )
    op.create_index("ix_post_release_reviews_status_due_at", t, ["status", "due_at"])


def _templates() -> None:
    t = "post_release_metric_templates"
    op.create_table(
        t,
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("queries", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk(t, "service_id", "services"),
        _fk(t, "bu_id", "business_units"),
        _fk(t, "updated_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("service_id", name=op.f(f"uq_{t}_service_id")),
    )
    op.create_index(op.f(f"ix_{t}_bu_id"), t, ["bu_id"])


def _feedback() -> None:
    t = "post_release_feedback"
    op.create_table(
        t,
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("external_ref", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        _ts("occurred_at"),
        _ts("received_at"),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk(t, "bu_id", "business_units"),
        _fk(t, "service_id", "services"),
        _fk(t, "reported_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "bu_id", "source", "external_ref", name=op.f(f"uq_{t}_bu_id_source_external_ref")
        ),
    )
    op.create_index(f"ix_{t}_service_id_occurred_at", t, ["service_id", "occurred_at"])


def _signals() -> None:
    t = "post_release_log_signals"
    op.create_table(
        t,
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sa.String(length=128), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        _ts("starts_at"),
        _ts("ends_at"),
        _ts("reported_at"),
        sa.Column("reported_by", sa.String(length=200), nullable=False),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk(t, "bu_id", "business_units"),
        _fk(t, "service_id", "services"),
        _fk(t, "reported_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(f"ix_{t}_service_id_ends_at", t, ["service_id", "ends_at"])


def upgrade() -> None:
    _reviews()
    _templates()
    _feedback()
    _signals()
    # The review sweep finds production deployments by when they finished.
    op.create_index("ix_deployments_finished_at", "deployments", ["finished_at"])
    op.create_index("ix_deployment_reports_occurred_at", "deployment_reports", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_deployment_reports_occurred_at", table_name="deployment_reports")
    op.drop_index("ix_deployments_finished_at", table_name="deployments")
    for t in (
        "post_release_log_signals",
        "post_release_feedback",
        "post_release_metric_templates",
        "post_release_reviews",
    ):
        op.drop_table(t)
