"""Tables of artifacts, evidence, CDEvents and reported deployments and incidents.

Evidence and CDEvents are append-only: a newer report supersedes an older one (gates read the
latest per artifact, kind and subject), nothing is edited. Incident reports are the one
mutable aggregate (open, then resolved by a later event), and webhook secrets are revoked.
Every row carries the BU it belongs to, so scoped lists need no join.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.kernel.orm import Base, IdMixin, VersionedMixin


class Artifact(IdMixin, Base):
    """A build of a service: name, version and content digest; made on its first evidence."""

    __tablename__ = "artifacts"
    __table_args__ = (
        UniqueConstraint("service_id", "digest"),
        UniqueConstraint("service_id", "version"),
        Index("ix_artifacts_service_id_created_at", "service_id", "created_at"),
        Index("ix_artifacts_bu_id_created_at", "bu_id", "created_at"),
    )

    service_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("services.id"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(71))
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class Evidence(IdMixin, Base):
    """One report about an artifact. `subject` tells reports of one kind apart (the test suite,
    the scanner, the benchmark...); gates use the latest per (artifact, kind, subject)."""

    __tablename__ = "artifact_evidence"
    __table_args__ = (
        Index(
            "ix_artifact_evidence_artifact_id_kind",
            "artifact_id",
            "kind",
            "subject",
            "reported_at",
        ),
        Index("ix_artifact_evidence_bu_id_reported_at", "bu_id", "reported_at"),
    )

    artifact_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("artifacts.id", ondelete="CASCADE"))
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(200))
    passed: Mapped[bool] = mapped_column(Boolean)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    reported_at: Mapped[datetime] = mapped_column()
    reporter: Mapped[str] = mapped_column(String(200))
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(64))
    """`graphql`, or `cdevents:<cd_events.id>` for evidence read from a CDEvent."""


class WebhookSecret(IdMixin, VersionedMixin, Base):
    """A BU's shared secret for HMAC-signed CDEvents. The secret itself is never stored: it is
    derived from the server's master key and `salt` (see domain.pipelines.webhooks)."""

    __tablename__ = "webhook_secrets"
    __table_args__ = (UniqueConstraint("bu_id", "name"),)

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    name: Mapped[str] = mapped_column(String(200))
    salt: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    """Fingerprint of the master key the secret was derived under (rotation shows up here)."""
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column()
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))


class CdEvent(IdMixin, Base):
    """Every CDEvent received, known or not, keyed by (source, event id, type)."""

    __tablename__ = "cd_events"
    __table_args__ = (
        UniqueConstraint("source", "event_id", "type"),
        Index("ix_cd_events_bu_id_received_at", "bu_id", "received_at"),
        Index("ix_cd_events_bu_id_type", "bu_id", "type", "received_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    source: Mapped[str] = mapped_column(String(512))
    event_id: Mapped[str] = mapped_column(String(256))
    type: Mapped[str] = mapped_column(String(256))
    specversion: Mapped[str] = mapped_column(String(32))
    timestamp: Mapped[datetime] = mapped_column()
    subject_id: Mapped[str] = mapped_column(String(512))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    body_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column()
    received_by: Mapped[str] = mapped_column(String(200))
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
    webhook_secret_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("webhook_secrets.id"))
    known: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)


class DeploymentReport(IdMixin, Base):
    """A deployment, upgrade or rollback a CD tool reported; unresolved ones keep the reason."""

    __tablename__ = "deployment_reports"
    __table_args__ = (
        Index("ix_deployment_reports_bu_id_occurred_at", "bu_id", "occurred_at"),
        Index("ix_deployment_reports_service_id_occurred_at", "service_id", "occurred_at"),
        Index("ix_deployment_reports_occurred_at", "occurred_at"),
        Index("ix_deployment_reports_artifact_id", "artifact_id"),
    )

    cd_event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cd_events.id"), unique=True)
    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column()
    service_ref: Mapped[str] = mapped_column(String(512))
    environment_ref: Mapped[str] = mapped_column(String(512))
    artifact_ref: Mapped[str] = mapped_column(String(1024))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    environment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("environments.id"))
    artifact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("artifacts.id"))
    unresolved: Mapped[str] = mapped_column(Text)
    """Why the service, environment or artifact did not resolve; empty when all did."""


class IncidentReport(IdMixin, VersionedMixin, Base):
    """An incident an operations tool reported: opened by incident.detected/reported, closed by
    incident.resolved. Keyed per BU by where it came from and its id there."""

    __tablename__ = "incident_reports"
    __table_args__ = (
        UniqueConstraint("bu_id", "origin", "incident_ref"),
        Index("ix_incident_reports_bu_id_detected_at", "bu_id", "detected_at"),
        Index("ix_incident_reports_service_id_detected_at", "service_id", "detected_at"),
    )

    bu_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_units.id"))
    origin: Mapped[str] = mapped_column(String(512))
    incident_ref: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    service_ref: Mapped[str] = mapped_column(String(512))
    environment_ref: Mapped[str] = mapped_column(String(512))
    artifact_ref: Mapped[str] = mapped_column(String(1024))
    service_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("services.id"))
    environment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("environments.id"))
    detected_at: Mapped[datetime] = mapped_column()
    resolved_at: Mapped[datetime | None] = mapped_column()
    # Null for an incident reported through GraphQL (issue 17): `reported_by_id` says who.
    opened_by_event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cd_events.id"))
    resolved_by_event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cd_events.id"))
    unresolved: Mapped[str] = mapped_column(Text)
    # issue 17: SEV1 (worst) .. SEV4 (pipelines.vocabulary.IncidentSeverity); null: not rated.
    severity: Mapped[str | None] = mapped_column(String(8))
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"))
