"""Tables of production support rotations: a team's rotation, its swaps, a release's watchers.

Shifts are not stored: they are computed from the rotation (members in order, hand-over time in
its zone, shift length, first hand-over day) and its swaps by `rules.py`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Rotation(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A team's production support rotation (one per team).

    `members`: person ids (as text) in rotation order; shift n belongs to members[n % len].
    `handover` is "HH:MM" local time in `tzid`; `starts_on` ("YYYY-MM-DD") is the day of the
    first hand-over (shift 0); every shift lasts `shift_days` local days.
    """

    __tablename__ = "support_rotations"
    __table_args__ = (
        UniqueConstraint("team_id"),
        Index("ix_support_rotations_bu_id_created_at", "bu_id", "created_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSON, default=list)
    handover: Mapped[str] = mapped_column(String(5))
    tzid: Mapped[str] = mapped_column(String(64))
    shift_days: Mapped[int] = mapped_column()
    starts_on: Mapped[str] = mapped_column(String(10))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class Swap(IdMixin, Base):
    """One shift covered by another member than the schedule says, and why (part of the
    rotation). It counts while the schedule still gives the shift to `original_id`."""

    __tablename__ = "support_swaps"
    __table_args__ = (UniqueConstraint("rotation_id", "shift_number"),)

    rotation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_rotations.id", ondelete="CASCADE")
    )
    shift_number: Mapped[int] = mapped_column()
    original_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    covering_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    reason: Mapped[str] = mapped_column(Text)
    swapped_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()


class ReleaseWatch(IdMixin, Base):
    """Who watches a production release: the member on shift when its production window opens
    (primary) and one of its authors (secondary) until `secondary_until`."""

    __tablename__ = "support_release_watches"
    __table_args__ = (
        UniqueConstraint("release_id"),
        Index("ix_support_release_watches_secondary_id_starts_at", "secondary_id", "starts_at"),
        Index("ix_support_release_watches_rotation_id_starts_at", "rotation_id", "starts_at"),
    )

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    rotation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("support_rotations.id", ondelete="CASCADE")
    )
    shift_number: Mapped[int] = mapped_column()
    primary_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    secondary_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    starts_at: Mapped[datetime] = mapped_column()
    secondary_until: Mapped[datetime] = mapped_column()
    secondary_hours: Mapped[int] = mapped_column()
    assigned_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()
