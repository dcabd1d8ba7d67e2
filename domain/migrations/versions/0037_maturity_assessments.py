"""quarterly maturity assessments: questionnaire versions per BU, one assessment per team and
quarter, and every submission of it

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
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


def _answered(table: str) -> list[Any]:
    """The columns an assessment and each of its revisions share."""
    return [
        sa.Column("questionnaire_id", sa.Uuid(), nullable=True),
        sa.Column("questionnaire_number", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("submitted_by_id", sa.Uuid(), nullable=True),
        _ts("submitted_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk(table, "questionnaire_id", "maturity_questionnaires"),
        _fk(table, "submitted_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade() -> None:
    op.create_table(
        "maturity_questionnaires",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("gap_threshold", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("published_by_id", sa.Uuid(), nullable=True),
        _ts("published_at"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("maturity_questionnaires", "bu_id", "business_units"),
        _fk("maturity_questionnaires", "published_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maturity_questionnaires")),
        sa.UniqueConstraint(
            "bu_id", "number", name=op.f("uq_maturity_questionnaires_bu_id_number")
        ),
    )
    op.create_table(
        "maturity_assessments",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("quarter", sa.String(length=7), nullable=False),
        *_answered("maturity_assessments"),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("maturity_assessments", "bu_id", "business_units"),
        _fk("maturity_assessments", "team_id", "teams"),
        sa.UniqueConstraint(
            "team_id", "quarter", name=op.f("uq_maturity_assessments_team_id_quarter")
        ),
    )
    op.create_index(
        "ix_maturity_assessments_bu_id_quarter", "maturity_assessments", ["bu_id", "quarter"]
    )
    op.create_table(
        "maturity_revisions",
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        *_answered("maturity_revisions"),
        _fk("maturity_revisions", "assessment_id", "maturity_assessments", ondelete="CASCADE"),
        sa.UniqueConstraint(
            "assessment_id", "number", name=op.f("uq_maturity_revisions_assessment_id_number")
        ),
    )


def downgrade() -> None:
    op.drop_table("maturity_revisions")
    op.drop_index("ix_maturity_assessments_bu_id_quarter", table_name="maturity_assessments")
    op.drop_table("maturity_assessments")
    op.drop_table("maturity_questionnaires")
