"""compliance controls: emergency bypasses, their uses and post-facto reviews; DR procedures
and their tests

Revision ID: 0009
Revises: 0006
Create Date: 2026-11-27 18:00:00.000000

Written by hand (branching from 0006 beside the other guardrail-era contexts; merged later).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0006"
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
    op.create_table(
        "bypasses",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("environment_id", sa.Uuid(), nullable=False),
        sa.Column("gates", sa.JSON(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("incident_reference", sa.String(length=200), nullable=False),
        sa.Column("duration_hours", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by_id", sa.Uuid(), nullable=False),
        sa.Column("requested_at", WHEN, nullable=False),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", WHEN, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("approved_at", WHEN, nullable=True),
        sa.Column("expires_at", WHEN, nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", WHEN, nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=False),
        *_stamps(),
        _fk("bypasses", "bu_id", "business_units"),
        _fk("bypasses", "release_id", "releases"),
        _fk("bypasses", "environment_id", "environments"),
        _fk("bypasses", "requested_by_id", "people"),
        _fk("bypasses", "decided_by_id", "people"),
        _fk("bypasses", "revoked_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bypasses")),
    )
    with op.batch_alter_table("bypasses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bypasses_release_id_environment_id_status",
            ["release_id", "environment_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            "ix_bypasses_bu_id_requested_at", ["bu_id", "requested_at"], unique=False
        )

    op.create_table(
        "bypass_uses",
        sa.Column("bypass_id", sa.Uuid(), nullable=False),
        sa.Column("gate", sa.String(length=64), nullable=False),
        sa.Column("environment_id", sa.Uuid(), nullable=False),
        sa.Column("used_by_id", sa.Uuid(), nullable=True),
        sa.Column("used_by", sa.String(length=64), nullable=False),
        sa.Column("used_at", WHEN, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("bypass_uses", "bypass_id", "bypasses", ondelete="CASCADE"),
        _fk("bypass_uses", "environment_id", "environments"),
        _fk("bypass_uses", "used_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bypass_uses")),
    )
    with op.batch_alter_table("bypass_uses", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bypass_uses_bypass_id_used_at", ["bypass_id", "used_at"], unique=False
        )

    op.create_table(
        "bypass_reviews",
        sa.Column("bypass_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("completed_at", WHEN, nullable=True),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("action_items", sa.JSON(), nullable=False),
        *_stamps(),
        _fk("bypass_reviews", "bypass_id", "bypasses", ondelete="CASCADE"),
        _fk("bypass_reviews", "bu_id", "business_units"),
        _fk("bypass_reviews", "reviewer_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bypass_reviews")),
        sa.UniqueConstraint("bypass_id", name=op.f("uq_bypass_reviews_bypass_id")),
    )
    with op.batch_alter_table("bypass_reviews", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bypass_reviews_bu_id_completed_at_due_at",
            ["bu_id", "completed_at", "due_at"],
            unique=False,
        )

    op.create_table(
        "dr_procedures",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("runbook_url", sa.String(length=2000), nullable=False),
        sa.Column("owner_person_id", sa.Uuid(), nullable=True),
        sa.Column("owner_team_id", sa.Uuid(), nullable=True),
        sa.Column("rto_minutes", sa.Integer(), nullable=True),
        sa.Column("rpo_minutes", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("retired_at", WHEN, nullable=True),
        *_stamps(),
        _fk("dr_procedures", "service_id", "services"),
        _fk("dr_procedures", "bu_id", "business_units"),
        _fk("dr_procedures", "owner_person_id", "people"),
        _fk("dr_procedures", "owner_team_id", "teams"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dr_procedures")),
    )
    with op.batch_alter_table("dr_procedures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dr_procedures_service_id_kind_status",
            ["service_id", "kind", "status"],
            unique=False,
        )
        batch_op.create_index("ix_dr_procedures_bu_id", ["bu_id"], unique=False)

    op.create_table(
        "dr_tests",
        sa.Column("procedure_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("performed_at", WHEN, nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.String(length=2000), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("dr_tests", "procedure_id", "dr_procedures", ondelete="CASCADE"),
        _fk("dr_tests", "bu_id", "business_units"),
        _fk("dr_tests", "recorded_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dr_tests")),
    )
    with op.batch_alter_table("dr_tests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dr_tests_procedure_id_performed_at",
            ["procedure_id", "performed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("dr_tests", schema=None) as batch_op:
        batch_op.drop_index("ix_dr_tests_procedure_id_performed_at")
    op.drop_table("dr_tests")
    with op.batch_alter_table("dr_procedures", schema=None) as batch_op:
        batch_op.drop_index("ix_dr_procedures_bu_id")
        batch_op.drop_index("ix_dr_procedures_service_id_kind_status")
    op.drop_table("dr_procedures")
    with op.batch_alter_table("bypass_reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_bypass_reviews_bu_id_completed_at_due_at")
    op.drop_table("bypass_reviews")
    with op.batch_alter_table("bypass_uses", schema=None) as batch_op:
        batch_op.drop_index("ix_bypass_uses_bypass_id_used_at")
    op.drop_table("bypass_uses")
    with op.batch_alter_table("bypasses", schema=None) as batch_op:
        batch_op.drop_index("ix_bypasses_bu_id_requested_at")
        batch_op.drop_index("ix_bypasses_release_id_environment_id_status")
    op.drop_table("bypasses")
