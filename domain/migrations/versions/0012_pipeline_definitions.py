"""pipeline definitions: pipelines, their services, definition versions and reviews, runs

Revision ID: 0012
Revises: 0006
Create Date: 2026-11-27 15:30:00.000000

Written by hand (branching from 0006 beside the other pipeline-era contexts; merged later).
One ACTIVE version per pipeline is a partial unique index, which SQLite and PostgreSQL both
build from the same WHERE clause.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
ONLY_ACTIVE = sa.text("status = 'active'")


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
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        *_stamps(),
        _fk("pipelines", "bu_id", "business_units"),
        _fk("pipelines", "team_id", "teams"),
        _fk("pipelines", "created_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipelines")),
        sa.UniqueConstraint("team_id", "key", name=op.f("uq_pipelines_team_id_key")),
    )
    with op.batch_alter_table("pipelines", schema=None) as batch_op:
        batch_op.create_index("ix_pipelines_bu_id_key", ["bu_id", "key"], unique=False)

    op.create_table(
        "pipeline_services",
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("pipeline_services", "pipeline_id", "pipelines", ondelete="CASCADE"),
        _fk("pipeline_services", "service_id", "services"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_services")),
        sa.UniqueConstraint(
            "pipeline_id", "service_id", name=op.f("uq_pipeline_services_pipeline_id_service_id")
        ),
    )
    with op.batch_alter_table("pipeline_services", schema=None) as batch_op:
        batch_op.create_index("ix_pipeline_services_service_id", ["service_id"], unique=False)

    versions = "pipeline_versions"
    op.create_table(
        versions,
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=71), nullable=False),
        sa.Column("raw_hash", sa.String(length=71), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("registered_at", WHEN, nullable=False),
        sa.Column("activated_at", WHEN, nullable=True),
        sa.Column("superseded_at", WHEN, nullable=True),
        sa.Column("rejected_at", WHEN, nullable=True),
        *_stamps(),
        _fk(versions, "pipeline_id", "pipelines"),
        _fk(versions, "bu_id", "business_units"),
        _fk(versions, "author_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{versions}")),
        sa.UniqueConstraint(
            "pipeline_id", "number", name=op.f(f"uq_{versions}_pipeline_id_number")
        ),
    )
    with op.batch_alter_table(versions, schema=None) as batch_op:
        batch_op.create_index(
            f"ix_{versions}_pipeline_id_content_hash", ["pipeline_id", "content_hash"], unique=False
        )
        batch_op.create_index(
            f"ix_{versions}_pipeline_id_raw_hash", ["pipeline_id", "raw_hash"], unique=False
        )
        batch_op.create_index(
            f"uq_{versions}_one_active",
            ["pipeline_id"],
            unique=True,
            sqlite_where=ONLY_ACTIVE,
            postgresql_where=ONLY_ACTIVE,
        )

    reviews = "pipeline_reviews"
    op.create_table(
        reviews,
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewed_at", WHEN, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk(reviews, "version_id", versions, ondelete="CASCADE"),
        _fk(reviews, "bu_id", "business_units"),
        _fk(reviews, "reviewer_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{reviews}")),
        sa.UniqueConstraint(
            "version_id", "reviewer_id", name=op.f(f"uq_{reviews}_version_id_reviewer_id")
        ),
    )

    op.create_table(
        "pipeline_runs",
        sa.Column("pipeline_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.String(length=200), nullable=False),
        sa.Column("definition_hash", sa.String(length=71), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.Column("artifact", sa.String(length=500), nullable=True),
        sa.Column("drift", sa.String(length=16), nullable=False),
        sa.Column("drift_reason", sa.Text(), nullable=False),
        sa.Column("active_version_id", sa.Uuid(), nullable=True),
        sa.Column("matched_version_id", sa.Uuid(), nullable=True),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        *_stamps(),
        _fk("pipeline_runs", "pipeline_id", "pipelines"),
        _fk("pipeline_runs", "bu_id", "business_units"),
        _fk("pipeline_runs", "active_version_id", versions),
        _fk("pipeline_runs", "matched_version_id", versions),
        _fk("pipeline_runs", "reported_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_runs")),
        sa.UniqueConstraint(
            "pipeline_id", "run_id", name=op.f("uq_pipeline_runs_pipeline_id_run_id")
        ),
    )
    with op.batch_alter_table("pipeline_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pipeline_runs_pipeline_id_started_at", ["pipeline_id", "started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pipeline_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_pipeline_runs_pipeline_id_started_at")
    op.drop_table("pipeline_runs")
    op.drop_table("pipeline_reviews")
    with op.batch_alter_table("pipeline_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_pipeline_versions_one_active")
        batch_op.drop_index("ix_pipeline_versions_pipeline_id_raw_hash")
        batch_op.drop_index("ix_pipeline_versions_pipeline_id_content_hash")
    op.drop_table("pipeline_versions")
    with op.batch_alter_table("pipeline_services", schema=None) as batch_op:
        batch_op.drop_index("ix_pipeline_services_service_id")
    op.drop_table("pipeline_services")
    with op.batch_alter_table("pipelines", schema=None) as batch_op:
        batch_op.drop_index("ix_pipelines_bu_id_key")
    op.drop_table("pipelines")
