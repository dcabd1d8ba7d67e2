"""readiness: the data migrations a release declares, and each service's production volume

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07

Written by hand (issue 16, data-migration safety and production-like volumes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    ]


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    t = "readiness_data_migrations"
    op.create_table(
        t,
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("pre_checks", sa.JSON(), nullable=False),
        sa.Column("compensation_kind", sa.String(length=32), nullable=True),
        sa.Column("compensation_reference", sa.String(length=2000), nullable=False),
        sa.Column("compensation_notes", sa.Text(), nullable=False),
        sa.Column("waiver_approved_by_id", sa.Uuid(), nullable=True),
        sa.Column("waiver_approved_at", WHEN, nullable=True),
        sa.Column("declared_by_id", sa.Uuid(), nullable=True),
        *_stamps(),
        _fk(t, "release_id", "releases", ondelete="CASCADE"),
        _fk(t, "service_id", "services"),
        _fk(t, "bu_id", "business_units"),
        _fk(t, "waiver_approved_by_id", "people"),
        _fk(t, "declared_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint(
            "release_id", "service_id", "key", name=op.f(f"uq_{t}_release_id_service_id_key")
        ),
    )
    with op.batch_alter_table(t, schema=None) as batch_op:
        batch_op.create_index(f"ix_{t}_bu_id", ["bu_id"], unique=False)

    v = "readiness_volume_profiles"
    op.create_table(
        v,
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=True),
        sa.Column("requests_per_second", sa.Float(), nullable=True),
        sa.Column("payload_bytes", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("measured_at", WHEN, nullable=True),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        *_stamps(),
        _fk(v, "service_id", "services"),
        _fk(v, "bu_id", "business_units"),
        _fk(v, "updated_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{v}")),
        sa.UniqueConstraint("service_id", name=op.f(f"uq_{v}_service_id")),
    )
    with op.batch_alter_table(v, schema=None) as batch_op:
        batch_op.create_index(f"ix_{v}_bu_id", ["bu_id"], unique=False)


def downgrade() -> None:
    op.drop_table("readiness_volume_profiles")
    op.drop_table("readiness_data_migrations")
