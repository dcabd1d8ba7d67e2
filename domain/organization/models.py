"""Business units, teams, services and their dependencies, vendors, people and role grants."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class BusinessUnit(IdMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "business_units"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class Team(IdMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("bu_id", "key"),)

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class Service(IdMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "services"
    __table_args__ = (
        UniqueConstraint("key"),
        Index("ix_services_bu_id_tier", "bu_id", "tier"),
    )

    # bu_id repeats the team's BU so scoped lists need no join; the service keeps it in step.
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("teams.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(32))
    data_classification: Mapped[str] = mapped_column(String(32))
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)


class ServiceDependency(IdMixin, Base):
    """consumer → provider: the consumer calls or reads the provider."""

    __tablename__ = "service_dependencies"
    __table_args__ = (
        UniqueConstraint("consumer_id", "provider_id"),
        CheckConstraint("consumer_id <> provider_id", name="not_self"),
        Index("ix_service_dependencies_provider_id", "provider_id"),
    )

    consumer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column()


class Vendor(IdMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("bu_id", "name"),)

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    attestation_status: Mapped[str] = mapped_column(String(32))
    attestation_expires_at: Mapped[datetime | None] = mapped_column()


class Person(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A human or machine user, linked to the subject its identity provider names it by."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("issuer", "subject"),
        Index("ix_people_email", "email"),
    )

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(16))
    issuer: Mapped[str] = mapped_column(String(512))
    subject: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)


class RoleGrant(IdMixin, Base):
    """A role held by a person in a BU, or everywhere (`domain` '*', the org scope)."""

    __tablename__ = "role_grants"
    __table_args__ = (
        UniqueConstraint("person_id", "role", "domain"),
        Index("ix_role_grants_domain", "domain"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    domain: Mapped[str] = mapped_column(String(64))
    discipline: Mapped[str | None] = mapped_column(String(32))
    granted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    # "direct" when granted through Signalbox; "group:<name>" when synced from the IdP's groups.
    source: Mapped[str] = mapped_column(String(200), default="direct")
    created_at: Mapped[datetime] = mapped_column()


class ApiToken(IdMixin, Base):
    """A bearer secret for scripts and CI. Only its SHA-256 is kept; the secret is shown once."""

    __tablename__ = "api_tokens"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class ApiTokenScope(IdMixin, Base):
    """A role the token may use in a BU (or org-wide); never wider than its creator's grants."""

    __tablename__ = "api_token_scopes"
    __table_args__ = (UniqueConstraint("token_id", "role", "domain"),)

    token_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    domain: Mapped[str] = mapped_column(String(64))


# -- vendors: attestations, the services that use a vendor, vendor releases ------------------
#
# The single `Vendor.attestation_status` / `attestation_expires_at` columns predate real
# attestations. They stay, as a summary the attestation use cases keep in step (status
# `attested` with the earliest expiry among the current attestations, `revoked`, `expired` or
# `pending`); gates and findings never read them, only `vendor_attestations`.


class VendorAttestation(IdMixin, VersionedMixin, Base):
    """A report a vendor holds (SOC 2, ISO 27001, a penetration test...), valid for
    [issued_at, expires_at) unless revoked. Append-only apart from revocation."""

    __tablename__ = "vendor_attestations"
    __table_args__ = (
        UniqueConstraint("vendor_id", "kind", "issued_at"),
        CheckConstraint("expires_at > issued_at", name="expires_after_issue"),
        Index("ix_vendor_attestations_vendor_id_kind", "vendor_id", "kind", "expires_at"),
        Index("ix_vendor_attestations_bu_id_expires_at", "bu_id", "expires_at"),
    )

    vendor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    # The vendor's BU, repeated so scoped lists need no join.
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    kind: Mapped[str] = mapped_column(String(32))
    issued_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    issuer: Mapped[str] = mapped_column(String(200))
    report_reference: Mapped[str] = mapped_column(String(500))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class ServiceVendor(IdMixin, Base):
    """A service uses a vendor's product: the vendor's releases reach the service."""

    __tablename__ = "service_vendors"
    __table_args__ = (
        UniqueConstraint("service_id", "vendor_id"),
        Index("ix_service_vendors_vendor_id", "vendor_id"),
    )

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    vendor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class VendorRelease(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A vendor's release on the calendar, in [starts_at, ends_at); the services it reaches are
    read from `service_vendors` when asked, so a new link is seen at once."""

    __tablename__ = "vendor_releases"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_vendor_releases_vendor_id_starts_at", "vendor_id", "starts_at"),
        Index("ix_vendor_releases_bu_id_starts_at", "bu_id", "starts_at"),
        Index("ix_vendor_releases_starts_at", "starts_at"),
    )

    vendor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    title: Mapped[str] = mapped_column(String(200))
    release_version: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    description: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
