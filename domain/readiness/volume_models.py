"""Each service's production volume profile: what a production-like run must come close to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class VolumeProfile(IdMixin, VersionedMixin, TimestampMixin, Base):
    """The production volume of one service (rows, requests per second, payload size); a
    dimension left empty is not compared. `bu_id` repeats the service's BU."""

    __tablename__ = "readiness_volume_profiles"
    __table_args__ = (Index("ix_readiness_volume_profiles_bu_id", "bu_id"),)

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"), unique=True)
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    rows: Mapped[int | None] = mapped_column(BigInteger)
    requests_per_second: Mapped[float | None] = mapped_column(Float)
    payload_bytes: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(32))
    measured_at: Mapped[datetime | None] = mapped_column()
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
