"""SRE readiness reviews: checklist templates (versioned), a review per release, its items

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _uuid(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Uuid(), nullable=nullable)


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    t = "readiness_review_templates"
    op.create_table(
        t,
        sa.Column("key", sa.String(length=64), nullable=False),
        _uuid("bu_id", nullable=True),
        sa.Column("domain", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _uuid("created_by_id", nullable=True),
        _ts("created_at"),
        _uuid("id"),
        _fk(t, "bu_id", "business_units"),
        _fk(t, "created_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("domain", "key", "version", name=op.f(f"uq_{t}_domain_key_version")),
    )
    op.create_index(f"ix_{t}_domain_key", t, ["domain", "key"])
    r = "readiness_reviews"
    op.create_table(
        r,
        _uuid("release_id"),
        _uuid("bu_id"),
        sa.Column("status", sa.String(length=16), nullable=False),
        _uuid("opened_by_id", nullable=True),
        sa.Column("templates", sa.JSON(), nullable=False),
        _uuid("signed_off_by_id", nullable=True),
        _ts("signed_off_at", nullable=True),
        sa.Column("sign_off_note", sa.Text(), nullable=False),
        _uuid("id"),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk(r, "release_id", "releases"),
        _fk(r, "bu_id", "business_units"),
        _fk(r, "opened_by_id", "people"),
        _fk(r, "signed_off_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{r}")),
        sa.UniqueConstraint("release_id", name=op.f(f"uq_{r}_release_id")),
    )
    op.create_index(f"ix_{r}_bu_id", r, ["bu_id"])
    i = "readiness_review_items"
    op.create_table(
        i,
        _uuid("review_id"),
        sa.Column("key", sa.String(length=130), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("valid_days", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("evidence_url", sa.String(length=2000), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        _ts("checked_at", nullable=True),
        _ts("expires_at", nullable=True),
        _uuid("recorded_by_id", nullable=True),
        _ts("recorded_at", nullable=True),
        _uuid("id"),
        _fk(i, "review_id", r, ondelete="CASCADE"),
        _fk(i, "recorded_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{i}")),
        sa.UniqueConstraint("review_id", "key", name=op.f(f"uq_{i}_review_id_key")),
    )


def downgrade() -> None:
    op.drop_table("readiness_review_items")
    op.drop_index("ix_readiness_reviews_bu_id", table_name="readiness_reviews")
    op.drop_table("readiness_reviews")
    op.drop_index(
        "ix_readiness_review_templates_domain_key", table_name="readiness_review_templates"
    )
    op.drop_table("readiness_review_templates")
