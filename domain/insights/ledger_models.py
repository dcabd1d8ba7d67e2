"""Tables of the change ledger: one row per production change (a projection of the contexts
that record them, see `ledger_projection`), one row per production incident, and the sweep's
high-water mark."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base


class LedgerEntry(Base):
    """A production change of any kind, with what it shipped and how it ended.

    `id` is the change's id in its own context (a deployment, a flag change, a vendor release,
    a change report): a projection, rewritten whole whenever the sweep passes over it.
    `change_types` is stored as `,a,b,` (ledger_rules.joined) so a type filter is one LIKE.
    """

    __tablename__ = "change_ledger"
    __table_args__ = (
        Index("ix_change_ledger_service_id_at", "service_id", "at"),
        # covering on PostgreSQL: a BU's four keys read only the index (dora_repository)
        Index(
            "ix_change_ledger_bu_id_at",
            "bu_id",
            "at",
            postgresql_include=["kind", "rolled_back", "lead_seconds"],
        ),
        Index("ix_change_ledger_team_id_at", "team_id", "at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    tier: Mapped[str] = mapped_column(String(32))
    environment_id: Mapped[uuid.UUID | None] = mapped_column()
    at: Mapped[datetime] = mapped_column()
    """When the change took effect in production (a deployment: when it finished)."""
    started_at: Mapped[datetime | None] = mapped_column()
    strategy: Mapped[str] = mapped_column(String(16), default="")
    artifact_version: Mapped[str | None] = mapped_column(String(128))
    release_id: Mapped[uuid.UUID | None] = mapped_column()
    change_types: Mapped[str] = mapped_column(String(300), default="")
    risk_level: Mapped[str | None] = mapped_column(String(16))
    bypassed: Mapped[bool] = mapped_column(default=False)
    first_commit_at: Mapped[datetime | None] = mapped_column()
    commit_count: Mapped[int] = mapped_column(default=0)
    pr_opened_at: Mapped[datetime | None] = mapped_column()
    first_review_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    merged_at: Mapped[datetime | None] = mapped_column()
    lead_seconds: Mapped[float | None] = mapped_column(Float)
    """Pre-aggregated for DORA: first commit to this deployment, when it is the first successful
    production deployment of its version (null otherwise, or without commits)."""
    rolled_back: Mapped[bool] = mapped_column(default=False)
    incident_count: Mapped[int] = mapped_column(default=0)
    hotfixed: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(300))
    projected_at: Mapped[datetime] = mapped_column()
    imported: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Imported history from before the service was governed here (no promotion, no gate)."""


class LedgerIncident(Base):
    """A production incident as DORA counts it: its service, created and resolved; the change
    attribution blamed (if any). `id` is the incident's own."""

    __tablename__ = "change_ledger_incidents"
    __table_args__ = (
        Index("ix_change_ledger_incidents_bu_id_created_at", "bu_id", "created_at"),
        Index("ix_change_ledger_incidents_service_id_created_at", "service_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    tier: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    change_id: Mapped[uuid.UUID | None] = mapped_column()
    change_kind: Mapped[str | None] = mapped_column(String(32))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column()
    """Pre-aggregated for DORA: the last successful production deployment of the service that
    finished before the incident was created (DevLake's attribution), if any."""
    deployment_at: Mapped[datetime | None] = mapped_column()
    projected_at: Mapped[datetime] = mapped_column()


class LedgerMark(Base):
    """The sweep's high-water mark: the changes up to `swept_until` are in the ledger (those of
    the settling period before it are projected again each time)."""

    __tablename__ = "change_ledger_marks"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    swept_until: Mapped[datetime] = mapped_column()
    swept_at: Mapped[datetime] = mapped_column()
