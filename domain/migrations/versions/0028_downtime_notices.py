"""downtime notices of breaking releases, the teams that must acknowledge them, subscriptions

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
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
        "downtime_notices",
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        _ts("window_starts_at"),
        _ts("window_ends_at"),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=320), nullable=False),
        sa.Column("downstream_service_ids", sa.JSON(), nullable=False),
        _ts("issued_at"),
        sa.Column("issued_by_id", sa.Uuid(), nullable=True),
        _ts("escalated_at", nullable=True),
        sa.Column("escalated_by_id", sa.Uuid(), nullable=True),
        sa.Column("escalation_note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("downtime_notices", "release_id", "releases", ondelete="CASCADE"),
        _fk("downtime_notices", "bu_id", "business_units"),
        _fk("downtime_notices", "issued_by_id", "people"),
        _fk("downtime_notices", "escalated_by_id", "people"),
        sa.CheckConstraint(
            "window_ends_at > window_starts_at",
            name=op.f("ck_downtime_notices_window_ordered"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downtime_notices")),
        sa.UniqueConstraint("release_id", name=op.f("uq_downtime_notices_release_id")),
    )
    op.create_index("ix_downtime_notices_bu_id", "downtime_notices", ["bu_id"])
    op.create_table(
        "downtime_recipients",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        _ts("acknowledged_at", nullable=True),
        sa.Column("acknowledged_by_id", sa.Uuid(), nullable=True),
        sa.Column("acknowledged_via", sa.String(length=16), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("downtime_recipients", "notice_id", "downtime_notices", ondelete="CASCADE"),
        _fk("downtime_recipients", "team_id", "teams", ondelete="CASCADE"),
        _fk("downtime_recipients", "bu_id", "business_units"),
        _fk("downtime_recipients", "acknowledged_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downtime_recipients")),
        sa.UniqueConstraint(
            "notice_id", "team_id", name=op.f("uq_downtime_recipients_notice_id_team_id")
        ),
    )
    op.create_index("ix_downtime_recipients_team_id", "downtime_recipients", ["team_id"])
    op.create_table(
        "downtime_subscriptions",
        sa.Column("subject", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        _ts("created_at"),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("downtime_subscriptions", "bu_id", "business_units"),
        _fk("downtime_subscriptions", "created_by_id", "people"),
        sa.CheckConstraint(
            "subject IN ('team', 'service')", name=op.f("ck_downtime_subscriptions_subject_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downtime_subscriptions")),
        sa.UniqueConstraint(
            "subject_id",
            "subject",
            "email",
            name=op.f("uq_downtime_subscriptions_subject_id_subject_email"),
        ),
    )
    op.create_index(
        "ix_downtime_subscriptions_bu_id_email", "downtime_subscriptions", ["bu_id", "email"]
    )


def downgrade() -> None:
    op.drop_index("ix_downtime_subscriptions_bu_id_email", table_name="downtime_subscriptions")
    op.drop_table("downtime_subscriptions")
    op.drop_index("ix_downtime_recipients_team_id", table_name="downtime_recipients")
    op.drop_table("downtime_recipients")
    op.drop_index("ix_downtime_notices_bu_id", table_name="downtime_notices")
    op.drop_table("downtime_notices")
