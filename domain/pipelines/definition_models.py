"""Tables of pipeline definitions (versioned, hashed, reviewed) and reported pipeline runs.

A pipeline belongs to a team (its BU is copied for scoped lists) and lists the services it
deploys. Each registered definition is a numbered version keeping its source text, the parsed
document and two hashes: `content_hash` over the canonical JSON of the document (what CI
reports) and `raw_hash` over the exact bytes registered. At most one version per pipeline is
ACTIVE, enforced by a partial unique index (SQLite and PostgreSQL both have them); activations
also bump the pipeline's version, so two concurrent activations conflict before the index has
to say no.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin

ONLY_ACTIVE = text("status = 'active'")


class Pipeline(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A team's pipeline; its definition lives in versions, its history in runs."""

    __tablename__ = "pipelines"
    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        Index("ix_pipelines_bu_id_key", "bu_id", "key"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class PipelineService(IdMixin, Base):
    """A service the pipeline deploys."""

    __tablename__ = "pipeline_services"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "service_id"),
        Index("ix_pipeline_services_service_id", "service_id"),
    )

    pipeline_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipelines.id", ondelete="CASCADE"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))


class DefinitionVersion(IdMixin, VersionedMixin, TimestampMixin, Base):
    """One registered definition: PROPOSED until a peer reviews it, then ACTIVE or REJECTED;
    an ACTIVE one becomes SUPERSEDED when the next is activated. Never edited otherwise."""

    __tablename__ = "pipeline_versions"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "number"),
        Index(
            "ix_pipeline_versions_pipeline_id_content_hash",
            "pipeline_id",
            "content_hash",
        ),
        Index("ix_pipeline_versions_pipeline_id_raw_hash", "pipeline_id", "raw_hash"),
        Index(
            "uq_pipeline_versions_one_active",
            "pipeline_id",
            unique=True,
            sqlite_where=ONLY_ACTIVE,
            postgresql_where=ONLY_ACTIVE,
        ),
    )

    pipeline_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipelines.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    number: Mapped[int] = mapped_column()
    format: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(71))
    raw_hash: Mapped[str] = mapped_column(String(71))
    status: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    author: Mapped[str] = mapped_column(String(200))
    registered_at: Mapped[datetime] = mapped_column()
    activated_at: Mapped[datetime | None] = mapped_column()
    superseded_at: Mapped[datetime | None] = mapped_column()
    rejected_at: Mapped[datetime | None] = mapped_column()


class DefinitionReview(IdMixin, Base):
    """A peer's verdict on a proposed version (never its author's)."""

    __tablename__ = "pipeline_reviews"
    __table_args__ = (UniqueConstraint("version_id", "reviewer_id"),)

    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("pipeline_versions.id", ondelete="CASCADE")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reviewer: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime] = mapped_column()


class PipelineRun(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A run CI reported, with its drift judged against the version active when it started.

    Reported again (same run id) it only moves its status forward; its hash never changes.
    """

    __tablename__ = "pipeline_runs"
    __table_args__ = (
        UniqueConstraint("pipeline_id", "run_id"),
        Index("ix_pipeline_runs_pipeline_id_started_at", "pipeline_id", "started_at"),
    )

    pipeline_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pipelines.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    run_id: Mapped[str] = mapped_column(String(200))
    definition_hash: Mapped[str] = mapped_column(String(71))
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    artifact: Mapped[str | None] = mapped_column(String(500))
    drift: Mapped[str] = mapped_column(String(16))
    drift_reason: Mapped[str] = mapped_column(Text)
    active_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pipeline_versions.id"))
    matched_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pipeline_versions.id"))
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    reporter: Mapped[str] = mapped_column(String(200))
