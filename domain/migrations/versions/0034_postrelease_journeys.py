"""postrelease: synthetic journeys, each service's allowed hosts, runs, claims, regressions

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07

Issue 17 (synthetic transactions on critical user journeys); generated from the models and
read through.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "postrelease_journey_hosts",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("hosts", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_postrelease_journey_hosts_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_postrelease_journey_hosts_service_id_services"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["people.id"],
            name=op.f("fk_postrelease_journey_hosts_updated_by_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postrelease_journey_hosts")),
        sa.UniqueConstraint("service_id", name=op.f("uq_postrelease_journey_hosts_service_id")),
    )
    with op.batch_alter_table("postrelease_journey_hosts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postrelease_journey_hosts_bu_id"), ["bu_id"], unique=False
        )

    op.create_table(
        "postrelease_journeys",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("runner", sa.String(length=32), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_postrelease_journeys_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_postrelease_journeys_created_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_postrelease_journeys_service_id_services"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_postrelease_journeys_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postrelease_journeys")),
        sa.UniqueConstraint(
            "service_id", "key", name=op.f("uq_postrelease_journeys_service_id_key")
        ),
    )
    with op.batch_alter_table("postrelease_journeys", schema=None) as batch_op:
        batch_op.create_index("ix_postrelease_journeys_bu_id", ["bu_id"], unique=False)
        batch_op.create_index(
            "ix_postrelease_journeys_enabled_next_run_at", ["enabled", "next_run_at"], unique=False
        )

    op.create_table(
        "postrelease_journey_runs",
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("runner", sa.String(length=32), nullable=False),
        sa.Column("external_ref", sa.String(length=200), nullable=True),
        sa.Column("deployment_kind", sa.String(length=16), nullable=True),
        sa.Column("deployment_id", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Double(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_postrelease_journey_runs_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["postrelease_journeys.id"],
            name=op.f("fk_postrelease_journey_runs_journey_id_postrelease_journeys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["people.id"],
            name=op.f("fk_postrelease_journey_runs_reported_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_postrelease_journey_runs_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postrelease_journey_runs")),
        sa.UniqueConstraint(
            "journey_id",
            "runner",
            "external_ref",
            name=op.f("uq_postrelease_journey_runs_journey_id_runner_external_ref"),
        ),
    )
    with op.batch_alter_table("postrelease_journey_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_postrelease_journey_runs_deployment_id", ["deployment_id"], unique=False
        )
        batch_op.create_index(
            "ix_postrelease_journey_runs_journey_id_finished_at",
            ["journey_id", "finished_at"],
            unique=False,
        )

    op.create_table(
        "postrelease_journey_claims",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("deployment_kind", sa.String(length=16), nullable=True),
        sa.Column("deployment_id", sa.Uuid(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_postrelease_journey_claims_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["postrelease_journeys.id"],
            name=op.f("fk_postrelease_journey_claims_journey_id_postrelease_journeys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["postrelease_journey_runs.id"],
            name=op.f("fk_postrelease_journey_claims_run_id_postrelease_journey_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postrelease_journey_claims")),
        sa.UniqueConstraint("key", name=op.f("uq_postrelease_journey_claims_key")),
    )
    with op.batch_alter_table("postrelease_journey_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postrelease_journey_claims_journey_id"), ["journey_id"], unique=False
        )
        batch_op.create_index(
            "ix_postrelease_journey_claims_run_id_due_at", ["run_id", "due_at"], unique=False
        )

    op.create_table(
        "postrelease_journey_regressions",
        sa.Column("journey_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("deployment_kind", sa.String(length=16), nullable=False),
        sa.Column("deployment_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("baseline_run_id", sa.Uuid(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rollback_id", sa.Uuid(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["baseline_run_id"],
            ["postrelease_journey_runs.id"],
            name=op.f(
                "fk_postrelease_journey_regressions_baseline_run_id_postrelease_journey_runs"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_postrelease_journey_regressions_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["journey_id"],
            ["postrelease_journeys.id"],
            name=op.f("fk_postrelease_journey_regressions_journey_id_postrelease_journeys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rollback_id"],
            ["deployment_rollbacks.id"],
            name=op.f("fk_postrelease_journey_regressions_rollback_id_deployment_rollbacks"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["postrelease_journey_runs.id"],
            name=op.f("fk_postrelease_journey_regressions_run_id_postrelease_journey_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_postrelease_journey_regressions_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postrelease_journey_regressions")),
        sa.UniqueConstraint(
            "journey_id",
            "deployment_id",
            name=op.f("uq_postrelease_journey_regressions_journey_id_deployment_id"),
        ),
    )
    with op.batch_alter_table("postrelease_journey_regressions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_postrelease_journey_regressions_bu_id_detected_at",
            ["bu_id", "detected_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_postrelease_journey_regressions_deployment_id", ["deployment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("postrelease_journey_regressions", schema=None) as batch_op:
        batch_op.drop_index("ix_postrelease_journey_regressions_deployment_id")
        batch_op.drop_index("ix_postrelease_journey_regressions_bu_id_detected_at")

    op.drop_table("postrelease_journey_regressions")
    with op.batch_alter_table("postrelease_journey_claims", schema=None) as batch_op:
        batch_op.drop_index("ix_postrelease_journey_claims_run_id_due_at")
        batch_op.drop_index(batch_op.f("ix_postrelease_journey_claims_journey_id"))

    op.drop_table("postrelease_journey_claims")
    with op.batch_alter_table("postrelease_journey_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_postrelease_journey_runs_journey_id_finished_at")
        batch_op.drop_index("ix_postrelease_journey_runs_deployment_id")

    op.drop_table("postrelease_journey_runs")
    with op.batch_alter_table("postrelease_journeys", schema=None) as batch_op:
        batch_op.drop_index("ix_postrelease_journeys_enabled_next_run_at")
        batch_op.drop_index("ix_postrelease_journeys_bu_id")

    op.drop_table("postrelease_journeys")
    with op.batch_alter_table("postrelease_journey_hosts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postrelease_journey_hosts_bu_id"))

    op.drop_table("postrelease_journey_hosts")
