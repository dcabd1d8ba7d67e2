"""environments: catalog, reservations and their queue, config snapshots

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-27 15:00:00.000000

Written by hand (branching from 0002 beside trains and flags; merged later). A reservation
names its holder by (holder_kind, holder_id) with no foreign key: the trains tables live in
another branch, and holders of other kinds are checked by the use case.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "environments",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("product_domain", sa.String(length=64), nullable=True),
        sa.Column("train_id", sa.Uuid(), nullable=True),
        sa.Column("region", sa.String(length=32), nullable=True),
        sa.Column("final_staging", sa.Boolean(), nullable=False),
        sa.Column("owner_team_id", sa.Uuid(), nullable=True),
        sa.Column("owner_person_ids", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_environments_bu_id_business_units")
        ),
        sa.ForeignKeyConstraint(
            ["owner_team_id"], ["teams.id"], name=op.f("fk_environments_owner_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_environments")),
        sa.UniqueConstraint("key", name=op.f("uq_environments_key")),
    )
    with op.batch_alter_table("environments", schema=None) as batch_op:
        batch_op.create_index("ix_environments_bu_id_key", ["bu_id", "key"], unique=False)
        batch_op.create_index(
            "ix_environments_product_domain_kind", ["product_domain", "kind"], unique=False
        )

    op.create_table(
        "environment_reservations",
        sa.Column("environment_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("holder_kind", sa.String(length=16), nullable=False),
        sa.Column("holder_id", sa.Uuid(), nullable=False),
        sa.Column("holder_label", sa.String(length=200), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_environment_reservations_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_environment_reservations_environment_id_environments"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["people.id"],
            name=op.f("fk_environment_reservations_requested_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_environment_reservations")),
    )
    with op.batch_alter_table("environment_reservations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_environment_reservations_environment_id_starts_at",
            ["environment_id", "starts_at", "ends_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_environment_reservations_environment_id_status",
            ["environment_id", "status", "requested_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_environment_reservations_holder", ["holder_kind", "holder_id"], unique=False
        )
        batch_op.create_index("ix_environment_reservations_bu_id", ["bu_id"], unique=False)

    op.create_table(
        "config_snapshots",
        sa.Column("environment_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("helm_chart", sa.String(length=200), nullable=True),
        sa.Column("helm_chart_version", sa.String(length=64), nullable=True),
        sa.Column("helm_values_digest", sa.String(length=71), nullable=True),
        sa.Column("terraform_serial", sa.BigInteger(), nullable=True),
        sa.Column("terraform_digest", sa.String(length=71), nullable=True),
        sa.Column("git_commit", sa.String(length=64), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_config_snapshots_bu_id_business_units")
        ),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_config_snapshots_environment_id_environments"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["people.id"],
            name=op.f("fk_config_snapshots_reported_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_snapshots")),
    )
    with op.batch_alter_table("config_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_config_snapshots_environment_id_reported_at",
            ["environment_id", "reported_at"],
            unique=False,
        )

    op.create_table(
        "config_snapshot_images",
        sa.Column("snapshot_id", sa.Uuid(), nullable=False),
        sa.Column("service_key", sa.String(length=128), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["config_snapshots.id"],
            name=op.f("fk_config_snapshot_images_snapshot_id_config_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_config_snapshot_images")),
        sa.UniqueConstraint(
            "snapshot_id",
            "service_key",
            name=op.f("uq_config_snapshot_images_snapshot_id_service_key"),
        ),
    )


def downgrade() -> None:
    op.drop_table("config_snapshot_images")
    with op.batch_alter_table("config_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_config_snapshots_environment_id_reported_at")
    op.drop_table("config_snapshots")
    with op.batch_alter_table("environment_reservations", schema=None) as batch_op:
        batch_op.drop_index("ix_environment_reservations_bu_id")
        batch_op.drop_index("ix_environment_reservations_holder")
        batch_op.drop_index("ix_environment_reservations_environment_id_status")
        batch_op.drop_index("ix_environment_reservations_environment_id_starts_at")
    op.drop_table("environment_reservations")
    with op.batch_alter_table("environments", schema=None) as batch_op:
        batch_op.drop_index("ix_environments_product_domain_kind")
        batch_op.drop_index("ix_environments_bu_id_key")
    op.drop_table("environments")
