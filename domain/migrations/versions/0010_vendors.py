"""vendors: attestations with expiry, services using vendors, vendor releases

Revision ID: 0010
Revises: 0006
Create Date: 2026-11-27 16:00:00.000000

Written by hand (branching from 0006 beside the other guardrails-era contexts; merged later).
The vendors' single attestation_status / attestation_expires_at columns stay: the attestation
use cases keep them in step as a summary.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, target: str, *, cascade: bool = False) -> sa.ForeignKeyConstraint:
    referred = target.partition(".")[0]
    return sa.ForeignKeyConstraint(
        [column],
        [target],
        name=op.f(f"fk_{table}_{column}_{referred}"),
        ondelete="CASCADE" if cascade else None,
    )


def upgrade() -> None:
    op.create_table(
        "vendor_attestations",
        sa.Column("vendor_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("report_reference", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "expires_at > issued_at", name=op.f("ck_vendor_attestations_expires_after_issue")
        ),
        _fk("vendor_attestations", "vendor_id", "vendors.id", cascade=True),
        _fk("vendor_attestations", "bu_id", "business_units.id"),
        _fk("vendor_attestations", "created_by_id", "people.id"),
        _fk("vendor_attestations", "revoked_by_id", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_attestations")),
        sa.UniqueConstraint(
            "vendor_id",
            "kind",
            "issued_at",
            name=op.f("uq_vendor_attestations_vendor_id_kind_issued_at"),
        ),
    )
    with op.batch_alter_table("vendor_attestations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vendor_attestations_vendor_id_kind",
            ["vendor_id", "kind", "expires_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_vendor_attestations_bu_id_expires_at", ["bu_id", "expires_at"], unique=False
        )

    op.create_table(
        "service_vendors",
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("vendor_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("service_vendors", "service_id", "services.id", cascade=True),
        _fk("service_vendors", "vendor_id", "vendors.id", cascade=True),
        _fk("service_vendors", "created_by_id", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_vendors")),
        sa.UniqueConstraint(
            "service_id", "vendor_id", name=op.f("uq_service_vendors_service_id_vendor_id")
        ),
    )
    with op.batch_alter_table("service_vendors", schema=None) as batch_op:
        batch_op.create_index("ix_service_vendors_vendor_id", ["vendor_id"], unique=False)

    op.create_table(
        "vendor_releases",
        sa.Column("vendor_id", sa.Uuid(), nullable=False),
        sa.Column("bu_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("release_version", sa.String(length=64), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_vendor_releases_ends_after_start")),
        _fk("vendor_releases", "vendor_id", "vendors.id", cascade=True),
        _fk("vendor_releases", "bu_id", "business_units.id"),
        _fk("vendor_releases", "created_by_id", "people.id"),
        _fk("vendor_releases", "cancelled_by_id", "people.id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_releases")),
    )
    with op.batch_alter_table("vendor_releases", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vendor_releases_vendor_id_starts_at", ["vendor_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_vendor_releases_bu_id_starts_at", ["bu_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_vendor_releases_starts_at", ["starts_at"], unique=False)


def downgrade() -> None:
    for table, indexes in (
        (
            "vendor_releases",
            (
                "ix_vendor_releases_starts_at",
                "ix_vendor_releases_bu_id_starts_at",
                "ix_vendor_releases_vendor_id_starts_at",
            ),
        ),
        ("service_vendors", ("ix_service_vendors_vendor_id",)),
        (
            "vendor_attestations",
            ("ix_vendor_attestations_bu_id_expires_at", "ix_vendor_attestations_vendor_id_kind"),
        ),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
