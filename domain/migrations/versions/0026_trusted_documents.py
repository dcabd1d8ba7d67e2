"""Trusted documents that scripts register beside the web components' own

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07

`signalbox documents register` keeps a GraphQL document here under its id (`sha256:` + hex);
in production browser pages may run these and the components' documents only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_documents",
        sa.Column("document_id", sa.String(length=71), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_documents")),
        sa.UniqueConstraint("document_id", name=op.f("uq_trusted_documents_document_id")),
    )


def downgrade() -> None:
    op.drop_table("trusted_documents")
