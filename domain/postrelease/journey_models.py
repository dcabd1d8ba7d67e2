"""Synthetic journeys: each service's allowed hosts, its journeys of HTTP steps, their runs,
the claims that make a deployment's journeys run once, and the functional regressions found."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class JourneyHosts(IdMixin, VersionedMixin, TimestampMixin, Base):
    """The hosts a service's journeys may send requests to (names, lower case)."""

    __tablename__ = "postrelease_journey_hosts"

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"), unique=True)
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"), index=True)
    hosts: Mapped[list[str]] = mapped_column(JSON)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class Journey(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A critical user journey of a service: ordered HTTP steps (JSON: method, url, headers
    with secret values sealed, body, assertions, captures, timeoutMs), its owning team and tier,
    and how often it runs between deployments."""

    __tablename__ = "postrelease_journeys"
    __table_args__ = (
        UniqueConstraint("service_id", "key"),
        Index("ix_postrelease_journeys_bu_id", "bu_id"),
        Index("ix_postrelease_journeys_enabled_next_run_at", "enabled", "next_run_at"),
    )

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean)
    interval_minutes: Mapped[int] = mapped_column()
    runner: Mapped[str] = mapped_column(String(32))
    """Who runs it: the built-in runner (after each deployment and on its schedule), or an
    external one (k6, Checkly, the blackbox exporter) that reports its results."""
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    next_run_at: Mapped[datetime | None] = mapped_column()
    """When the built-in runner's schedule next runs it (None while disabled, or run by an
    external runner)."""
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class JourneyRun(IdMixin, Base):
    """One run of a journey, by the built-in runner or reported by an external one, and the
    production deployment it follows (a planned one or a reported one), if any."""

    __tablename__ = "postrelease_journey_runs"
    __table_args__ = (
        UniqueConstraint("journey_id", "runner", "external_ref"),
        Index("ix_postrelease_journey_runs_journey_id_finished_at", "journey_id", "finished_at"),
        Index("ix_postrelease_journey_runs_deployment_id", "deployment_id"),
    )

    journey_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("postrelease_journeys.id", ondelete="CASCADE")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    outcome: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    runner: Mapped[str] = mapped_column(String(32))
    external_ref: Mapped[str | None] = mapped_column(String(200))
    deployment_kind: Mapped[str | None] = mapped_column(String(16))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column()
    """A `deployments` id or a `deployment_reports` id, as `deployment_kind` says."""
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime] = mapped_column()
    duration_ms: Mapped[float] = mapped_column()
    summary: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class JourneyClaim(IdMixin, Base):
    """A journey due to run once: after one production deployment, in one slot of its schedule,
    or asked for now. The unique key makes it once across workers; `claimed_at` says a worker
    took it (a claim older than the lease is taken again)."""

    __tablename__ = "postrelease_journey_claims"
    __table_args__ = (Index("ix_postrelease_journey_claims_run_id_due_at", "run_id", "due_at"),)

    key: Mapped[str] = mapped_column(String(200), unique=True)
    journey_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("postrelease_journeys.id", ondelete="CASCADE"), index=True
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    trigger: Mapped[str] = mapped_column(String(16))
    deployment_kind: Mapped[str | None] = mapped_column(String(16))
    deployment_id: Mapped[uuid.UUID | None] = mapped_column()
    due_at: Mapped[datetime] = mapped_column()
    claimed_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(default=0)
    run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("postrelease_journey_runs.id"))
    created_at: Mapped[datetime] = mapped_column()


class JourneyRegression(IdMixin, Base):
    """A journey that passed before a production deployment and failed after it: linked to the
    deployment, to the failing run and the passing one before, and to the rollback decision it
    triggered when the service's guardrail `journey_regression_rollback` names its tier."""

    __tablename__ = "postrelease_journey_regressions"
    __table_args__ = (
        UniqueConstraint("journey_id", "deployment_id"),
        Index("ix_postrelease_journey_regressions_deployment_id", "deployment_id"),
        Index("ix_postrelease_journey_regressions_bu_id_detected_at", "bu_id", "detected_at"),
    )

    journey_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("postrelease_journeys.id", ondelete="CASCADE")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    deployment_kind: Mapped[str] = mapped_column(String(16))
    deployment_id: Mapped[uuid.UUID] = mapped_column()
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("postrelease_journey_runs.id"))
    baseline_run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("postrelease_journey_runs.id"))
    detected_at: Mapped[datetime] = mapped_column()
    rollback_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deployment_rollbacks.id"))
    """The rollback decision it triggered (None: the guardrail did not ask for one, or the
    deployment was a reported one Signalbox does not drive)."""
    summary: Mapped[str] = mapped_column(Text)
