"""Tables of promotions (an artifact asked to go to an environment) and their approvals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Promotion(IdMixin, VersionedMixin, TimestampMixin, Base):
    """May artifact A@V of service S go to environment E? Asked once, decided again as facts
    change; every decision is in the audit trail with every gate."""

    __tablename__ = "promotions"
    __table_args__ = (
        Index("ix_promotions_service_id_environment_id", "service_id", "environment_id"),
        Index("ix_promotions_bu_id_created_at", "bu_id", "created_at"),
        Index("ix_promotions_release_id", "release_id"),
        Index("ix_promotions_status_expires_at", "status", "expires_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    release_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("releases.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    """When it expires if still waiting (guardrail `promotion_wait_expiry_hours` at request)."""


class PromotionApproval(IdMixin, Base):
    __tablename__ = "promotion_approvals"
    __table_args__ = (UniqueConstraint("promotion_id", "approver_id"),)

    promotion_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("promotions.id", ondelete="CASCADE"), index=True
    )
    approver_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    approved_at: Mapped[datetime] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
