"""The table of source changes: the commits an artifact version of a service was built from, and
their pull requests' times where CI knows them (nothing below insights records commits)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin


class SourceCommit(IdMixin, Base):
    """One commit of one artifact version of a service, keyed by (service, version, sha).

    `bu_id` repeats the service's BU so scoped reads need no join. The pull-request times are
    null where there was no pull request (or CI did not know it); reporting the same commit
    again fills what was missing and corrects what changed.
    """

    __tablename__ = "source_commits"
    __table_args__ = (
        UniqueConstraint("service_id", "artifact_version", "sha"),
        Index("ix_source_commits_bu_id_recorded_at", "bu_id", "recorded_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))
    sha: Mapped[str] = mapped_column(String(64))
    authored_at: Mapped[datetime] = mapped_column()
    committed_at: Mapped[datetime] = mapped_column()
    pull_request: Mapped[str | None] = mapped_column(String(200))
    pr_opened_at: Mapped[datetime | None] = mapped_column()
    first_review_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    merged_at: Mapped[datetime | None] = mapped_column()
    recorded_at: Mapped[datetime] = mapped_column()
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
