"""policy iteration: retrospectives, policy proposals, the origin a guardrail or risk-model
version records (what asked for it), and releases by BU and decision time (approval wait)

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORIGIN_TABLES = ("guardrail_set_versions", "risk_models", "risk_mappings")


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _versioned() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
    ]


def upgrade() -> None:
    op.create_table(
        "retrospectives",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("outcomes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        *_versioned(),
        _fk("retrospectives", "bu_id", "business_units"),
        _fk("retrospectives", "team_id", "teams"),
        _fk("retrospectives", "recorded_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retrospectives")),
    )
    op.create_index("ix_retrospectives_bu_id_held_on", "retrospectives", ["bu_id", "held_on"])
    op.create_index("ix_retrospectives_team_id_held_on", "retrospectives", ["team_id", "held_on"])
    op.create_table(
        "policy_proposals",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("origin_kind", sa.String(length=16), nullable=False),
        sa.Column("origin_id", sa.Uuid(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("proposed", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("proposed_by_id", sa.Uuid(), nullable=True),
        _ts("submitted_at", nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        _ts("decided_at", nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("applied_by_id", sa.Uuid(), nullable=True),
        _ts("applied_at", nullable=True),
        sa.Column("applied_version", sa.Integer(), nullable=True),
        *_versioned(),
        _fk("policy_proposals", "bu_id", "business_units"),
        _fk("policy_proposals", "proposed_by_id", "people"),
        _fk("policy_proposals", "decided_by_id", "people"),
        _fk("policy_proposals", "applied_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_proposals")),
    )
    op.create_index(
        "ix_policy_proposals_bu_id_status_created_at",
        "policy_proposals",
        ["bu_id", "status", "created_at"],
    )
    op.create_index(
        "ix_policy_proposals_bu_id_created_at", "policy_proposals", ["bu_id", "created_at"]
    )
    op.create_index(
        "ix_policy_proposals_origin_kind_origin_id",
        "policy_proposals",
        ["origin_kind", "origin_id"],
    )
    for table in ORIGIN_TABLES:
        op.add_column(table, sa.Column("origin", sa.JSON(), nullable=True))
    op.create_index("ix_releases_bu_id_decided_at", "releases", ["bu_id", "decided_at"])


def downgrade() -> None:
    op.drop_index("ix_releases_bu_id_decided_at", table_name="releases")
    for table in ORIGIN_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("origin")
    op.drop_index("ix_policy_proposals_origin_kind_origin_id", table_name="policy_proposals")
    op.drop_index("ix_policy_proposals_bu_id_created_at", table_name="policy_proposals")
    op.drop_index("ix_policy_proposals_bu_id_status_created_at", table_name="policy_proposals")
    op.drop_table("policy_proposals")
    op.drop_index("ix_retrospectives_team_id_held_on", table_name="retrospectives")
    op.drop_index("ix_retrospectives_bu_id_held_on", table_name="retrospectives")
    op.drop_table("retrospectives")
