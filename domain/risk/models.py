"""Tables of the risk context: model versions, BU mapping versions, assessments, peer reviews.

Model and mapping versions are immutable rows: saving adds the next version (unique, so two
writers racing for the same number cannot both win). Assessments are append-only snapshots of
what was scored, with what, and why. A peer review is one per reviewer and release; a later
one from the same reviewer replaces its verdict (versioned, audited).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class RiskModelVersion(IdMixin, Base):
    """One saved version of the org's risk model (version 0, the built-in, is never stored)."""

    __tablename__ = "risk_models"
    __table_args__ = (UniqueConstraint("version"),)

    version: Mapped[int] = mapped_column()
    # {factor: {weight, cap}}
    factors: Mapped[dict[str, Any]] = mapped_column(JSON)
    change_type_weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {thresholds: {level: score}, requirements: {level: {...}}}
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    origin: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """What asked for this version, when something did (a policy proposal and its origin)."""


class RiskMappingVersion(IdMixin, Base):
    """One saved version of a BU's tightening of the core mapping."""

    __tablename__ = "risk_mappings"
    __table_args__ = (UniqueConstraint("bu_id", "version"),)

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    version: Mapped[int] = mapped_column()
    # {thresholds: {level: score}, requirements: {level: {key: value}}}: only what it sets.
    overlay: Mapped[dict[str, Any]] = mapped_column(JSON)
    core_version: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    origin: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """What asked for this version, when something did (a policy proposal and its origin)."""


class RiskAssessment(IdMixin, Base):
    """A release scored: the facts, the versions used, the contributions and requirements."""

    __tablename__ = "risk_assessments"
    __table_args__ = (
        Index("ix_risk_assessments_release_id_assessed_at", "release_id", "assessed_at"),
        Index("ix_risk_assessments_bu_id", "bu_id"),
    )

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    model_version: Mapped[int] = mapped_column()
    mapping_version: Mapped[int] = mapped_column()
    score: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(16))
    contributions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    requirements: Mapped[dict[str, Any]] = mapped_column(JSON)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    assessed_at: Mapped[datetime] = mapped_column()
    assessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class PeerReview(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A reviewer's verdict on a release's changes; never by one of its authors."""

    __tablename__ = "peer_reviews"
    __table_args__ = (
        UniqueConstraint("release_id", "reviewer_id"),
        Index("ix_peer_reviews_bu_id", "bu_id"),
    )

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    verdict: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(500), default="")
