"""Release trains: cadence and its history, Program Increments, departures and the releases
boarding them, features with their cross-team dependencies, and integration-test windows.

A train's current cadence lives on the train; every cadence it ever had is a `CadenceChange`
row (the one it was created with has no reason), effective from a PI's sequence number. The
cadence that generates a PI's departures is the most recently recorded change whose
`effective_from_seq` is at or before that PI (see cadence.cadence_for).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Train(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A release train of one BU serving a product domain, departing on a cadence."""

    __tablename__ = "trains"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_trains_bu_id_key", "bu_id", "key"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    product_domain: Mapped[str] = mapped_column(String(100))
    # The current cadence (the newest CadenceChange repeats it, with its PI and reason).
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None] = mapped_column(Integer)
    dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    rrule: Mapped[str | None] = mapped_column(Text)
    departure_time: Mapped[str] = mapped_column(String(5))
    tzid: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class ProgramIncrement(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A SAFe PI: `iterations` iterations of `iteration_weeks` weeks, [starts_at, ends_at).

    Boundaries are local midnights in the train's zone, stored in UTC. The planning boundary
    is the start of the last iteration (the innovation and planning iteration): the PI's
    scope is committed by then, and planning for the next PI begins.
    """

    __tablename__ = "program_increments"
    __table_args__ = (
        UniqueConstraint("train_id", "seq"),
        Index("ix_program_increments_train_id_starts_at", "train_id", "starts_at"),
    )

    train_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trains.id"))
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    iterations: Mapped[int] = mapped_column(Integer)
    iteration_weeks: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    planning_at: Mapped[datetime] = mapped_column()


class CadenceChange(IdMixin, Base):
    """One cadence a train had, effective from the PI with sequence `effective_from_seq`.

    Append-only history; `reason` is null for the cadence the train was created with.
    """

    __tablename__ = "cadence_changes"
    __table_args__ = (UniqueConstraint("train_id", "seq"),)

    train_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trains.id"))
    seq: Mapped[int] = mapped_column(Integer)
    effective_from_seq: Mapped[int] = mapped_column(Integer)
    effective_from_pi_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("program_increments.id")
    )
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None] = mapped_column(Integer)
    dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    rrule: Mapped[str | None] = mapped_column(Text)
    departure_time: Mapped[str] = mapped_column(String(5))
    tzid: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(40))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()


class Departure(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A departure of a train at one instant, generated from the cadence within a PI."""

    __tablename__ = "departures"
    __table_args__ = (
        UniqueConstraint("train_id", "code"),
        Index("ix_departures_train_id_departs_at", "train_id", "departs_at"),
        Index("ix_departures_pi_id_departs_at", "pi_id", "departs_at"),
    )

    train_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trains.id"))
    pi_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program_increments.id"))
    code: Mapped[str] = mapped_column(String(80))
    departs_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    cadence_change_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cadence_changes.id"))


class DepartureBoarding(IdMixin, Base):
    """A release riding a departure; a release boards at most one departure at a time."""

    __tablename__ = "departure_boardings"
    __table_args__ = (
        UniqueConstraint("release_id"),
        Index("ix_departure_boardings_departure_id", "departure_id"),
    )

    departure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departures.id"))
    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id"))
    boarded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()


class Feature(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A team's feature, planned for a PI of a train and optionally one of its departures.

    `bu_id` repeats the team's BU (always the train's) so scoped lists need no join.
    """

    __tablename__ = "features"
    __table_args__ = (
        Index("ix_features_pi_id_title", "pi_id", "title"),
        Index("ix_features_train_id_title", "train_id", "title"),
        Index("ix_features_team_id", "team_id"),
        Index("ix_features_departure_id", "departure_id"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    train_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trains.id"))
    pi_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program_increments.id"))
    departure_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("departures.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    effort: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class FeatureDependency(IdMixin, Base):
    """The consumer feature needs the provider feature (of another team) delivered first."""

    __tablename__ = "feature_dependencies"
    __table_args__ = (
        UniqueConstraint("consumer_id", "provider_id"),
        Index("ix_feature_dependencies_provider_id", "provider_id"),
    )

    consumer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"))
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("features.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()


class IntegrationWindow(IdMixin, VersionedMixin, TimestampMixin, Base):
    """The integration-test window of one departure: [starts_at, ends_at), teams, services."""

    __tablename__ = "integration_windows"
    __table_args__ = (
        UniqueConstraint("departure_id"),
        Index("ix_integration_windows_bu_id_starts_at", "bu_id", "starts_at"),
    )

    departure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("departures.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    team_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    service_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class IntegrationResult(IdMixin, Base):
    """One run of a test suite in an integration window; append-only."""

    __tablename__ = "integration_results"
    __table_args__ = (
        Index("ix_integration_results_window_id_recorded_at", "window_id", "recorded_at"),
    )

    window_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("integration_windows.id", ondelete="CASCADE")
    )
    suite: Mapped[str] = mapped_column(String(200))
    passed: Mapped[bool] = mapped_column(Boolean)
    details: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    recorded_via: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column()
