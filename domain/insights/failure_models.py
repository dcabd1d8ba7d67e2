"""The analysis of where changes fail, recorded when a policy proposal is made from it: the
proposal's origin (`OriginKind.CHANGE_FAILURES`), so the versioned guardrail change it becomes
says which figures asked for it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin


class ChangeFailureAnalysis(IdMixin, Base):
    """One change type's standing-out figures over a scope and period, as recomputed by the
    server when a proposal was made from them (never the client's). Written once."""

    __tablename__ = "change_failure_analyses"
    __table_args__ = (Index("ix_change_failure_analyses_bu_id_created_at", "bu_id", "created_at"),)

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    """The BU the proposal is read in."""
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The ledger filter analysed: business_unit_id, team_id, service_id, tier (null: any)."""
    since: Mapped[datetime] = mapped_column()
    until: Mapped[datetime] = mapped_column()
    failure: Mapped[str] = mapped_column(String(16))
    factor: Mapped[float] = mapped_column(Float)
    min_changes: Mapped[int] = mapped_column()
    change_type: Mapped[str] = mapped_column(String(32))
    control: Mapped[str] = mapped_column(String(32))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    """{"type": the change type's figures, "overall": the scope's} (`Figures.as_dict`)."""
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()
