"""Tables of policy iteration: teams' retrospectives and the policy proposals they (or a
post-mortem) produce. A proposal names one guardrail field or risk threshold at one scope and
the value proposed; once approved and applied it is a versioned guardrail or risk-model change
made by that context's own use case, which records the proposal as its origin."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Retrospective(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A team's retrospective: when it was held, what was said and what came out of it.

    `bu_id` repeats the team's BU so scoped reads need no join."""

    __tablename__ = "retrospectives"
    __table_args__ = (
        Index("ix_retrospectives_bu_id_held_on", "bu_id", "held_on"),
        Index("ix_retrospectives_team_id_held_on", "team_id", "held_on"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class PolicyProposal(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A proposal to change one threshold: draft → submitted → approved/rejected → applied.

    `bu_id` is the origin's BU (the proposal is read there); a BUSINESS_UNIT target is that
    BU's guardrail set or risk mapping. `proposed` holds {"value": ...} so a null value (remove
    a BU's tightening) is kept apart from no value."""

    __tablename__ = "policy_proposals"
    __table_args__ = (
        Index("ix_policy_proposals_bu_id_status_created_at", "bu_id", "status", "created_at"),
        Index("ix_policy_proposals_bu_id_created_at", "bu_id", "created_at"),
        Index("ix_policy_proposals_origin_kind_origin_id", "origin_kind", "origin_id"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    origin_kind: Mapped[str] = mapped_column(String(16))
    origin_id: Mapped[uuid.UUID] = mapped_column()
    target_kind: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str | None] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    """The guardrail field, or the risk level whose threshold changes."""
    proposed: Mapped[dict[str, Any]] = mapped_column(JSON)
    rationale: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime | None] = mapped_column()
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    applied_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    applied_at: Mapped[datetime | None] = mapped_column()
    applied_version: Mapped[int | None] = mapped_column()
    """The guardrail set's or risk model's (mapping's) version the change became."""
