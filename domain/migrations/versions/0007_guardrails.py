"""guardrails: guardrail sets (core, BU, tier profiles), their versions, onboarding checklists

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 16:00:00.000000

Written by hand (a branch from 0006 beside risk, compliance controls and vendors; merged
later). A set that was never saved has no row: the built-in defaults apply as version 0.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guardrail_sets",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_guardrail_sets_bu_id_business_units")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["people.id"], name=op.f("fk_guardrail_sets_updated_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardrail_sets")),
        sa.UniqueConstraint("kind", "subject", name=op.f("uq_guardrail_sets_kind_subject")),
    )
    with op.batch_alter_table("guardrail_sets", schema=None) as batch_op:
        batch_op.create_index("ix_guardrail_sets_bu_id", ["bu_id"], unique=False)

    op.create_table(
        "guardrail_set_versions",
        sa.Column("set_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("saved_by_id", sa.Uuid(), nullable=True),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.Column("conflicts", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_guardrail_set_versions_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["people.id"],
            name=op.f("fk_guardrail_set_versions_saved_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["set_id"],
            ["guardrail_sets.id"],
            name=op.f("fk_guardrail_set_versions_set_id_guardrail_sets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardrail_set_versions")),
        sa.UniqueConstraint(
            "set_id", "version", name=op.f("uq_guardrail_set_versions_set_id_version")
        ),
    )
    with op.batch_alter_table("guardrail_set_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_guardrail_set_versions_kind_subject_saved_at",
            ["kind", "subject", "saved_at"],
            unique=False,
        )
        batch_op.create_index("ix_guardrail_set_versions_bu_id", ["bu_id"], unique=False)

    op.create_table(
        "onboarding_checks",
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("evidence_url", sa.String(length=2048), nullable=True),
        sa.Column("evidence_note", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Uuid(), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by_id", sa.Uuid(), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["completed_by_id"],
            ["people.id"],
            name=op.f("fk_onboarding_checks_completed_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by_id"],
            ["people.id"],
            name=op.f("fk_onboarding_checks_reopened_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_onboarding_checks_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_checks")),
        sa.UniqueConstraint("team_id", "item", name=op.f("uq_onboarding_checks_team_id_item")),
    )


def downgrade() -> None:
    op.drop_table("onboarding_checks")
    with op.batch_alter_table("guardrail_set_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_guardrail_set_versions_bu_id")
        batch_op.drop_index("ix_guardrail_set_versions_kind_subject_saved_at")
    op.drop_table("guardrail_set_versions")
    with op.batch_alter_table("guardrail_sets", schema=None) as batch_op:
        batch_op.drop_index("ix_guardrail_sets_bu_id")
    op.drop_table("guardrail_sets")
