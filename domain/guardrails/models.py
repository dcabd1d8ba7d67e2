"""Tables of the guardrails context: guardrail sets, their immutable versions, onboarding.

A set is one of: the core (`kind` core, `subject` "org"), a BU's (`kind` business_unit,
`subject` the BU id) or a tier profile (`kind` profile, `subject` the tier). The row holds
the current values; every saved version is copied to `guardrail_set_versions`, never
changed again, so the guardrails in force at any moment can be answered. A set that was
never saved has no row: the built-in defaults apply as version 0.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin

CORE_SUBJECT = "org"


class GuardrailSet(IdMixin, VersionedMixin, TimestampMixin, Base):
    """The current values of one guardrail set; partial for BU sets and profiles."""

    __tablename__ = "guardrail_sets"
    __table_args__ = (
        UniqueConstraint("kind", "subject"),
        Index("ix_guardrail_sets_bu_id", "bu_id"),
    )

    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class GuardrailSetVersion(IdMixin, Base):
    """One saved version of a set, as it was saved: who, when, why. Append-only."""

    __tablename__ = "guardrail_set_versions"
    __table_args__ = (
        UniqueConstraint("set_id", "version"),
        Index("ix_guardrail_set_versions_kind_subject_saved_at", "kind", "subject", "saved_at"),
        Index("ix_guardrail_set_versions_bu_id", "bu_id"),
    )

    set_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("guardrail_sets.id"))
    version: Mapped[int] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(64))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column()
    saved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    saved_by: Mapped[str] = mapped_column(String(200))
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """For a core version: the BU and profile values it made looser than the core, as saved."""
    origin: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """What asked for this change, when something did (a policy proposal and the retrospective
    or post-mortem it came from): plain ids, so this context knows nothing of the asker."""


class OnboardingCheck(IdMixin, VersionedMixin, TimestampMixin, Base):
    """One item of a team's onboarding checklist; no row means the item is still open."""

    __tablename__ = "onboarding_checks"
    # Scoped through the team's BU (a team may move; its checklist moves with it).
    __table_args__ = (UniqueConstraint("team_id", "item"),)

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    item: Mapped[str] = mapped_column(String(32))
    complete: Mapped[bool] = mapped_column()
    evidence_url: Mapped[str | None] = mapped_column(String(2048))
    evidence_note: Mapped[str] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column()
    completed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reopened_at: Mapped[datetime | None] = mapped_column()
    reopened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reopen_reason: Mapped[str] = mapped_column(Text)
