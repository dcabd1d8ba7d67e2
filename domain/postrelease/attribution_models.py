"""Tables of incident attribution: operators' change reports and each incident's attribution.

`change_reports` records the changes no other context records (a configuration change pushed
outside a pipeline, a vendor's hot fix noticed late). Its columns are those of one change
ledger entry (kind, service, environment, when, summary, reference): issue 18's single change
ledger for DORA can take these rows as they are, beside deployments and flag changes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class ChangeReport(IdMixin, Base):
    """A change an operator reports (configuration, or another kind with no record of its own);
    never edited: a wrong report is followed by a correcting one."""

    __tablename__ = "change_reports"
    __table_args__ = (
        Index("ix_change_reports_service_id_occurred_at", "service_id", "occurred_at"),
        Index("ix_change_reports_bu_id_occurred_at", "bu_id", "occurred_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    environment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("environments.id"))
    kind: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(512), default="")
    occurred_at: Mapped[datetime] = mapped_column()
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reported_at: Mapped[datetime] = mapped_column()


class IncidentAttribution(IdMixin, VersionedMixin, TimestampMixin, Base):
    """The change an incident is attributed to (none when nothing qualified), how: SUGGESTED by
    the rule when the incident arrived, then CONFIRMED or REATTRIBUTED by a person."""

    __tablename__ = "incident_attributions"
    __table_args__ = (
        UniqueConstraint("incident_id"),
        Index("ix_incident_attributions_bu_id_created_at", "bu_id", "created_at"),
        Index("ix_incident_attributions_change_id", "change_id"),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("incident_reports.id", ondelete="CASCADE")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    status: Mapped[str] = mapped_column(String(16))
    change_kind: Mapped[str | None] = mapped_column(String(32))
    # The id of the change in its own context (a deployment, a flag change, a vendor release,
    # a change report): no foreign key, since the kinds live in different tables.
    change_id: Mapped[uuid.UUID | None] = mapped_column()
    change_at: Mapped[datetime | None] = mapped_column()
    change_summary: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    window_hours: Mapped[int] = mapped_column()
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
