"""Tables of non-functional requirements: what each service declares, and the staging runs
whose figures validate them for an artifact version."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin


class ServiceNfr(IdMixin, TimestampMixin, Base):
    """One NFR a service declared: a standard key with its own target, or a custom NFR.

    `bu_id` repeats the service's BU so scoped reads need no join.
    """

    __tablename__ = "service_nfrs"
    __table_args__ = (UniqueConstraint("service_id", "key"),)

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(32))
    comparison: Mapped[str] = mapped_column(String(16))
    target: Mapped[float] = mapped_column(Float)


class NfrRun(IdMixin, Base):
    """A staging run's NFR figures for one artifact version (append-only)."""

    __tablename__ = "nfr_runs"
    __table_args__ = (
        UniqueConstraint(
            "service_id",
            "artifact_version",
            "environment_id",
            "name",
        ),
        Index(
            "ix_nfr_runs_service_id_artifact_version",
            "service_id",
            "artifact_version",
            "finished_at",
        ),
        Index("ix_nfr_runs_bu_id", "bu_id"),
    )

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    environment_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    finished_at: Mapped[datetime] = mapped_column()
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(16))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column()
