"""Releases and their lifecycle, documentation templates, approval boards, go/no-go sessions
and votes, sign-off rules and sign-offs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class Release(IdMixin, VersionedMixin, TimestampMixin, Base):
    __tablename__ = "releases"
    __table_args__ = (
        Index("ix_releases_bu_id_status", "bu_id", "status"),
        Index("ix_releases_owner_id", "owner_id"),
        Index("ix_releases_bu_id_created_at", "bu_id", "created_at"),
        Index("ix_releases_cloned_from_id", "cloned_from_id"),
        # The release search: by planned window and in its sort orders.
        Index("ix_releases_planned_start_planned_end", "planned_start", "planned_end"),
        Index("ix_releases_bu_id_planned_start", "bu_id", "planned_start"),
        Index("ix_releases_bu_id_title", "bu_id", "title"),
        # insights: the approval wait over a period (domain/governance/window_facts.py)
        Index("ix_releases_bu_id_decided_at", "bu_id", "decided_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    release_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    change_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    environments: Mapped[list[str]] = mapped_column(JSON, default=list)
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    planned_start: Mapped[datetime | None] = mapped_column()
    planned_end: Mapped[datetime | None] = mapped_column()
    # Documentation as filled in: {section key: {field key: text}}.
    documentation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The template versions the release was last checked against: [{template id, version}].
    checked_templates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column()
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # The rejected or cancelled release this draft was cloned from, if any.
    cloned_from_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("releases.id"))


class ReleaseService(IdMixin, Base):
    """A service a release ships, at the version it ships."""

    __tablename__ = "release_services"
    __table_args__ = (
        UniqueConstraint("release_id", "service_id"),
        Index("ix_release_services_service_id", "service_id"),
    )

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    artifact_version: Mapped[str] = mapped_column(String(128))


class ReleaseAuthor(IdMixin, Base):
    """Someone who authored a change in the release: never one of its voters or approvers."""

    __tablename__ = "release_authors"
    __table_args__ = (UniqueConstraint("release_id", "person_id"),)

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))


class DocumentTemplate(IdMixin, Base):
    """One version of a documentation template. Editing adds a version; rows never change.

    `bu_id` null is an org (RMO) template; a BU template adds requirements to its own releases.
    `sections`: [{key, title, fields: [{key, label, required}]}].
    """

    __tablename__ = "document_templates"
    __table_args__ = (
        UniqueConstraint("domain", "key", "version"),
        Index("ix_document_templates_domain_key", "domain", "key"),
    )

    key: Mapped[str] = mapped_column(String(64))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    domain: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200))
    release_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    tiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column()


class Board(IdMixin, VersionedMixin, TimestampMixin, Base):
    """An approval board and its decision rule."""

    __tablename__ = "boards"
    __table_args__ = (UniqueConstraint("domain", "key"),)

    key: Mapped[str] = mapped_column(String(64))
    bu_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("business_units.id"))
    domain: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    quorum: Mapped[int] = mapped_column()
    approvals_needed: Mapped[int] = mapped_column()
    required_disciplines: Mapped[list[str]] = mapped_column(JSON, default=list)
    veto_disciplines: Mapped[list[str]] = mapped_column(JSON, default=list)


class BoardMember(IdMixin, Base):
    __tablename__ = "board_members"
    __table_args__ = (UniqueConstraint("board_id", "person_id"),)

    board_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    discipline: Mapped[str] = mapped_column(String(32))


class GoNoGoSession(IdMixin, VersionedMixin, Base):
    """A release's go/no-go meeting with one board; the outcome names the rule that decided."""

    __tablename__ = "go_no_go_sessions"
    __table_args__ = (Index("ix_go_no_go_sessions_release_id", "release_id"),)

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id"))
    board_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("boards.id"))
    # The board's rule as it stood when the session opened.
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    opened_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(16))
    decided_by_rule: Mapped[str | None] = mapped_column(Text)


class Vote(IdMixin, Base):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("session_id", "person_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("go_no_go_sessions.id", ondelete="CASCADE")
    )
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    discipline: Mapped[str] = mapped_column(String(32))
    choice: Mapped[str] = mapped_column(String(16))
    rationale: Mapped[str] = mapped_column(Text, default="")
    cast_at: Mapped[datetime] = mapped_column()
    changed_at: Mapped[datetime | None] = mapped_column()


class SignOffRule(IdMixin, VersionedMixin, TimestampMixin, Base):
    """When a release needs a sign-off: data, not code (edited by the RMO).

    `condition`: {data_classifications: [...], region_prefixes: [...], tiers: [...],
    change_types: [...]}; every non-empty list must match some service of the release.
    """

    __tablename__ = "sign_off_rules"
    __table_args__ = (UniqueConstraint("key"),)

    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    requirement: Mapped[str] = mapped_column(String(64))
    discipline: Mapped[str] = mapped_column(String(32))
    condition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    validity_days: Mapped[int] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True)


class SignOff(IdMixin, Base):
    __tablename__ = "sign_offs"
    __table_args__ = (Index("ix_sign_offs_release_id_requirement", "release_id", "requirement"),)

    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    requirement: Mapped[str] = mapped_column(String(64))
    signer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    discipline: Mapped[str] = mapped_column(String(32))
    signed_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    revoked_at: Mapped[datetime | None] = mapped_column()
