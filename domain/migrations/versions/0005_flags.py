"""flags: feature flags, their state per environment, segments, changes, evaluations

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-27 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    revision_table = op.create_table(
        "flag_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_revision")),
    )
    op.bulk_insert(revision_table, [{"id": 1, "revision": 0}])
    op.create_table(
        "flag_segments",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_flag_segments_bu_id_business_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_segments")),
        sa.UniqueConstraint("key", name=op.f("uq_flag_segments_key")),
    )
    with op.batch_alter_table("flag_segments", schema=None) as batch_op:
        batch_op.create_index("ix_flag_segments_bu_id", ["bu_id"], unique=False)

    op.create_table(
        "flags",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value_type", sa.String(length=16), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("default_variant", sa.String(length=64), nullable=False),
        sa.Column("off_variant", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("killed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_flags_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_flags_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint("key", name=op.f("uq_flags_key")),
    )
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_index("ix_flags_service_id_key", ["service_id", "key"], unique=False)

    op.create_table(
        "flag_changes",
        sa.Column("flag_id", sa.Uuid(), nullable=False),
        sa.Column("environment", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("production", sa.Boolean(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["people.id"], name=op.f("fk_flag_changes_decided_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["flags.id"],
            name=op.f("fk_flag_changes_flag_id_flags"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["people.id"],
            name=op.f("fk_flag_changes_requested_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_changes")),
    )
    with op.batch_alter_table("flag_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flag_changes_flag_id_created_at", ["flag_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_flag_changes_status_created_at", ["status", "created_at"], unique=False
        )

    op.create_table(
        "flag_environments",
        sa.Column("flag_id", sa.Uuid(), nullable=False),
        sa.Column("environment", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("production", sa.Boolean(), nullable=False),
        sa.Column("dark_launch", sa.Boolean(), nullable=False),
        sa.Column("dark_launch_segment", sa.String(length=64), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("default_serve", sa.JSON(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["flags.id"],
            name=op.f("fk_flag_environments_flag_id_flags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_environments")),
        sa.UniqueConstraint(
            "flag_id", "environment", name=op.f("uq_flag_environments_flag_id_environment")
        ),
    )
    with op.batch_alter_table("flag_environments", schema=None) as batch_op:
        batch_op.create_index("ix_flag_environments_environment", ["environment"], unique=False)

    op.create_table(
        "flag_evaluations",
        sa.Column("flag_id", sa.Uuid(), nullable=False),
        sa.Column("environment", sa.String(length=64), nullable=False),
        sa.Column("last_evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["flags.id"],
            name=op.f("fk_flag_evaluations_flag_id_flags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("flag_id", "environment", name=op.f("pk_flag_evaluations")),
    )


def downgrade() -> None:
    op.drop_table("flag_evaluations")
    with op.batch_alter_table("flag_environments", schema=None) as batch_op:
        batch_op.drop_index("ix_flag_environments_environment")
    op.drop_table("flag_environments")
    with op.batch_alter_table("flag_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_flag_changes_status_created_at")
        batch_op.drop_index("ix_flag_changes_flag_id_created_at")
    op.drop_table("flag_changes")
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_index("ix_flags_service_id_key")
    op.drop_table("flags")
    with op.batch_alter_table("flag_segments", schema=None) as batch_op:
        batch_op.drop_index("ix_flag_segments_bu_id")
    op.drop_table("flag_segments")
    op.drop_table("flag_revision")
