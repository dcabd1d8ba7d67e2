"""Business units, teams, services and their dependencies, vendors, people and role grants."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Tier(StrEnum):
    CRITICAL = "critical"
    CUSTOMER_FACING = "customer_facing"
    INTERNAL = "internal"


class DataClassification(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    PERSONAL = "personal"
    RESTRICTED = "restricted"


class DependencyKind(StrEnum):
    RUNTIME = "runtime"
    DATA = "data"
    BUILD = "build"


class AttestationStatus(StrEnum):
    PENDING = "pending"
    ATTESTED = "attested"
    EXPIRED = "expired"
    REVOKED = "revoked"


class PersonKind(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"


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
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

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
