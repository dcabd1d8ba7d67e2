"""Tables of blameless post-mortems: one per release-related incident, its contributing
factors (systems and process: there is no column for a person) and its action items."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class PostMortem(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A blameless post-mortem of an attributed incident, due `postmortem_due_days` after it
    opened; COMPLETED once every action item is verified done."""

    __tablename__ = "post_mortems"
    __table_args__ = (
        UniqueConstraint("incident_id"),
        Index("ix_post_mortems_bu_id_status_due_at", "bu_id", "status", "due_at"),
        Index("ix_post_mortems_bu_id_created_at", "bu_id", "created_at"),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident_reports.id", ondelete="CASCADE")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    status: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class PostMortemFactor(IdMixin, Base):
    """A contributing factor: a system or process category and what happened (part of the
    post-mortem; never names a person)."""

    __tablename__ = "post_mortem_factors"
    __table_args__ = (Index("ix_post_mortem_factors_post_mortem_id", "post_mortem_id"),)

    post_mortem_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("post_mortems.id", ondelete="CASCADE")
    )
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    added_at: Mapped[datetime] = mapped_column()


class PostMortemAction(IdMixin, Base):
    """An action item and the control it changes (`target_kind`, `target`); DONE only once that
    change exists, linked by `verified_ref` (its id in its own context)."""

    __tablename__ = "post_mortem_actions"
    __table_args__ = (
        Index("ix_post_mortem_actions_post_mortem_id", "post_mortem_id"),
        Index("ix_post_mortem_actions_status_created_at", "status", "created_at"),
    )

    post_mortem_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("post_mortems.id", ondelete="CASCADE")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    title: Mapped[str] = mapped_column(String(200))
    target_kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    verified_ref: Mapped[uuid.UUID | None] = mapped_column()
    verified_summary: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None] = mapped_column()
    verified_by: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()
