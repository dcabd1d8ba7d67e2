"""Inputs of the calendar use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.calendar.rules import RankEntry


@dataclass(frozen=True, slots=True)
class PlanWindow:
    bu_id: uuid.UUID
    kind: str
    title: str
    starts_at: datetime
    ends_at: datetime
    release_id: uuid.UUID | None = None
    environment: str | None = None
    service_ids: list[uuid.UUID] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MoveWindow:
    window_id: uuid.UUID
    version: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class CheckWindow:
    """A window not planned yet (or being moved: `window_id`), to check for conflicts."""

    bu_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    release_id: uuid.UUID | None = None
    environment: str | None = None
    service_ids: list[uuid.UUID] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    window_id: uuid.UUID | None = None
    title: str = "This window"


@dataclass(frozen=True, slots=True)
class SuggestSlots:
    bu_id: uuid.UUID
    duration: timedelta
    after: datetime
    before: datetime
    count: int = 3
    release_id: uuid.UUID | None = None
    environment: str | None = None
    service_ids: list[uuid.UUID] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProposeFreeze:
    title: str
    scope: str
    starts_at: datetime
    ends_at: datetime
    stakeholder_ids: list[uuid.UUID]
    bu_id: uuid.UUID | None = None
    reason: str = ""
    tiers: list[str] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    service_ids: list[uuid.UUID] = field(default_factory=list)
    tzid: str = "UTC"
    rrule: str | None = None
    effective_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class DecideFreeze:
    freeze_id: uuid.UUID
    approve: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class RequestException:
    freeze_id: uuid.UUID
    window_id: uuid.UUID
    justification: str
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlanInFreeze:
    """A hotfix release's window inside a freeze, and the exception it needs to go through."""

    window: PlanWindow
    freeze_id: uuid.UUID
    justification: str
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DecideException:
    exception_id: uuid.UUID
    approve: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReviewException:
    exception_id: uuid.UUID
    note: str


@dataclass(frozen=True, slots=True)
class RecordAlignment:
    quarter: str
    ranking: list[RankEntry]
    agreed_by: list[uuid.UUID]
    bu_id: uuid.UUID | None = None
