"""evidence and CDEvents: artifacts, evidence, webhook secrets, cd_events, deployment and
incident reports

Revision ID: 0011
Revises: 0006
Create Date: 2026-11-27 17:00:00.000000

Written by hand (branching from 0006 beside the other contexts of this era; merged later).
cd_events is keyed by (source, event_id, type), not (source, event_id) alone: see
domain.pipelines.cdevents for why.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, *, cascade: bool = False) -> sa.ForeignKeyConstraint:
    referred = target.partition(".")[0]
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete="CASCADE" if cascade else None,
    )


def _at(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "artifacts",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=128), nullable=False),
        sa.Column("digest", sa.String(length=71), nullable=False),
        _at("created_at"),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("artifacts", "service_id", "services.id"),
        _fk("artifacts", "bu_id", "business_units.id"),
        _fk("artifacts", "created_by_id", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifacts")),
        sa.UniqueConstraint("service_id", "digest", name=op.f("uq_artifacts_service_id_digest")),
        sa.UniqueConstraint("service_id", "version", name=op.f("uq_artifacts_service_id_version")),
    )
    with op.batch_alter_table("artifacts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_artifacts_service_id_created_at", ["service_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_artifacts_bu_id_created_at", ["bu_id", "created_at"], unique=False
        )

    op.create_table(
        "artifact_evidence",
        sa.Column("artifact_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _at("reported_at"),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("artifact_evidence", "artifact_id", "artifacts.id", cascade=True),
        _fk("artifact_evidence", "bu_id", "business_units.id"),
        _fk("artifact_evidence", "reported_by_id", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artifact_evidence")),
    )
    with op.batch_alter_table("artifact_evidence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_artifact_evidence_artifact_id_kind",
            ["artifact_id", "kind", "subject", "reported_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_artifact_evidence_bu_id_reported_at", ["bu_id", "reported_at"], unique=False
        )

    op.create_table(
        "webhook_secrets",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        _at("created_at"),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        _at("last_used_at", nullable=True),
        _at("revoked_at", nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("webhook_secrets", "bu_id", "business_units.id"),
        _fk("webhook_secrets", "created_by_id", "people.id"),
        _fk("webhook_secrets", "revoked_by_id", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_secrets")),
        sa.UniqueConstraint("bu_id", "name", name=op.f("uq_webhook_secrets_bu_id_name")),
    )

    op.create_table(
        "cd_events",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=512), nullable=False),
        sa.Column("event_id", sa.String(length=256), nullable=False),
        sa.Column("type", sa.String(length=256), nullable=False),
        sa.Column("specversion", sa.String(length=32), nullable=False),
        _at("timestamp"),
        sa.Column("subject_id", sa.String(length=512), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        _at("received_at"),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("received_by_id", sa.Uuid(), nullable=True),
        sa.Column("webhook_secret_id", sa.Uuid(), nullable=True),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("cd_events", "bu_id", "business_units.id"),
        _fk("cd_events", "received_by_id", "people.id"),
        _fk("cd_events", "webhook_secret_id", "webhook_secrets.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cd_events")),
        sa.UniqueConstraint(
            "source", "event_id", "type", name=op.f("uq_cd_events_source_event_id_type")
        ),
    )
    with op.batch_alter_table("cd_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cd_events_bu_id_received_at", ["bu_id", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_cd_events_bu_id_type", ["bu_id", "type", "received_at"], unique=False
        )

    op.create_table(
        "deployment_reports",
        sa.Column("cd_event_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _at("occurred_at"),
        sa.Column("service_ref", sa.String(length=512), nullable=False),
        sa.Column("environment_ref", sa.String(length=512), nullable=False),
        sa.Column("artifact_ref", sa.String(length=1024), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("environment_id", sa.Uuid(), nullable=True),
        sa.Column("artifact_id", sa.Uuid(), nullable=True),
        sa.Column("unresolved", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("deployment_reports", "cd_event_id", "cd_events.id"),
        _fk("deployment_reports", "bu_id", "business_units.id"),
        _fk("deployment_reports", "service_id", "services.id"),
        _fk("deployment_reports", "environment_id", "environments.id"),
        _fk("deployment_reports", "artifact_id", "artifacts.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_reports")),
        sa.UniqueConstraint("cd_event_id", name=op.f("uq_deployment_reports_cd_event_id")),
    )
    with op.batch_alter_table("deployment_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deployment_reports_bu_id_occurred_at", ["bu_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_deployment_reports_service_id_occurred_at",
            ["service_id", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "incident_reports",
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("origin", sa.String(length=512), nullable=False),
        sa.Column("incident_ref", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("service_ref", sa.String(length=512), nullable=False),
        sa.Column("environment_ref", sa.String(length=512), nullable=False),
        sa.Column("artifact_ref", sa.String(length=1024), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("environment_id", sa.Uuid(), nullable=True),
        _at("detected_at"),
        _at("resolved_at", nullable=True),
        sa.Column("opened_by_event_id", sa.Uuid(), nullable=False),
        sa.Column("resolved_by_event_id", sa.Uuid(), nullable=True),
        sa.Column("unresolved", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("incident_reports", "bu_id", "business_units.id"),
        _fk("incident_reports", "service_id", "services.id"),
        _fk("incident_reports", "environment_id", "environments.id"),
        _fk("incident_reports", "opened_by_event_id", "cd_events.id"),
        _fk("incident_reports", "resolved_by_event_id", "cd_events.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_reports")),
        sa.UniqueConstraint(
            "bu_id",
            "origin",
            "incident_ref",
            name=op.f("uq_incident_reports_bu_id_origin_incident_ref"),
        ),
    )
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_reports_bu_id_detected_at", ["bu_id", "detected_at"], unique=False
        )
        batch_op.create_index(
            "ix_incident_reports_service_id_detected_at",
            ["service_id", "detected_at"],
            unique=False,
        )


def downgrade() -> None:
    for table in (
        "incident_reports",
        "deployment_reports",
        "cd_events",
        "webhook_secrets",
        "artifact_evidence",
        "artifacts",
    ):
        op.drop_table(table)
