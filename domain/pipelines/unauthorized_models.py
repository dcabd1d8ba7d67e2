"""Tables of production deployments linked to the promotions that allowed them, and of
unauthorized changes: production deployments no allowed promotion covers.

Either a production deployment is linked to its promotion or it is an unauthorized change,
whatever path reported it (GraphQL, CDEvents, an Alertmanager alert). `bu_id` repeats the
service's BU so scoped lists need no join; `release_id` is the release the promotion (or the
report) names, so a release's production deployments are read in one statement.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class PromotionLink(IdMixin, Base):
    """A production deployment and the allowed promotion of the same service, version and
    environment that it carries out (append-only)."""

    __tablename__ = "promotion_links"
    __table_args__ = (
        Index("ix_promotion_links_release_id", "release_id"),
        Index("ix_promotion_links_promotion_id", "promotion_id"),
        Index("ix_promotion_links_deployment_id", "deployment_id"),
        Index("ix_promotion_links_deployment_report_id", "deployment_report_id"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    promotion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("promotions.id"))
    release_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("releases.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(16))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deployments.id"))
    deployment_report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deployment_reports.id")
    )
    named: Mapped[bool] = mapped_column()
    """Whether the report named the promotion (checked) or it was found by the matching rule."""
    linked_at: Mapped[datetime] = mapped_column()


class UnauthorizedChange(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A production deployment with no allowed promotion: OPEN until the RMO reviews it (never
    its deployer), then REVIEWED with the finding."""

    __tablename__ = "unauthorized_changes"
    __table_args__ = (
        Index("ix_unauthorized_changes_status_detected_at", "status", "detected_at"),
        Index("ix_unauthorized_changes_bu_id_detected_at", "bu_id", "detected_at"),
        Index("ix_unauthorized_changes_release_id", "release_id"),
        Index("ix_unauthorized_changes_deployment_id", "deployment_id"),
        Index(
            "ix_unauthorized_changes_service_id_environment_id",
            "service_id",
            "environment_id",
            "artifact_version",
        ),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    release_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("releases.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))
    source: Mapped[str] = mapped_column(String(16))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deployments.id"))
    deployment_report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deployment_reports.id")
    )
    named_promotion_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("promotions.id"))
    reason: Mapped[str] = mapped_column(Text)
    """Why no allowed promotion covers it, in a sentence."""
    deployed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    deployed_by: Mapped[str] = mapped_column(String(200))
    detected_at: Mapped[datetime] = mapped_column()
    alerted: Mapped[bool] = mapped_column()
    """Whether the guardrail `unauthorized_change_alert` raised an alert through the outbox."""
    status: Mapped[str] = mapped_column(String(16))
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    finding: Mapped[str] = mapped_column(Text, default="")
