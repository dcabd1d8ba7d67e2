"""incidents: severity and GraphQL reports; attribution to changes; blameless post-mortems

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
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


def _incident_columns() -> None:
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("severity", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("reported_by_id", sa.Uuid(), nullable=True))
        batch_op.alter_column("opened_by_event_id", existing_type=sa.Uuid(), nullable=True)
        batch_op.create_foreign_key(
            op.f("fk_incident_reports_reported_by_id_people"), "people", ["reported_by_id"], ["id"]
        )


def _change_reports() -> None:
    op.create_table(
        "change_reports",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("environment_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=512), nullable=False),
        _ts("occurred_at"),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        _ts("reported_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("change_reports", "bu_id", "business_units"),
        _fk("change_reports", "service_id", "services"),
        _fk("change_reports", "environment_id", "environments"),
        _fk("change_reports", "reported_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_reports")),
    )
    op.create_index(
        "ix_change_reports_service_id_occurred_at", "change_reports", ["service_id", "occurred_at"]
    )
    op.create_index(
        "ix_change_reports_bu_id_occurred_at", "change_reports", ["bu_id", "occurred_at"]
    )


def _attributions() -> None:
    op.create_table(
        "incident_attributions",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("change_kind", sa.String(length=32), nullable=True),
        sa.Column("change_id", sa.Uuid(), nullable=True),
        _ts("change_at", nullable=True),
        sa.Column("change_summary", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("window_hours", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        _ts("decided_at", nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("incident_attributions", "incident_id", "incident_reports", ondelete="CASCADE"),
        _fk("incident_attributions", "bu_id", "business_units"),
        _fk("incident_attributions", "service_id", "services"),
        _fk("incident_attributions", "decided_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_attributions")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_incident_attributions_incident_id")),
    )
    op.create_index(
        "ix_incident_attributions_bu_id_created_at",
        "incident_attributions",
        ["bu_id", "created_at"],
    )
    op.create_index("ix_incident_attributions_change_id", "incident_attributions", ["change_id"])


def _post_mortems() -> None:
    op.create_table(
        "post_mortems",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        _ts("due_at"),
        _ts("completed_at", nullable=True),
        sa.Column("completed_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("post_mortems", "incident_id", "incident_reports", ondelete="CASCADE"),
        _fk("post_mortems", "bu_id", "business_units"),
        _fk("post_mortems", "service_id", "services"),
        _fk("post_mortems", "completed_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_mortems")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_post_mortems_incident_id")),
    )
    op.create_index(
        "ix_post_mortems_bu_id_status_due_at", "post_mortems", ["bu_id", "status", "due_at"]
    )
    op.create_index("ix_post_mortems_bu_id_created_at", "post_mortems", ["bu_id", "created_at"])


def _parts() -> None:
    op.create_table(
        "post_mortem_factors",
        sa.Column("post_mortem_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("added_by_id", sa.Uuid(), nullable=True),
        _ts("added_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("post_mortem_factors", "post_mortem_id", "post_mortems", ondelete="CASCADE"),
        _fk("post_mortem_factors", "added_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_mortem_factors")),
    )
    op.create_index(
        "ix_post_mortem_factors_post_mortem_id", "post_mortem_factors", ["post_mortem_id"]
    )
    op.create_table(
        "post_mortem_actions",
        sa.Column("post_mortem_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("target_kind", sa.String(length=32), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verified_ref", sa.Uuid(), nullable=True),
        sa.Column("verified_summary", sa.Text(), nullable=False),
        _ts("verified_at", nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        _ts("created_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("post_mortem_actions", "post_mortem_id", "post_mortems", ondelete="CASCADE"),
        _fk("post_mortem_actions", "bu_id", "business_units"),
        _fk("post_mortem_actions", "created_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_mortem_actions")),
    )
    op.create_index(
        "ix_post_mortem_actions_post_mortem_id", "post_mortem_actions", ["post_mortem_id"]
    )
    op.create_index(
        "ix_post_mortem_actions_status_created_at",
        "post_mortem_actions",
        ["status", "created_at"],
    )


def upgrade() -> None:
    _incident_columns()
    _change_reports()
    _attributions()
    _post_mortems()
    _parts()


def downgrade() -> None:
    for table in (
        "post_mortem_actions",
        "post_mortem_factors",
        "post_mortems",
        "incident_attributions",
        "change_reports",
    ):
        op.drop_table(table)
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_incident_reports_reported_by_id_people"), type_="foreignkey"
        )
        batch_op.alter_column("opened_by_event_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_column("reported_by_id")
        batch_op.drop_column("severity")
