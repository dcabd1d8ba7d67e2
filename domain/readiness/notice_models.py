"""Tables of downtime communication: a release's notice, who must acknowledge it, subscribers.

A release is breaking or has planned unavailability when it has a `DowntimeNotice` (kept here,
keyed by release, not in governance's tables). Issuing it computes its audience once: one
`DowntimeRecipient` per team owning a service downstream of the release (transitively), each
acknowledged by a member of the team (GraphQL) or through the signed link its contacts get.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class DowntimeNotice(IdMixin, VersionedMixin, TimestampMixin, Base):
    """What a breaking or unavailable release tells its consumers: the window, the impact and
    whom to call; issued once, escalated once the notice period passed unacknowledged."""

    __tablename__ = "downtime_notices"
    __table_args__ = (
        UniqueConstraint("release_id"),
        CheckConstraint("window_ends_at > window_starts_at", name="window_ordered"),
    )

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    window_starts_at: Mapped[datetime] = mapped_column()
    window_ends_at: Mapped[datetime] = mapped_column()
    impact: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(320))
    downstream_service_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    issued_at: Mapped[datetime] = mapped_column()
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    escalated_at: Mapped[datetime | None] = mapped_column()
    escalated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    escalation_note: Mapped[str | None] = mapped_column(Text)


class DowntimeRecipient(IdMixin, Base):
    """A team that must acknowledge a notice, with the downstream services it owns."""

    __tablename__ = "downtime_recipients"
    __table_args__ = (
        UniqueConstraint("notice_id", "team_id"),
        Index("ix_downtime_recipients_team_id", "team_id"),
    )

    notice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("downtime_notices.id", ondelete="CASCADE")
    )
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    acknowledged_at: Mapped[datetime | None] = mapped_column()
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    acknowledged_via: Mapped[str | None] = mapped_column(String(16))


class DowntimeSubscription(IdMixin, Base):
    """An address told of downtime: a team's contact (gets the team's acknowledgement link) or a
    stakeholder of a service (told whenever the service is shipped or downstream)."""

    __tablename__ = "downtime_subscriptions"
    __table_args__ = (
        UniqueConstraint("subject_id", "subject", "email"),
        CheckConstraint("subject IN ('team', 'service')", name="subject_known"),
        Index("ix_downtime_subscriptions_bu_id_email", "bu_id", "email"),
    )

    subject: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[uuid.UUID] = mapped_column()
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
