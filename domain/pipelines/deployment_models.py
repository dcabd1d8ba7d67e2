"""Tables of deployment plans, steps, health reports, rollback decisions and webhook subscriptions.

A deployment's plan (its steps) is fixed when it is created, so it is kept on the deployment
as JSON; what happens during it (health reports, alerts received, the rollback decision) is
appended to tables of its own. `bu_id` repeats the service's BU so scoped lists need no join.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin

ONLY_IMPORTED = text("imported")


class Deployment(IdMixin, VersionedMixin, TimestampMixin, Base):
    """An artifact version of a service going to an environment by a blue-green or canary plan.

    `steps` is the plan: [{"kind", "weight", "dwellMinutes"}], weight = percent of live traffic
    on the new version. `current_step` indexes it; `step_started_at` starts its dwell time.
    """

    __tablename__ = "deployments"
    __table_args__ = (
        Index("ix_deployments_bu_id_created_at", "bu_id", "created_at"),
        Index("ix_deployments_service_id_status", "service_id", "status"),
        Index("ix_deployments_environment_id_status", "environment_id", "status"),
        Index("ix_deployments_finished_at", "finished_at"),
        # history import (domain/pipelines/history.py): one row per imported deployment's key
        Index(
            "uq_deployments_imported_key",
            "service_id",
            "environment_id",
            "artifact_version",
            "finished_at",
            unique=True,
            sqlite_where=ONLY_IMPORTED,
            postgresql_where=ONLY_IMPORTED,
        ),
    )

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))
    artifact_digest: Mapped[str | None] = mapped_column(String(71))
    strategy: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    current_step: Mapped[int] = mapped_column()
    step_started_at: Mapped[datetime | None] = mapped_column()
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    requested_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    imported: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Imported from a CD tool's history from before the service was governed here: counted by
    the ledger and DORA, never matched against promotions (domain/pipelines/history.py)."""


class HealthReport(IdMixin, Base):
    """Metrics reported for one step, and the analysis of them (append-only)."""

    __tablename__ = "deployment_health_reports"
    __table_args__ = (
        Index(
            "ix_deployment_health_reports_deployment_id_reported_at",
            "deployment_id",
            "reported_at",
        ),
    )

    deployment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deployments.id"))
    step_index: Mapped[int] = mapped_column()
    reported_at: Mapped[datetime] = mapped_column()
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reporter: Mapped[str] = mapped_column(String(200))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    baseline: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    thresholds: Mapped[dict[str, Any]] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class RollbackDecision(IdMixin, Base):
    """Why and by whom a deployment was rolled back; at most one per deployment."""

    __tablename__ = "deployment_rollbacks"
    __table_args__ = (UniqueConstraint("deployment_id"),)

    deployment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deployments.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    step_index: Mapped[int] = mapped_column()
    decided_at: Mapped[datetime] = mapped_column()
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_by: Mapped[str] = mapped_column(String(200))
    alert_name: Mapped[str | None] = mapped_column(String(200))
    alert_fingerprint: Mapped[str | None] = mapped_column(String(64))
    alert_starts_at: Mapped[datetime | None] = mapped_column()
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deployment_health_reports.id"))


class DeploymentAlert(IdMixin, Base):
    """A firing Alertmanager alert that rolled back a deployment under way.

    Unique per (deployment, fingerprint, startsAt): Alertmanager redelivers and repeats groups,
    and the same firing of an alert must decide at most once.
    """

    __tablename__ = "deployment_alerts"
    __table_args__ = (UniqueConstraint("deployment_id", "fingerprint", "starts_at"),)

    deployment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deployments.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column()
    alert_name: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column()
    received_by: Mapped[str] = mapped_column(String(200))


class WebhookSubscription(IdMixin, VersionedMixin, TimestampMixin, Base):
    """An outbound webhook: events of its topics (of its BU, or of all with none) go to `url`.

    The signing secret is shown once at creation and kept sealed (domain/kernel/sealed.py).
    """

    __tablename__ = "webhook_subscriptions"

    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    topics: Mapped[list[str]] = mapped_column(JSON)
    secret_sealed: Mapped[str] = mapped_column(Text)
    secret_hint: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
