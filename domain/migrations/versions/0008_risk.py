"""risk: model versions, BU mapping versions, assessments, peer reviews

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-28 10:00:00.000000

Written by hand (a branch from 0006 beside guardrails, compliance controls and vendors;
merged later).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_models",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("factors", sa.JSON(), nullable=False),
        sa.Column("change_type_weights", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_risk_models_created_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_models")),
        sa.UniqueConstraint("version", name=op.f("uq_risk_models_version")),
    )

    op.create_table(
        "risk_mappings",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("overlay", sa.JSON(), nullable=False),
        sa.Column("core_version", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_risk_mappings_bu_id_business_units")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_risk_mappings_created_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_mappings")),
        sa.UniqueConstraint("bu_id", "version", name=op.f("uq_risk_mappings_bu_id_version")),
    )

    op.create_table(
        "risk_assessments",
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("mapping_version", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assessed_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["people.id"],
            name=op.f("fk_risk_assessments_assessed_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_risk_assessments_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_risk_assessments_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_assessments_release_id_assessed_at",
            ["release_id", "assessed_at"],
            unique=False,
        )
        batch_op.create_index("ix_risk_assessments_bu_id", ["bu_id"], unique=False)

    op.create_table(
        "peer_reviews",
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=False),
        sa.Column("verdict", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_peer_reviews_bu_id_business_units")
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_peer_reviews_release_id_releases")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["people.id"], name=op.f("fk_peer_reviews_reviewer_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_peer_reviews")),
        sa.UniqueConstraint(
            "release_id", "reviewer_id", name=op.f("uq_peer_reviews_release_id_reviewer_id")
        ),
    )
    with op.batch_alter_table("peer_reviews", schema=None) as batch_op:
        batch_op.create_index("ix_peer_reviews_bu_id", ["bu_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("peer_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_peer_reviews_bu_id")
    op.drop_table("peer_reviews")
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_assessments_bu_id")
        batch_op.drop_index("ix_risk_assessments_release_id_assessed_at")
    op.drop_table("risk_assessments")
    op.drop_table("risk_mappings")
    op.drop_table("risk_models")
