"""Tables of SRE readiness reviews: checklist templates (versioned), reviews and their items."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class ReviewTemplate(IdMixin, Base):
    """One version of a readiness checklist template. Editing adds a version; rows never change.

    `bu_id` null is an org (RMO) template applying to every BU; a BU template adds items to its
    own BU's reviews and can never take an org item away.
    `items`: [{key, kind, title, valid_days}]; `tiers`: the service tiers it applies to (empty:
    every tier).
    """

    __tablename__ = "readiness_review_templates"
    __table_args__ = (
        UniqueConstraint("domain", "key", "version"),
        Index("ix_readiness_review_templates_domain_key", "domain", "key"),
    )

    key: Mapped[str] = mapped_column(String(64))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    domain: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    tiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()


class ReadinessReview(IdMixin, VersionedMixin, TimestampMixin, Base):
    """An SRE readiness review: its checklist (items) and who signed it off.

    Of a release (`release_id`), or of a service for its first launch (`service_id`): exactly
    one is set, and each release and each service has one review at most.
    """

    __tablename__ = "readiness_reviews"
    __table_args__ = (
        UniqueConstraint("release_id"),
        UniqueConstraint("service_id"),
        CheckConstraint(
            "(release_id IS NULL AND service_id IS NOT NULL)"
            " OR (release_id IS NOT NULL AND service_id IS NULL)",
            name="one_subject",
        ),
        Index("ix_readiness_reviews_bu_id", "bu_id"),
    )

    release_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("releases.id"))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    status: Mapped[str] = mapped_column(String(16))
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    # The template versions the checklist was made from: [{template_id, key, version}].
    templates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signed_off_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column()
    sign_off_note: Mapped[str] = mapped_column(Text, default="")


class ReviewItem(IdMixin, Base):
    """One checklist item of a review, with its evidence once recorded (part of the review)."""

    __tablename__ = "readiness_review_items"
    __table_args__ = (UniqueConstraint("review_id", "key"),)

    review_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("readiness_reviews.id", ondelete="CASCADE")
    )
    # "<template key>.<item key>": unique in the review, stable across template versions.
    key: Mapped[str] = mapped_column(String(130))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    valid_days: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column()
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
    note: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime | None] = mapped_column()
