"""Inputs of the post-release review use cases, its feedback and log signals."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CloseReview:
    review_id: uuid.UUID
    version: int
    verdict: str
    summary: str


@dataclass(frozen=True, slots=True)
class GatherReview:
    review_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class SetMetricTemplate:
    service_id: uuid.UUID
    queries: Sequence[Mapping[str, str]]
    version: int | None = None
    """The template's version when replacing one; None when the service has none yet."""


@dataclass(frozen=True, slots=True)
class ReportFeedback:
    service_id: uuid.UUID
    kind: str
    external_ref: str
    title: str
    body: str = ""
    tags: Sequence[str] = field(default_factory=tuple)
    occurred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReportLogSignal:
    service_id: uuid.UUID
    fingerprint: str
    count: int
    starts_at: datetime
    ends_at: datetime
    message: str = ""


@dataclass(frozen=True, slots=True)
class SignedBy:
    """A signed webhook acting for its BU (no person): what the audit trail names as the rule."""

    bu_id: uuid.UUID
    source: str
    rule: str
