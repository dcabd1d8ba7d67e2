"""The release calendar: deployment windows, freeze periods and their exceptions, quarterly
alignments, and the per-user secret feed URLs of the iCalendar feed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class DeploymentWindow(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A planned slot for a release, maintenance or vendor change: [starts_at, ends_at)."""

    __tablename__ = "deployment_windows"
    __table_args__ = (
        Index("ix_deployment_windows_starts_at_ends_at", "starts_at", "ends_at"),
        Index("ix_deployment_windows_environment_starts_at", "environment", "starts_at"),
        Index("ix_deployment_windows_bu_id_starts_at", "bu_id", "starts_at"),
        Index("ix_deployment_windows_release_id", "release_id"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    kind: Mapped[str] = mapped_column(String(16))
    release_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("releases.id"))
    title: Mapped[str] = mapped_column(String(200))
    environment: Mapped[str | None] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class WindowService(IdMixin, Base):
    """A service a window touches. The window's times are repeated here so the overlap query
    is one index range scan per service, not a join over every window."""

    __tablename__ = "window_services"
    __table_args__ = (
        UniqueConstraint("window_id", "service_id"),
        Index("ix_window_services_service_id_starts_at", "service_id", "starts_at", "ends_at"),
    )

    window_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deployment_windows.id", ondelete="CASCADE")
    )
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()


class WindowResource(IdMixin, Base):
    """A shared resource (a database cluster, say) a window uses; times repeated as above."""

    __tablename__ = "window_resources"
    __table_args__ = (
        UniqueConstraint("window_id", "resource"),
        Index("ix_window_resources_resource_starts_at", "resource", "starts_at", "ends_at"),
    )

    window_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("deployment_windows.id", ondelete="CASCADE")
    )
    resource: Mapped[str] = mapped_column(String(128))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()


class Freeze(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A period when nothing in scope may be scheduled or promoted; one-off or recurring.

    The first occurrence is [starts_at, ends_at); with an RFC 5545 `rrule` it recurs in
    `tzid` (wall-clock times, so a 09:00 freeze stays 09:00 across daylight saving).
    `effective_until` bounds the last occurrence's end (null: recurs forever).
    """

    __tablename__ = "freezes"
    __table_args__ = (
        Index("ix_freezes_status_starts_at", "status", "starts_at"),
        Index("ix_freezes_bu_id", "bu_id"),
    )

    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(16))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    tiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    environments: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    tzid: Mapped[str] = mapped_column(String(64))
    rrule: Mapped[str | None] = mapped_column(Text)
    effective_until: Mapped[datetime | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column()


class FreezeService(IdMixin, Base):
    __tablename__ = "freeze_services"
    __table_args__ = (
        UniqueConstraint("freeze_id", "service_id"),
        Index("ix_freeze_services_service_id", "service_id"),
    )

    freeze_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("freezes.id", ondelete="CASCADE"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))


class FreezeApproval(IdMixin, Base):
    """A named business stakeholder whose approval the freeze needs before it binds."""

    __tablename__ = "freeze_approvals"
    __table_args__ = (UniqueConstraint("freeze_id", "person_id"),)

    freeze_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("freezes.id", ondelete="CASCADE"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    decision: Mapped[str | None] = mapped_column(String(16))
    decided_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")


class FreezeException(IdMixin, VersionedMixin, TimestampMixin, Base):
    """Leave for one release and one window to go through a freeze; expires by itself."""

    __tablename__ = "freeze_exceptions"
    __table_args__ = (
        Index("ix_freeze_exceptions_freeze_id", "freeze_id"),
        Index("ix_freeze_exceptions_release_id", "release_id"),
        Index("ix_freeze_exceptions_status_expires_at", "status", "expires_at"),
    )

    freeze_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("freezes.id"))
    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id"))
    window_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deployment_windows.id"))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    justification: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    reviewed_at: Mapped[datetime | None] = mapped_column()
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    review_note: Mapped[str] = mapped_column(Text, default="")


class Alignment(IdMixin, Base):
    """A quarter's agreed ranking of competing releases, with rationale; newest one counts.

    `ranking`: [{release_id, rank, rationale}], rank 1 first.
    """

    __tablename__ = "alignments"
    __table_args__ = (Index("ix_alignments_quarter_created_at", "quarter", "created_at"),)

    quarter: Mapped[str] = mapped_column(String(8))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    ranking: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    agreed_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()


class CalendarFeed(IdMixin, Base):
    """A person's secret iCalendar feed URL (calendar clients cannot send bearer headers)."""

    __tablename__ = "calendar_feeds"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
