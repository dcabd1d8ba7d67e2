"""The tamper-evident audit trail: an append-only, hash-chained sequence of records; and the
compliance controls: emergency bypasses with their uses and post-facto reviews, and disaster
recovery procedures with their tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, TimestampMixin, VersionedMixin


class AuditRecord(Base):
    __tablename__ = "audit_records"
    __table_args__ = (
        Index("ix_audit_records_occurred_at", "occurred_at"),
        Index("ix_audit_records_bu_id_seq", "bu_id", "seq"),
        Index("ix_audit_records_actor_seq", "actor_subject", "seq"),
        Index("ix_audit_records_entity", "entity_type", "entity_id"),
    )

    # The sequence is assigned under a lock; the primary key turns any fork into an error.
    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False
    )
    occurred_at: Mapped[datetime] = mapped_column()
    actor_subject: Mapped[str] = mapped_column(String(128))
    actor_username: Mapped[str] = mapped_column(String(64))
    token_id: Mapped[uuid.UUID | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    bu_id: Mapped[uuid.UUID | None] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rule: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditJournalEntry(Base):
    """A committed audit entry not yet chained (PostgreSQL): a writer inserts it in its own
    transaction, without the chain lock; a sealer moves it onto the chain (`audit_records`) and
    deletes it here in one transaction. Chain order is seal order, not `id` order."""

    __tablename__ = "audit_journal"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    occurred_at: Mapped[datetime] = mapped_column()
    actor_subject: Mapped[str] = mapped_column(String(128))
    actor_username: Mapped[str] = mapped_column(String(64))
    token_id: Mapped[uuid.UUID | None] = mapped_column()
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    bu_id: Mapped[uuid.UUID | None] = mapped_column()
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rule: Mapped[str] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))


# -- compliance controls ---------------------------------------------------------------------


class Bypass(IdMixin, VersionedMixin, TimestampMixin, Base):
    """An emergency bypass (break-glass): named gates waived for one release and one target.

    Its scope (release, environment, gates) is fixed when requested; approval only sets the
    window [approved_at, expires_at). `bu_id` is the release's BU.
    """

    __tablename__ = "bypasses"
    __table_args__ = (
        Index(
            "ix_bypasses_release_id_environment_id_status", "release_id", "environment_id", "status"
        ),
        Index("ix_bypasses_bu_id_requested_at", "bu_id", "requested_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    release_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("releases.id"))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    gates: Mapped[list[str]] = mapped_column(JSON)
    justification: Mapped[str] = mapped_column(Text)
    incident_reference: Mapped[str] = mapped_column(String(200))
    duration_hours: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    requested_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    requested_at: Mapped[datetime] = mapped_column()
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decision_note: Mapped[str] = mapped_column(Text, default="")
    approved_at: Mapped[datetime | None] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoke_reason: Mapped[str] = mapped_column(Text, default="")


class BypassUse(IdMixin, Base):
    """One use of an active bypass: a gate waived for its target, by whom and when (append-only)."""

    __tablename__ = "bypass_uses"
    __table_args__ = (Index("ix_bypass_uses_bypass_id_used_at", "bypass_id", "used_at"),)

    bypass_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bypasses.id", ondelete="CASCADE"))
    gate: Mapped[str] = mapped_column(String(64))
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id"))
    used_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    used_by: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")


class BypassReview(IdMixin, VersionedMixin, TimestampMixin, Base):
    """The post-facto review of an approved bypass, opened on approval and due by `due_at`.

    Overdue while `completed_at` is null and now is past `due_at`.
    """

    __tablename__ = "bypass_reviews"
    __table_args__ = (
        Index("ix_bypass_reviews_bu_id_completed_at_due_at", "bu_id", "completed_at", "due_at"),
    )

    bypass_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bypasses.id", ondelete="CASCADE"), unique=True
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    opened_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    outcome: Mapped[str | None] = mapped_column(String(16))
    findings: Mapped[str] = mapped_column(Text, default="")
    action_items: Mapped[list[str]] = mapped_column(JSON, default=list)


class DrProcedure(IdMixin, VersionedMixin, TimestampMixin, Base):
    """A service's disaster-recovery procedure for release-induced outages, and its owners.

    `bu_id` repeats the service's BU so scoped lists need no join.
    """

    __tablename__ = "dr_procedures"
    __table_args__ = (
        Index("ix_dr_procedures_service_id_kind_status", "service_id", "kind", "status"),
        Index("ix_dr_procedures_bu_id", "bu_id"),
    )

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    runbook_url: Mapped[str] = mapped_column(String(2000))
    owner_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    owner_team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("teams.id"))
    rto_minutes: Mapped[int | None] = mapped_column()
    rpo_minutes: Mapped[int | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(16))
    retired_at: Mapped[datetime | None] = mapped_column()


class DrTest(IdMixin, Base):
    """One exercise of a DR procedure and its result (append-only)."""

    __tablename__ = "dr_tests"
    __table_args__ = (
        Index("ix_dr_tests_procedure_id_performed_at", "procedure_id", "performed_at"),
    )

    procedure_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("dr_procedures.id", ondelete="CASCADE")
    )
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    performed_at: Mapped[datetime] = mapped_column()
    result: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
    duration_minutes: Mapped[int | None] = mapped_column()
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[datetime] = mapped_column()
