"""trains: trains, program increments, cadence history, departures and boardings, features
and their dependencies, integration windows and results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 15:00:00

A branch beside 0004 (environments) and 0005 (flags); the lead merges the heads. No foreign
keys to those branches' tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "trains",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("product_domain", sa.String(length=100), nullable=False),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("dates", sa.JSON(), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("departure_time", sa.String(length=5), nullable=False),
        sa.Column("tzid", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_trains_bu_id_business_units")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_trains_created_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trains")),
        sa.UniqueConstraint("key", name=op.f("uq_trains_key")),
    )
    with op.batch_alter_table("trains", schema=None) as batch_op:
        batch_op.create_index("ix_trains_bu_id_key", ["bu_id", "key"], unique=False)

    op.create_table(
        "program_increments",
        sa.Column("train_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("iterations", sa.Integer(), nullable=False),
        sa.Column("iteration_weeks", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planning_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["train_id"], ["trains.id"], name=op.f("fk_program_increments_train_id_trains")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_increments")),
        sa.UniqueConstraint("train_id", "seq", name=op.f("uq_program_increments_train_id_seq")),
    )
    with op.batch_alter_table("program_increments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_program_increments_train_id_starts_at", ["train_id", "starts_at"], unique=False
        )

    op.create_table(
        "cadence_changes",
        sa.Column("train_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("effective_from_seq", sa.Integer(), nullable=False),
        sa.Column("effective_from_pi_id", sa.Uuid(), nullable=True),
        sa.Column("cadence", sa.String(length=16), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("dates", sa.JSON(), nullable=False),
        sa.Column("rrule", sa.Text(), nullable=True),
        sa.Column("departure_time", sa.String(length=5), nullable=False),
        sa.Column("tzid", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["people.id"], name=op.f("fk_cadence_changes_changed_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["effective_from_pi_id"],
            ["program_increments.id"],
            name=op.f("fk_cadence_changes_effective_from_pi_id_program_increments"),
        ),
        sa.ForeignKeyConstraint(
            ["train_id"], ["trains.id"], name=op.f("fk_cadence_changes_train_id_trains")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cadence_changes")),
        sa.UniqueConstraint("train_id", "seq", name=op.f("uq_cadence_changes_train_id_seq")),
    )
    op.create_table(
        "departures",
        sa.Column("train_id", sa.Uuid(), nullable=False),
        sa.Column("pi_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("departs_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cadence_change_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cadence_change_id"],
            ["cadence_changes.id"],
            name=op.f("fk_departures_cadence_change_id_cadence_changes"),
        ),
        sa.ForeignKeyConstraint(
            ["pi_id"],
            ["program_increments.id"],
            name=op.f("fk_departures_pi_id_program_increments"),
        ),
        sa.ForeignKeyConstraint(
            ["train_id"], ["trains.id"], name=op.f("fk_departures_train_id_trains")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departures")),
        sa.UniqueConstraint("train_id", "code", name=op.f("uq_departures_train_id_code")),
    )
    with op.batch_alter_table("departures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_departures_pi_id_departs_at", ["pi_id", "departs_at"], unique=False
        )
        batch_op.create_index(
            "ix_departures_train_id_departs_at", ["train_id", "departs_at"], unique=False
        )

    op.create_table(
        "departure_boardings",
        sa.Column("departure_id", sa.Uuid(), nullable=False),
        sa.Column("release_id", sa.Uuid(), nullable=False),
        sa.Column("boarded_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["boarded_by_id"],
            ["people.id"],
            name=op.f("fk_departure_boardings_boarded_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["departure_id"],
            ["departures.id"],
            name=op.f("fk_departure_boardings_departure_id_departures"),
        ),
        sa.ForeignKeyConstraint(
            ["release_id"], ["releases.id"], name=op.f("fk_departure_boardings_release_id_releases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departure_boardings")),
        sa.UniqueConstraint("release_id", name=op.f("uq_departure_boardings_release_id")),
    )
    with op.batch_alter_table("departure_boardings", schema=None) as batch_op:
        batch_op.create_index("ix_departure_boardings_departure_id", ["departure_id"], unique=False)

    op.create_table(
        "features",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("train_id", sa.Uuid(), nullable=False),
        sa.Column("pi_id", sa.Uuid(), nullable=False),
        sa.Column("departure_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("effort", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"], ["business_units.id"], name=op.f("fk_features_bu_id_business_units")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["people.id"], name=op.f("fk_features_created_by_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["departure_id"], ["departures.id"], name=op.f("fk_features_departure_id_departures")
        ),
        sa.ForeignKeyConstraint(
            ["pi_id"], ["program_increments.id"], name=op.f("fk_features_pi_id_program_increments")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_features_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["train_id"], ["trains.id"], name=op.f("fk_features_train_id_trains")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_features")),
    )
    with op.batch_alter_table("features", schema=None) as batch_op:
        batch_op.create_index("ix_features_departure_id", ["departure_id"], unique=False)
        batch_op.create_index("ix_features_pi_id_title", ["pi_id", "title"], unique=False)
        batch_op.create_index("ix_features_team_id", ["team_id"], unique=False)
        batch_op.create_index("ix_features_train_id_title", ["train_id", "title"], unique=False)

    op.create_table(
        "integration_windows",
        sa.Column("departure_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("team_ids", sa.JSON(), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bu_id"],
            ["business_units.id"],
            name=op.f("fk_integration_windows_bu_id_business_units"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_integration_windows_created_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["departure_id"],
            ["departures.id"],
            name=op.f("fk_integration_windows_departure_id_departures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_windows")),
        sa.UniqueConstraint("departure_id", name=op.f("uq_integration_windows_departure_id")),
    )
    with op.batch_alter_table("integration_windows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_integration_windows_bu_id_starts_at", ["bu_id", "starts_at"], unique=False
        )

    op.create_table(
        "feature_dependencies",
        sa.Column("consumer_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["features.id"],
            name=op.f("fk_feature_dependencies_consumer_id_features"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["people.id"],
            name=op.f("fk_feature_dependencies_created_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["features.id"],
            name=op.f("fk_feature_dependencies_provider_id_features"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_dependencies")),
        sa.UniqueConstraint(
            "consumer_id",
            "provider_id",
            name=op.f("uq_feature_dependencies_consumer_id_provider_id"),
        ),
    )
    with op.batch_alter_table("feature_dependencies", schema=None) as batch_op:
        batch_op.create_index("ix_feature_dependencies_provider_id", ["provider_id"], unique=False)

    op.create_table(
        "integration_results",
        sa.Column("window_id", sa.Uuid(), nullable=False),
        sa.Column("suite", sa.String(length=200), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_via", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["people.id"],
            name=op.f("fk_integration_results_recorded_by_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["window_id"],
            ["integration_windows.id"],
            name=op.f("fk_integration_results_window_id_integration_windows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_results")),
    )
    with op.batch_alter_table("integration_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_integration_results_window_id_recorded_at",
            ["window_id", "recorded_at"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("integration_results")
    op.drop_table("feature_dependencies")
    op.drop_table("integration_windows")
    op.drop_table("features")
    op.drop_table("departure_boardings")
    op.drop_table("departures")
    op.drop_table("cadence_changes")
    op.drop_table("program_increments")
    op.drop_table("trains")
