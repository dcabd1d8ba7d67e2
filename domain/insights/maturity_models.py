"""Tables of quarterly maturity assessments: the questionnaire versions a BU publishes, one
assessment per team and quarter, and every submission of it (the history an auditor reads)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class MaturityQuestionnaire(IdMixin, Base):
    """One published version of a BU's questionnaire (append-only: a new version is a new row).

    `dimensions` is data: [{dimension, title, levels: [five descriptions, level 1 first]}].
    `gap_threshold` is the control: a self-assessment this many levels above telemetry is
    flagged.
    """

    __tablename__ = "maturity_questionnaires"
    __table_args__ = (UniqueConstraint("bu_id", "number"),)

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    number: Mapped[int] = mapped_column()
    dimensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    gap_threshold: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(500), default="")
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    published_at: Mapped[datetime] = mapped_column()


class MaturityAssessment(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A team's self-assessment for one quarter: its current answers ({dimension: level}), the
    questionnaire version they answered (null: the built-in one), revisable until the quarter
    closes; every submission is kept as a revision."""

    __tablename__ = "maturity_assessments"
    __table_args__ = (
        UniqueConstraint("team_id", "quarter"),
        Index("ix_maturity_assessments_bu_id_quarter", "bu_id", "quarter"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    quarter: Mapped[str] = mapped_column(String(7))
    questionnaire_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("maturity_questionnaires.id")
    )
    questionnaire_number: Mapped[int] = mapped_column()
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime] = mapped_column()


class MaturityRevision(IdMixin, Base):
    """One submission of an assessment (append-only), as it was answered."""

    __tablename__ = "maturity_revisions"
    __table_args__ = (UniqueConstraint("assessment_id", "number"),)

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("maturity_assessments.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column()
    questionnaire_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("maturity_questionnaires.id")
    )
    questionnaire_number: Mapped[int] = mapped_column()
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    notes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[datetime] = mapped_column()
