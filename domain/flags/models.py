"""Feature flags: per service, with a state per environment, segments, the change history
(pending production changes included) and when each flag was last evaluated where.

Environments are named by their key string (`production-eu`), not by a foreign key to the
environment catalog: flags must evaluate in environments the catalog does not (yet) hold, and
the two contexts migrate on separate branches.

Flag keys are unique across Signalbox, because OFREP addresses a flag by its key alone.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.flags.vocabulary import FlagKind
from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin

TEMPORARY_KINDS = frozenset({FlagKind.RELEASE, FlagKind.EXPERIMENT})
"""Kinds that are meant to go away: they carry an expiry and are reported when stale."""


class Flag(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A feature flag of one service. `variants`: [{key, value, description}]."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_flags_service_id_key", "service_id", "key"),
    )

    key: Mapped[str] = mapped_column(String(128))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16))
    value_type: Mapped[str] = mapped_column(String(16))
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    default_variant: Mapped[str] = mapped_column(String(64))
    off_variant: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column()
    archived_at: Mapped[datetime | None] = mapped_column()
    killed_at: Mapped[datetime | None] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class FlagEnvironment(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A flag's state in one environment (see domain.flags.definitions for the semantics)."""

    __tablename__ = "flag_environments"
    __table_args__ = (
        UniqueConstraint("flag_id", "environment"),
        Index("ix_flag_environments_environment", "environment"),
    )

    flag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"))
    environment: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=False)
    production: Mapped[bool] = mapped_column(default=False)
    dark_launch: Mapped[bool] = mapped_column(default=False)
    dark_launch_segment: Mapped[str | None] = mapped_column(String(64))
    rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    default_serve: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FlagSegment(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A named, reusable set of conditions (all must hold), e.g. `internal-users`.

    A BU's segment serves that BU's flags; an organization segment (bu_id null) serves all.
    """

    __tablename__ = "flag_segments"
    __table_args__ = (UniqueConstraint("key"), Index("ix_flag_segments_bu_id", "bu_id"))

    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class FlagChange(IdMixin, VersionedMixin, Base):
    """One change of a flag, applied or awaiting approval (production, critical service).

    `after` of a pending environment change is the proposed state; `base_version` the state's
    version it was proposed against, so an approval never applies it over a newer change.
    """

    __tablename__ = "flag_changes"
    __table_args__ = (
        Index("ix_flag_changes_flag_id_created_at", "flag_id", "created_at"),
        Index("ix_flag_changes_status_created_at", "status", "created_at"),
    )

    flag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"))
    environment: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    production: Mapped[bool] = mapped_column(default=False)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    base_version: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()


class FlagEvaluation(Base):
    """When a flag was last evaluated in an environment, to the hour (written in batches)."""

    __tablename__ = "flag_evaluations"

    flag_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("flags.id", ondelete="CASCADE"), primary_key=True
    )
    environment: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_evaluated_at: Mapped[datetime] = mapped_column()


class FlagRevision(Base):
    """One row, bumped by every flag change: processes compare it to rebuild their snapshots."""

    __tablename__ = "flag_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger)
