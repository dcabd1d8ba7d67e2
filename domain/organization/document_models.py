"""Trusted documents that scripts register: GraphQL documents browser pages may then run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin


class TrustedDocument(IdMixin, Base):
    """A document registered beside the components' own (api/graphql/trusted_documents.py)."""

    __tablename__ = "trusted_documents"

    # `sha256:` + the hex SHA-256 of `body`; unique, so it is also the look-up's index.
    document_id: Mapped[str] = mapped_column(String(71), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
