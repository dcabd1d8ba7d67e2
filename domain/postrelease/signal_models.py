"""Log-derived signals: error counts by fingerprint that log pipelines post (append-only)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin


class LogSignal(IdMixin, Base):
    """`count` errors of one fingerprint seen in the service's logs during [starts_at, ends_at)."""

    __tablename__ = "post_release_log_signals"
    __table_args__ = (
        Index("ix_post_release_log_signals_service_id_ends_at", "service_id", "ends_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    fingerprint: Mapped[str] = mapped_column(String(128))
    message: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int] = mapped_column()
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    reported_at: Mapped[datetime] = mapped_column()
    reported_by: Mapped[str] = mapped_column(String(200))
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
