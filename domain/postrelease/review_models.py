"""Tables of the 24-hour post-release review: one review per production deployment, and each
service's template of metric queries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class PostReleaseReview(IdMixin, VersionedMixin, TimestampMixin, Base):
    """The review of one production deployment, due 24 hours after it finished.

    `deployment_key` is `deployment:<id>` (a Signalbox deployment) or `report:<id>` (one a CD
    tool reported): unique, so a deployment opens exactly one review however often the sweep
    runs. `findings` is what the last gathering read (metrics before and after, alerts,
    incidents, log signals, feedback, synthetic results) and `issues` the emergent issues the
    rules found in it; both are replaced by each gathering, which the audit trail keeps.
    """

    __tablename__ = "post_release_reviews"
    __table_args__ = (
        UniqueConstraint("deployment_key"),
        Index("ix_post_release_reviews_bu_id_due_at", "bu_id", "due_at"),
        Index("ix_post_release_reviews_team_id_status_due_at", "team_id", "status", "due_at"),
        Index("ix_post_release_reviews_status_due_at", "status", "due_at"),
    )

    deployment_key: Mapped[str] = mapped_column(String(64))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deployments.id"))
    deployment_report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deployment_reports.id")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))
    deployed_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    metrics_state: Mapped[str] = mapped_column(String(16))
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    issues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    gathered_at: Mapped[datetime | None] = mapped_column()
    verdict: Mapped[str | None] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    closed_at: Mapped[datetime | None] = mapped_column()


class MetricTemplate(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A service's named PromQL queries, `{service}` standing for its key.

    `queries`: [{name, promql}]; a standard metric's name (error_rate, latency_p99, saturation)
    replaces the built-in query, any other name adds a custom one. Higher is worse for every
    query (a custom one measures something to keep low).
    """

    __tablename__ = "post_release_metric_templates"
    __table_args__ = (UniqueConstraint("service_id"),)

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"), index=True)
    queries: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
