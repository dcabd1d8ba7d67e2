"""User feedback tagged to services: support tickets and in-app feedback (append-only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin


class FeedbackItem(IdMixin, Base):
    """One item of feedback about a service. Unique per BU by (source, external_ref), so a
    support tool's redelivery stores nothing twice."""

    __tablename__ = "post_release_feedback"
    __table_args__ = (
        UniqueConstraint("bu_id", "source", "external_ref"),
        Index("ix_post_release_feedback_service_id_occurred_at", "service_id", "occurred_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(200))
    """`graphql`, or `webhook:<secret name>` for a signed webhook."""
    external_ref: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    occurred_at: Mapped[datetime] = mapped_column()
    received_at: Mapped[datetime] = mapped_column()
    reported_by: Mapped[str] = mapped_column(String(200))
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
