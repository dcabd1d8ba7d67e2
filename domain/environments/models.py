"""Models of the environments context: the catalog, reservations and their queue, and the
config snapshots CI reports (append-only, with image digests per service).

A reservation names its holder by kind and id (TRAIN, RELEASE, TEAM, PERSON) with no foreign
key: trains live in another migration branch, and a holder may outlive or predate the rows of
its own context. The holder's label is stored with the reservation so contention messages
never need a join into another context.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Environment(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A place software runs: one of a BU's (or, with no BU, shared org-wide).

    `capacity` is how many SHARED holders it takes at once; an EXCLUSIVE reservation takes it
    all. `final_staging` marks the last staging before production of its product domain.
    """

    __tablename__ = "environments"
    __table_args__ = (
        Index("ix_environments_bu_id_key", "bu_id", "key"),
        Index("ix_environments_product_domain_kind", "product_domain", "kind"),
    )

    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    product_domain: Mapped[str | None] = mapped_column(String(64))
    train_id: Mapped[uuid.UUID | None] = mapped_column()
    region: Mapped[str | None] = mapped_column(String(32))
    final_staging: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"))
    owner_person_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    capacity: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    retired_at: Mapped[datetime | None] = mapped_column()


class Reservation(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A hold on an environment for [starts_at, ends_at), GRANTED or QUEUED behind others.

    `bu_id` is the BU on whose behalf it was asked (the environment's, or the requester's
    for an org-wide environment); `requested_at` orders the queue (FIFO).
    """

    __tablename__ = "environment_reservations"
    __table_args__ = (
        Index(
            "ix_environment_reservations_environment_id_starts_at",
            "environment_id",
            "starts_at",
            "ends_at",
        ),
        Index(
            "ix_environment_reservations_environment_id_status",
            "environment_id",
            "status",
            "requested_at",
        ),
        Index("ix_environment_reservations_holder", "holder_kind", "holder_id"),
        Index("ix_environment_reservations_bu_id", "bu_id"),
    )

    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    holder_kind: Mapped[str] = mapped_column(String(16))
    holder_id: Mapped[uuid.UUID] = mapped_column()
    holder_label: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column()
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    granted_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()


class ConfigSnapshot(IdMixin, Base):
    """What CI saw deployed in an environment; append-only, the newest one is current."""

    __tablename__ = "config_snapshots"
    __table_args__ = (
        Index("ix_config_snapshots_environment_id_reported_at", "environment_id", "reported_at"),
    )

    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    helm_chart: Mapped[str | None] = mapped_column(String(200))
    helm_chart_version: Mapped[str | None] = mapped_column(String(64))
    helm_values_digest: Mapped[str | None] = mapped_column(String(71))
    terraform_serial: Mapped[int | None] = mapped_column(BigInteger)
    terraform_digest: Mapped[str | None] = mapped_column(String(71))
    git_commit: Mapped[str | None] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column()
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reporter: Mapped[str] = mapped_column(String(200))


class ImageDigest(IdMixin, Base):
    """The image a service runs in a snapshot: service key → sha256 digest."""

    __tablename__ = "config_snapshot_images"
    __table_args__ = (UniqueConstraint("snapshot_id", "service_key"),)

    snapshot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("config_snapshots.id", ondelete="CASCADE")
    )
    service_key: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(71))
