"""production support rotations: a team's rotation, its swaps, a release's watchers

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
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
        "support_rotations",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("handover", sa.String(length=5), nullable=False),
        sa.Column("tzid", sa.String(length=64), nullable=False),
        sa.Column("shift_days", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("support_rotations", "bu_id", "business_units"),
        _fk("support_rotations", "team_id", "teams", ondelete="CASCADE"),
        _fk("support_rotations", "created_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_rotations")),
        sa.UniqueConstraint("team_id", name=op.f("uq_support_rotations_team_id")),
    )
    op.create_index(
        "ix_support_rotations_bu_id_created_at", "support_rotations", ["bu_id", "created_at"]
    )
    op.create_table(
        "support_swaps",
        sa.Column("rotation_id", sa.Uuid(), nullable=False),
        sa.Column("shift_number", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Uuid(), nullable=False),
        sa.Column("covering_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("swapped_by_id", sa.Uuid(), nullable=True),
        _ts("created_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("support_swaps", "rotation_id", "support_rotations", ondelete="CASCADE"),
        _fk("support_swaps", "original_id", "people"),
        _fk("support_swaps", "covering_id", "people"),
        _fk("support_swaps", "swapped_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_swaps")),
        sa.UniqueConstraint(
            "rotation_id", "shift_number", name=op.f("uq_support_swaps_rotation_id_shift_number")
        ),
    )
    op.create_table(
        "support_release_watches",
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("rotation_id", sa.Uuid(), nullable=False),
        sa.Column("shift_number", sa.Integer(), nullable=False),
        sa.Column("primary_id", sa.Uuid(), nullable=False),
        sa.Column("secondary_id", sa.Uuid(), nullable=True),
        _ts("starts_at"),
        _ts("secondary_until"),
        sa.Column("secondary_hours", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Uuid(), nullable=True),
        _ts("created_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("support_release_watches", "release_id", "releases", ondelete="CASCADE"),
        _fk("support_release_watches", "bu_id", "business_units"),
        _fk("support_release_watches", "rotation_id", "support_rotations", ondelete="CASCADE"),
        _fk("support_release_watches", "primary_id", "people"),
        _fk("support_release_watches", "secondary_id", "people"),
        _fk("support_release_watches", "assigned_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_release_watches")),
        sa.UniqueConstraint("release_id", name=op.f("uq_support_release_watches_release_id")),
    )
    op.create_index(
        "ix_support_release_watches_secondary_id_starts_at",
        "support_release_watches",
        ["secondary_id", "starts_at"],
    )
    op.create_index(
        "ix_support_release_watches_rotation_id_starts_at",
        "support_release_watches",
        ["rotation_id", "starts_at"],
    )


def downgrade() -> None:
    op.drop_table("support_release_watches")
    op.drop_table("support_swaps")
    op.drop_index("ix_support_rotations_bu_id_created_at", table_name="support_rotations")
    op.drop_table("support_rotations")
