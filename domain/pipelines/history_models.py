"""The table of what a CD tool's history says about an imported deployment beyond the deployment
itself: the commits and the pull request behind it (times only), and who imported it when.

The deployment is a `deployments` row marked `imported`; this row is its part, keyed by it.
Commits of governed deployments are reported by CI to insights (`source_commits`); history
from before governance only has these summaries, which the change ledger reads through
`history_facts`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base


class ImportedDeployment(Base):
    """An imported deployment's source times and its import (append-only)."""

    __tablename__ = "deployment_imports"
    __table_args__ = (
        Index("ix_deployment_imports_service_id_imported_at", "service_id", "imported_at"),
    )

    deployment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deployments.id"), primary_key=True)
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    first_commit_at: Mapped[datetime | None] = mapped_column()
    commit_count: Mapped[int] = mapped_column(default=0)
    pr_opened_at: Mapped[datetime | None] = mapped_column()
    first_review_at: Mapped[datetime | None] = mapped_column()
    approved_at: Mapped[datetime | None] = mapped_column()
    merged_at: Mapped[datetime | None] = mapped_column()
    imported_at: Mapped[datetime] = mapped_column()
    imported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
