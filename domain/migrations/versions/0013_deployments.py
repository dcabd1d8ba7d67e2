"""deployments: blue-green and canary plans, health reports, alerts, rollbacks, webhooks, outbox

Revision ID: 0013
Revises: 0006
Create Date: 2026-11-27 18:00:00.000000

Written by hand (a branch from 0006 beside the other contexts; merged later). The outbox is a
kernel table (domain/kernel/outbox.py); its bu_id has no foreign key on purpose.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "deployments",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("environment_id", sa.Uuid(), nullable=False),
        sa.Column("artifact_version", sa.String(length=128), nullable=False),
        sa.Column("artifact_digest", sa.String(length=71), nullable=True),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("current_step", sa.Integer(), nullable=False),
        _ts("step_started_at", nullable=True),
        sa.Column("requested_by_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        _ts("started_at", nullable=True),
        _ts("finished_at", nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("deployments", "service_id", "services"),
        _fk("deployments", "bu_id", "business_units"),
        _fk("deployments", "environment_id", "environments"),
        _fk("deployments", "requested_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployments")),
    )
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.create_index("ix_deployments_bu_id_created_at", ["bu_id", "created_at"])
        batch_op.create_index("ix_deployments_service_id_status", ["service_id", "status"])
        batch_op.create_index("ix_deployments_environment_id_status", ["environment_id", "status"])

    op.create_table(
        "deployment_health_reports",
        sa.Column("deployment_id", sa.Uuid(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        _ts("reported_at"),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("reporter", sa.String(length=200), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("baseline", sa.JSON(), nullable=True),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("deployment_health_reports", "deployment_id", "deployments"),
        _fk("deployment_health_reports", "reported_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_health_reports")),
    )
    with op.batch_alter_table("deployment_health_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deployment_health_reports_deployment_id_reported_at",
            ["deployment_id", "reported_at"],
        )

    op.create_table(
        "deployment_rollbacks",
        sa.Column("deployment_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        _ts("decided_at"),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=False),
        sa.Column("alert_name", sa.String(length=200), nullable=True),
        sa.Column("alert_fingerprint", sa.String(length=64), nullable=True),
        _ts("alert_starts_at", nullable=True),
        sa.Column("report_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("deployment_rollbacks", "deployment_id", "deployments"),
        _fk("deployment_rollbacks", "bu_id", "business_units"),
        _fk("deployment_rollbacks", "decided_by_id", "people"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["deployment_health_reports.id"],
            name=op.f("fk_deployment_rollbacks_report_id_deployment_health_reports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_rollbacks")),
        sa.UniqueConstraint("deployment_id", name=op.f("uq_deployment_rollbacks_deployment_id")),
    )
    with op.batch_alter_table("deployment_rollbacks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deployment_rollbacks_bu_id"), ["bu_id"])

    op.create_table(
        "deployment_alerts",
        sa.Column("deployment_id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        _ts("starts_at"),
        sa.Column("alert_name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        _ts("received_at"),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("deployment_alerts", "deployment_id", "deployments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_alerts")),
        sa.UniqueConstraint(
            "deployment_id",
            "fingerprint",
            "starts_at",
            name=op.f("uq_deployment_alerts_deployment_id_fingerprint_starts_at"),
        ),
    )

    op.create_table(
        "webhook_subscriptions",
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("secret_hint", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        _ts("revoked_at", nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at"),
        _ts("updated_at"),
        _fk("webhook_subscriptions", "bu_id", "business_units"),
        _fk("webhook_subscriptions", "created_by_id", "people"),
        _fk("webhook_subscriptions", "revoked_by_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_subscriptions_bu_id"), ["bu_id"])

    op.create_table(
        "outbox_messages",
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=True),
        sa.Column("destination", sa.String(length=100), nullable=True),
        _ts("created_at"),
        _ts("available_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        _ts("delivered_at", nullable=True),
        _ts("dead_at", nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_messages_key")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_messages_due", ["delivered_at", "dead_at", "available_at"])
        batch_op.create_index("ix_outbox_messages_bu_id_created_at", ["bu_id", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_bu_id_created_at")
        batch_op.drop_index("ix_outbox_messages_due")
    op.drop_table("outbox_messages")
    with op.batch_alter_table("webhook_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_subscriptions_bu_id"))
    op.drop_table("webhook_subscriptions")
    op.drop_table("deployment_alerts")
    with op.batch_alter_table("deployment_rollbacks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deployment_rollbacks_bu_id"))
    op.drop_table("deployment_rollbacks")
    with op.batch_alter_table("deployment_health_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_deployment_health_reports_deployment_id_reported_at")
    op.drop_table("deployment_health_reports")
    with op.batch_alter_table("deployments", schema=None) as batch_op:
        batch_op.drop_index("ix_deployments_environment_id_status")
        batch_op.drop_index("ix_deployments_service_id_status")
        batch_op.drop_index("ix_deployments_bu_id_created_at")
    op.drop_table("deployments")
