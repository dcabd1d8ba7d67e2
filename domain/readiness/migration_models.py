"""The data migrations a release declares, per service it ships."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class DataMigration(IdMixin, VersionedMixin, TimestampMixin, Base):
    """One migration of one service's data that a release carries: its pre-validation checks
    (JSON list of {name, verifies, passed, detail}), its compensating step for rollback, or an
    irreversible waiver and who approved it. The dry run is evidence of the artifact
    (pipelines' `migration_dry_run` reports naming the key); `bu_id` repeats the release's."""

    __tablename__ = "readiness_data_migrations"
    __table_args__ = (
        UniqueConstraint("release_id", "service_id", "key"),
        Index("ix_readiness_data_migrations_bu_id", "bu_id"),
    )

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    key: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    pre_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    compensation_kind: Mapped[str | None] = mapped_column(String(32))
    compensation_reference: Mapped[str] = mapped_column(String(2000), default="")
    compensation_notes: Mapped[str] = mapped_column(Text, default="")
    waiver_approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    waiver_approved_at: Mapped[datetime | None] = mapped_column()
    declared_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
