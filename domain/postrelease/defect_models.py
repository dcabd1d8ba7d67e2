"""Tables of post-release defects and of the patterns detected over them (one row per pattern
and period, so each new pattern is announced once)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Defect(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A defect found after release, classified; reclassifying it adds a version.

    `bu_id` repeats the service's BU so scoped reads need no join. The source is a kind and an
    id (an incident report, a post-mortem, a feedback item; none when recorded by hand).
    """

    __tablename__ = "defects"
    __table_args__ = (
        Index("ix_defects_bu_id_found_at", "bu_id", "found_at"),
        Index("ix_defects_service_id_found_at", "service_id", "found_at"),
        Index("ix_defects_source_kind_source_id", "source_kind", "source_id"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    component: Mapped[str] = mapped_column(String(100))
    change_type: Mapped[str] = mapped_column(String(32))
    root_cause: Mapped[str] = mapped_column(String(32))
    escaped_layer: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    source_kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[uuid.UUID | None] = mapped_column()
    release_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("releases.id"))
    deployment_report_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("deployment_reports.id")
    )
    found_at: Mapped[datetime] = mapped_column()
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class DefectPattern(IdMixin, Base):
    """A pattern detected in one BU over one period (append-only): announced once, by webhook,
    to planning as a technical-debt or test-automation item."""

    __tablename__ = "defect_patterns"
    __table_args__ = (
        UniqueConstraint("bu_id", "kind", "subject", "period_start"),
        Index("ix_defect_patterns_bu_id_detected_at", "bu_id", "detected_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))
    """The category, the test layer, the service id or the change type the pattern is about."""
    period_start: Mapped[datetime] = mapped_column()
    period_end: Mapped[datetime] = mapped_column()
    item_type: Mapped[str] = mapped_column(String(32))
    defects: Mapped[int] = mapped_column()
    rate: Mapped[float | None] = mapped_column(Float)
    previous_rate: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(300))
    detected_at: Mapped[datetime] = mapped_column()
